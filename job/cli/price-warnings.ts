import type { Logger } from 'pino';
import type { RateTable } from '../prices/rate-table';
import type { Manifest } from '../sinks/manifest';

/** Warns, before a run, when the prices loaded are illustrative (the bundled demo prices). */
export function warnAboutPrices(logger: Logger, table: RateTable, location: string): void {
  if (table.versions.some((v) => v.illustrative === true)) {
    logger.warn(
      { prices: location },
      'ILLUSTRATIVE prices (bundled demo prices, not AWS price lists): the costs of this report are not a bill',
    );
  }
}

/** Warns, after a run, about calls rated with prices published after them and ambiguous prices. */
export function warnAboutRatings(logger: Logger, manifest: Manifest): void {
  if (manifest.illustrativePrices) {
    logger.warn({ illustrativePrices: true }, 'the report was rated with ILLUSTRATIVE prices, not AWS price lists');
  }
  if (manifest.callsRatedWithLaterPrices > 0) {
    const versions = manifest.priceVersions.filter((v) => v.publishedAt !== undefined).map((v) => v.id);
    logger.warn(
      { callsRatedWithLaterPrices: manifest.callsRatedWithLaterPrices, versions },
      `${manifest.callsRatedWithLaterPrices} call(s) rated with prices published after the call started; pass the price versions of the period (a bulk folder or a prices fetch snapshot) to rate them with the prices then in effect`,
    );
  }
  const ambiguous = manifest.unratedByStatus.UNRATED_AMBIGUOUS_PRICE ?? 0;
  if (ambiguous > 0) {
    logger.warn(
      { ambiguousPrices: manifest.ambiguousPrices },
      `${ambiguous} call(s) not rated: several products match and their prices differ (see ambiguousPrices in the manifest)`,
    );
  }
}
