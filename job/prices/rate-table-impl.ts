import { DecimalFormatError, parseDecimal } from '../core/decimal';
import { PRICE_SCALE, type ServiceCode } from '../core/schema';
import { isTollFreeCall, type PriceTraits, priceTraits, traitsMatch } from './call-traits';
import { PriceSourceError } from './errors';
import type { CallHints, PriceLookup, PriceVersionWindow, RateTable, UnitPrice } from './rate-table';
import { snapshotWindows } from './snapshot';
import type { SnapshotVersion } from './snapshot-format';
import { assertWindows } from './windows';

interface VersionPrices {
  readonly window: PriceVersionWindow;
  readonly byUsageType: ReadonlyMap<string, UnitPrice>;
  readonly attributes: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** Built on the first lookup without a usage type. */
  traits?: { readonly price: UnitPrice; readonly traits: PriceTraits }[];
  /** Hint key → identified price (null: none or ambiguous). */
  readonly hintCache: Map<string, UnitPrice | null>;
}

function unitPrice(version: string, usageType: string, text: string, unit: string): UnitPrice {
  let pricePerUnit: bigint;
  try {
    pricePerUnit = parseDecimal(text, PRICE_SCALE);
  } catch (error) {
    const reason = error instanceof DecimalFormatError ? error.message : String(error);
    throw new PriceSourceError(`price of usage type ${usageType} in version ${version} is unusable: ${reason}`);
  }
  return { usageType, pricePerUnit, unit, version };
}

/** Cache key of the hints that decide a price (raw text: normalizing would cost more than it saves). */
function hintKey(hints: CallHints, tollFree: boolean): string {
  return `${hints.direction ?? ''}\u0000${hints.sourceCountry ?? ''}\u0000${hints.destinationCountry ?? ''}\u0000${hints.region ?? ''}\u0000${tollFree ? 'T' : ''}`;
}

/**
 * Identifies the one price a call without a usage type (Business Calling) can have. Conservative:
 * candidates are the prices whose traits match the hints (see `traitsMatch`); when the call is to
 * a toll-free number only toll-free prices are kept if any match, otherwise toll-free prices are
 * dropped. Exactly one candidate left → that price; none or several → null (not rated).
 */
function identify(version: VersionPrices, hints: CallHints): UnitPrice | null {
  const tollFree = isTollFreeCall(hints);
  const key = hintKey(hints, tollFree);
  const cached = version.hintCache.get(key);
  if (cached !== undefined) return cached;
  if (!version.traits) {
    version.traits = [...version.byUsageType.values()].map((price) => ({
      price,
      traits: priceTraits(price.usageType, version.attributes.get(price.usageType) ?? {}),
    }));
  }
  const matching = version.traits.filter((entry) => traitsMatch(entry.traits, hints));
  const tollFreeMatches = matching.filter((entry) => entry.traits.tollFree);
  const candidates =
    tollFree && tollFreeMatches.length > 0 ? tollFreeMatches : matching.filter((entry) => !entry.traits.tollFree);
  const result = candidates.length === 1 && candidates[0] ? candidates[0].price : null;
  if (version.hintCache.size < 10_000) version.hintCache.set(key, result);
  return result;
}

/**
 * Builds the rate table of a service from snapshot versions (sorted by effectiveFrom, windows not
 * overlapping; gaps allowed). Lookups binary-search the window by call start and read a Map per
 * version. Status semantics:
 * - no version with effectiveFrom ≤ start, or start ≥ effectiveUntil of that version →
 *   UNRATED_NO_PRICE_VERSION (version null);
 * - a usage type the version does not price → UNRATED_UNKNOWN_USAGE_TYPE;
 * - no usage type (undefined or empty) → the price identified from the hints (`identify`), else
 *   UNRATED_NO_USAGE_TYPE.
 * Throws PriceSourceError when windows overlap or a price is not exact at PRICE_SCALE decimals.
 */
export function createRateTable(service: ServiceCode, versions: readonly SnapshotVersion[]): RateTable {
  const windows = snapshotWindows(versions);
  for (const window of windows) {
    if (Number.isNaN(window.effectiveFrom) || Number.isNaN(window.effectiveUntil ?? 0)) {
      throw new PriceSourceError(`price version ${window.id} has an invalid effective date`);
    }
  }
  assertWindows(windows);
  const table: VersionPrices[] = versions.map((version, i) => {
    const byUsageType = new Map<string, UnitPrice>();
    const attributes = new Map<string, Readonly<Record<string, string>>>();
    for (const price of version.prices) {
      if (byUsageType.has(price.usageType)) {
        throw new PriceSourceError(`usage type ${price.usageType} has two prices in version ${version.id}`);
      }
      byUsageType.set(price.usageType, unitPrice(version.id, price.usageType, price.pricePerUnit, price.unit));
      if (price.attributes) attributes.set(price.usageType, price.attributes);
    }
    return { window: windows[i] as PriceVersionWindow, byUsageType, attributes, hintCache: new Map() };
  });
  const starts = windows.map((w) => w.effectiveFrom);

  /** Index of the version with the latest effectiveFrom ≤ start, or -1. */
  const versionAt = (start: number): number => {
    let low = 0;
    let high = starts.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if ((starts[mid] as number) <= start) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found;
  };

  return {
    service,
    versions: windows,
    priceFor(usageType: string | undefined, startEpochSeconds: number, hints: CallHints): PriceLookup {
      const version = table[versionAt(startEpochSeconds)];
      if (!version) return { status: 'UNRATED_NO_PRICE_VERSION', version: null };
      const until = version.window.effectiveUntil;
      if (until !== null && startEpochSeconds >= until) return { status: 'UNRATED_NO_PRICE_VERSION', version: null };
      if (usageType === undefined || usageType === '') {
        const price = identify(version, hints);
        return price ? { status: 'RATED', price } : { status: 'UNRATED_NO_USAGE_TYPE', version: version.window.id };
      }
      const price = version.byUsageType.get(usageType);
      return price ? { status: 'RATED', price } : { status: 'UNRATED_UNKNOWN_USAGE_TYPE', version: version.window.id };
    },
  };
}
