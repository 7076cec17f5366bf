import { DecimalFormatError, formatDecimal, parseDecimal } from '../core/decimal';
import { PRICE_PRECISION, PRICE_SCALE } from '../core/schema';
import { PriceSourceError } from './errors';
import { isObject, type JsonObject, objectField, stringEntries, stringField } from './json-value';
import type { SnapshotPrice } from './snapshot-format';

/** One product of a price list with its OnDemand terms, whatever file it came from. */
export interface ProductOffer {
  readonly sku: string;
  /** Product attributes (`usagetype`, `location`, …), string values only. */
  readonly attributes: Readonly<Record<string, string>>;
  /** The OnDemand term map of this SKU: `{"<sku>.<offerTermCode>": {priceDimensions: {…}}}`. */
  readonly onDemand: JsonObject | undefined;
}

/** The usage type of a product: attribute `usagetype` (JSON files) or `usageType` (CSV header style). */
export function usageTypeOf(attributes: Readonly<Record<string, string>>): string | undefined {
  const value = attributes.usagetype ?? attributes.usageType;
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

interface Candidate {
  readonly usageType: string;
  readonly pricePerUnit: string;
  readonly unit: string;
  readonly description: string | undefined;
  readonly attributes: Readonly<Record<string, string>>;
  readonly beginRange: bigint;
  readonly sku: string;
  readonly rateCode: string;
}

const UNKNOWN_RANGE = 10n ** 40n;

/** Largest price the report columns hold: decimal(PRICE_PRECISION, PRICE_SCALE), scaled. */
const MAX_PRICE = 10n ** BigInt(PRICE_PRECISION) - 1n;

/**
 * Parses a published USD price exactly. More than PRICE_SCALE decimals, a negative price, or one
 * beyond what the PricePerUnit column holds (PRICE_PRECISION digits) is an error naming the
 * product (`usage type X`, with its SKU when known).
 */
export function canonicalPrice(text: string, usageType: string, sku?: string): string {
  const product = `usage type ${usageType}${sku === undefined ? '' : ` (SKU ${sku})`}`;
  let value: bigint;
  try {
    value = parseDecimal(text, PRICE_SCALE);
  } catch (error) {
    const reason = error instanceof DecimalFormatError ? error.message : String(error);
    throw new PriceSourceError(`price of ${product} is unusable: ${reason}`);
  }
  if (value < 0n) throw new PriceSourceError(`price of ${product} is negative: ${JSON.stringify(text)}`);
  if (value > MAX_PRICE) {
    throw new PriceSourceError(
      `price of ${product} is out of range: ${JSON.stringify(text)} USD does not fit decimal(${PRICE_PRECISION},${PRICE_SCALE})`,
    );
  }
  return formatDecimal(value, PRICE_SCALE);
}

function beginRangeOf(dimension: JsonObject): bigint {
  const text = stringField(dimension, 'beginRange');
  if (text === undefined) return 0n;
  try {
    return parseDecimal(text, 0);
  } catch {
    return UNKNOWN_RANGE;
  }
}

function candidatesOf(offer: ProductOffer, usageType: string): Candidate[] {
  const result: Candidate[] = [];
  if (!offer.onDemand) return result;
  for (const term of Object.values(offer.onDemand)) {
    if (!isObject(term)) continue;
    const dimensions = objectField(term, 'priceDimensions');
    if (!dimensions) continue;
    for (const [rateCode, dimension] of Object.entries(dimensions)) {
      if (!isObject(dimension)) continue;
      const usd = stringField(objectField(dimension, 'pricePerUnit') ?? {}, 'USD');
      if (usd === undefined) continue; // Non-USD (e.g. CNY) price lists are skipped.
      result.push({
        usageType,
        pricePerUnit: canonicalPrice(usd, usageType, offer.sku),
        unit: stringField(dimension, 'unit') ?? '',
        description: stringField(dimension, 'description'),
        attributes: offer.attributes,
        beginRange: beginRangeOf(dimension),
        sku: offer.sku,
        rateCode: stringField(dimension, 'rateCode') ?? rateCode,
      });
    }
  }
  return result;
}

function compareCandidates(a: Candidate, b: Candidate): number {
  if (a.beginRange !== b.beginRange) return a.beginRange < b.beginRange ? -1 : 1;
  if (a.sku !== b.sku) return a.sku < b.sku ? -1 : 1;
  if (a.rateCode !== b.rateCode) return a.rateCode < b.rateCode ? -1 : 1;
  return 0;
}

/**
 * The OnDemand USD price of every usage type in a set of products, sorted by usage type.
 *
 * Selection rule, when a usage type has several price dimensions in one version (tiers, several
 * terms, or several SKUs sharing the usage type): the dimension with the lowest `beginRange`
 * (the first tier, normally `"0"`), then the lowest SKU, then the lowest rate code. The choice is
 * deterministic whatever the order of the file. Products without a usage type or without a USD
 * OnDemand price are skipped.
 */
export function productsToPrices(offers: Iterable<ProductOffer>): SnapshotPrice[] {
  const best = new Map<string, Candidate>();
  for (const offer of offers) {
    const usageType = usageTypeOf(offer.attributes);
    if (usageType === undefined) continue;
    for (const candidate of candidatesOf(offer, usageType)) {
      const current = best.get(usageType);
      if (!current || compareCandidates(candidate, current) < 0) best.set(usageType, candidate);
    }
  }
  return [...best.values()]
    .sort((a, b) => (a.usageType < b.usageType ? -1 : a.usageType > b.usageType ? 1 : 0))
    .map((c) => ({
      usageType: c.usageType,
      pricePerUnit: c.pricePerUnit,
      unit: c.unit,
      ...(c.description === undefined ? {} : { description: c.description }),
      attributes: c.attributes,
    }));
}

/** Builds a ProductOffer from a `product` object (`{sku, productFamily, attributes}`) and its OnDemand terms. */
export function productOffer(product: JsonObject, skuKey: string, onDemand: JsonObject | undefined): ProductOffer {
  return {
    sku: stringField(product, 'sku') ?? skuKey,
    attributes: stringEntries(objectField(product, 'attributes')),
    onDemand,
  };
}
