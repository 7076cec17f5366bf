import { DecimalFormatError, parseDecimal } from '../core/decimal';
import { PRICE_SCALE, type ServiceCode } from '../core/schema';
import { callNumberKind, numberTypeFit, type PriceTraits, priceTraits, traitsMatch } from './call-traits';
import { PriceSourceError } from './errors';
import { type NumberKind, numberKind } from './number-kind';
import { perMinutePrice } from './price-unit';
import type { CallHints, PriceLookup, PriceVersionWindow, RateTable, UnitPrice } from './rate-table';
import { snapshotWindows } from './snapshot';
import type { SnapshotVersion } from './snapshot-format';
import { assertWindows } from './windows';

/** One price of a version as the identification of Business Calling prices sees it. */
interface PriceEntry {
  /** The price per minute; null when its unit cannot price minutes. */
  readonly perMinute: UnitPrice | null;
  /** The price as published (named in the manifest when ambiguous). */
  readonly published: UnitPrice;
  readonly traits: PriceTraits;
}

/** What identification decided for one set of call hints. */
type Decision =
  | { readonly status: 'RATED'; readonly price: UnitPrice }
  | { readonly status: 'UNRATED_AMBIGUOUS_PRICE'; readonly candidates: readonly UnitPrice[] }
  | { readonly status: 'UNRATED_NO_USAGE_TYPE' | 'UNRATED_UNSUPPORTED_UNIT' };

interface VersionPrices {
  readonly window: PriceVersionWindow;
  readonly byUsageType: ReadonlyMap<string, UnitPrice>;
  /** Usage types whose unit cannot price minutes. */
  readonly unsupported: ReadonlySet<string>;
  readonly entries: readonly PriceEntry[];
  /** Direction/countries/Region → the prices they match, and whether the number type matters. */
  readonly matchCache: Map<string, { readonly entries: readonly PriceEntry[]; readonly typed: boolean }>;
  /** Match key + number kind → decision. */
  readonly decisionCache: Map<string, Decision>;
}

const CACHE_LIMIT = 10_000;

function remember<K, V>(cache: Map<K, V>, key: K, value: V): V {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
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

/** Cache key of the hints that select the matching prices (raw text: normalizing would cost more). */
function matchKey(hints: CallHints): string {
  return `${hints.direction ?? ''}\u0000${hints.sourceCountry ?? ''}\u0000${hints.destinationCountry ?? ''}\u0000${hints.region ?? ''}`;
}

function decide(entries: readonly PriceEntry[], kind: NumberKind): Decision {
  const fits = entries.map((entry) => numberTypeFit(entry.traits.numberType, kind));
  const exact = entries.filter((_, i) => fits[i] === 'exact');
  const chosen = (exact.length > 0 ? exact : entries.filter((_, i) => fits[i] === 'possible'))
    .slice()
    .sort((a, b) => (a.published.usageType < b.published.usageType ? -1 : 1));
  const first = chosen[0];
  if (first === undefined) return { status: 'UNRATED_NO_USAGE_TYPE' };
  if (chosen.every((entry) => entry.perMinute === null)) return { status: 'UNRATED_UNSUPPORTED_UNIT' };
  const price = first.perMinute;
  if (price !== null && chosen.every((entry) => entry.perMinute?.pricePerUnit === price.pricePerUnit)) {
    return { status: 'RATED', price };
  }
  return { status: 'UNRATED_AMBIGUOUS_PRICE', candidates: chosen.map((entry) => entry.perMinute ?? entry.published) };
}

/**
 * Identifies the price of a call without a usage type (Business Calling). The candidates are the
 * prices whose traits match the hints (`traitsMatch`: direction, caller and called countries,
 * Region; never text-message prices). When their number types differ, the called number is
 * classified (libphonenumber): prices for exactly that kind of number win over prices for any
 * number; prices for another kind drop out. One price left, or several agreeing on the price per
 * minute → that price (the first usage type in sort order); several disagreeing → ambiguous, with
 * the candidates; none → not identified.
 */
function identify(version: VersionPrices, hints: CallHints): Decision {
  const key = matchKey(hints);
  let match = version.matchCache.get(key);
  if (!match) {
    const entries = version.entries.filter((entry) => traitsMatch(entry.traits, hints));
    match = remember(version.matchCache, key, {
      entries,
      typed: entries.some((entry) => entry.traits.numberType !== undefined),
    });
  }
  const kind: NumberKind = match.typed ? callNumberKind(hints, numberKind) : 'unknown';
  const decisionKey = `${key}\u0000${kind}`;
  return (
    version.decisionCache.get(decisionKey) ?? remember(version.decisionCache, decisionKey, decide(match.entries, kind))
  );
}

/**
 * Builds the rate table of a service from snapshot versions (sorted by effectiveFrom, windows not
 * overlapping; gaps allowed). Lookups binary-search the window by call start and read a Map per
 * version. Status semantics:
 * - no version with effectiveFrom ≤ start, or start ≥ effectiveUntil of that version →
 *   UNRATED_NO_PRICE_VERSION (version null);
 * - a usage type the version does not price → UNRATED_UNKNOWN_USAGE_TYPE; one whose unit cannot
 *   price minutes (per message, per month) → UNRATED_UNSUPPORTED_UNIT; prices per second (or per
 *   hour, when exact) are converted to per minute (`perMinutePrice`);
 * - no usage type (undefined or empty) → the price identified from the hints (`identify`), else
 *   UNRATED_NO_USAGE_TYPE, or UNRATED_AMBIGUOUS_PRICE with the candidates.
 * A RATED call that starts before its version's `publishedAt` is flagged `laterPrices`.
 * Throws PriceSourceError when windows overlap or a price is not exact at PRICE_SCALE decimals.
 */
export function createRateTable(service: ServiceCode, versions: readonly SnapshotVersion[]): RateTable {
  const windows = snapshotWindows(versions);
  for (const window of windows) {
    if ([window.effectiveFrom, window.effectiveUntil ?? 0, window.publishedAt ?? 0].some(Number.isNaN)) {
      throw new PriceSourceError(`price version ${window.id} has an invalid effective date`);
    }
  }
  assertWindows(windows);
  const table: VersionPrices[] = versions.map((version, i) => {
    const byUsageType = new Map<string, UnitPrice>();
    const unsupported = new Set<string>();
    const entries: PriceEntry[] = [];
    const seen = new Set<string>();
    for (const price of version.prices) {
      if (seen.has(price.usageType)) {
        throw new PriceSourceError(`usage type ${price.usageType} has two prices in version ${version.id}`);
      }
      seen.add(price.usageType);
      const published = unitPrice(version.id, price.usageType, price.pricePerUnit, price.unit);
      const converted = perMinutePrice(published.pricePerUnit, published.unit);
      const perMinute = converted.ok
        ? { ...published, pricePerUnit: converted.pricePerMinute, unit: converted.unit }
        : null;
      if (perMinute) byUsageType.set(price.usageType, perMinute);
      else unsupported.add(price.usageType);
      entries.push({ perMinute, published, traits: priceTraits(price.usageType, price.attributes ?? {}) });
    }
    return {
      window: windows[i] as PriceVersionWindow,
      byUsageType,
      unsupported,
      entries,
      matchCache: new Map(),
      decisionCache: new Map(),
    };
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
      const window = version.window;
      if (window.effectiveUntil !== null && startEpochSeconds >= window.effectiveUntil) {
        return { status: 'UNRATED_NO_PRICE_VERSION', version: null };
      }
      const later = window.publishedAt !== undefined && startEpochSeconds < window.publishedAt;
      const rated = (price: UnitPrice): PriceLookup =>
        later ? { status: 'RATED', price, laterPrices: true } : { status: 'RATED', price };
      if (usageType === undefined || usageType === '') {
        const decision = identify(version, hints);
        if (decision.status === 'RATED') return rated(decision.price);
        if (decision.status === 'UNRATED_AMBIGUOUS_PRICE') return { ...decision, version: window.id };
        return { status: decision.status, version: window.id };
      }
      const price = version.byUsageType.get(usageType);
      if (price) return rated(price);
      const status = version.unsupported.has(usageType) ? 'UNRATED_UNSUPPORTED_UNIT' : 'UNRATED_UNKNOWN_USAGE_TYPE';
      return { status, version: window.id };
    },
  };
}
