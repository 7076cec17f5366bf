import type { ServiceCode } from '../core/schema';
import { isServiceCode } from '../core/schema';
import { stripBom } from '../core/text';
import { PriceSourceError } from './errors';
import { formatInstant, parseInstant } from './instant';
import { isObject, type JsonObject } from './json-value';
import { canonicalPrice } from './product-prices';
import type { PriceVersionWindow } from './rate-table';
import {
  type PriceSnapshotDocument,
  SNAPSHOT_FORMAT,
  type SnapshotPrice,
  type SnapshotVersion,
} from './snapshot-format';
import { assertWindows } from './windows';

/** An instant as ISO 8601 text, epoch seconds, or a Date. */
export type InstantInput = string | number | Date;

/** One version handed to `buildSnapshot`. */
export interface SnapshotVersionInput {
  readonly id: string;
  readonly effectiveFrom: InstantInput;
  /** Exclusive; null for open-ended. */
  readonly effectiveUntil: InstantInput | null;
  /** Publication of the prices, when the window reaches back before it (see SnapshotVersion). */
  readonly publishedAt?: InstantInput;
  /** The prices are illustrative, not AWS's. */
  readonly illustrative?: boolean;
  readonly prices: readonly SnapshotPrice[];
}

/** The optional fields of a version, as written in a snapshot (absent when not set). */
function versionNotes(version: {
  readonly publishedAt?: string | undefined;
  readonly illustrative?: boolean | undefined;
}): { publishedAt?: string; illustrative?: true } {
  return {
    ...(version.publishedAt === undefined ? {} : { publishedAt: version.publishedAt }),
    ...(version.illustrative === true ? { illustrative: true as const } : {}),
  };
}

function toEpochSeconds(value: InstantInput, what: string): number {
  let seconds: number | undefined;
  if (value instanceof Date) seconds = Number.isNaN(value.getTime()) ? undefined : Math.floor(value.getTime() / 1000);
  else if (typeof value === 'number') seconds = Number.isSafeInteger(value) ? value : undefined;
  else seconds = parseInstant(value);
  if (seconds === undefined)
    throw new PriceSourceError(`${what} is not a valid instant: ${JSON.stringify(String(value))}`);
  return seconds;
}

function sortedAttributes(attributes: Readonly<Record<string, string>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const key of Object.keys(attributes).sort()) {
    const value = attributes[key];
    if (value !== undefined) result[key] = value;
  }
  return result;
}

function canonicalPrices(prices: readonly SnapshotPrice[], versionId: string): SnapshotPrice[] {
  const seen = new Set<string>();
  const result = prices.map((price) => {
    if (seen.has(price.usageType)) {
      throw new PriceSourceError(`usage type ${price.usageType} has two prices in version ${versionId}`);
    }
    seen.add(price.usageType);
    return {
      usageType: price.usageType,
      pricePerUnit: canonicalPrice(price.pricePerUnit, price.usageType),
      unit: price.unit,
      ...(price.description === undefined ? {} : { description: price.description }),
      ...(price.attributes === undefined ? {} : { attributes: sortedAttributes(price.attributes) }),
    };
  });
  return result.sort((a, b) => (a.usageType < b.usageType ? -1 : a.usageType > b.usageType ? 1 : 0));
}

/**
 * Builds a normalized snapshot: versions sorted by effectiveFrom (windows must not overlap),
 * instants as `YYYY-MM-DDTHH:MM:SSZ`, prices as canonical decimal text sorted by usage type.
 * Throws PriceSourceError on overlapping windows, duplicate usage types or unusable prices.
 */
export function buildSnapshot(
  service: ServiceCode,
  versions: readonly SnapshotVersionInput[],
  sources: readonly string[],
  createdAt: Date | string,
): PriceSnapshotDocument {
  const windows = versions
    .map((version) => ({
      version,
      from: toEpochSeconds(version.effectiveFrom, `effectiveFrom of version ${version.id}`),
      until:
        version.effectiveUntil === null
          ? null
          : toEpochSeconds(version.effectiveUntil, `effectiveUntil of version ${version.id}`),
    }))
    .sort((a, b) => a.from - b.from);
  assertWindows(windows.map((w) => ({ id: w.version.id, effectiveFrom: w.from, effectiveUntil: w.until })));
  const created = typeof createdAt === 'string' ? new Date(createdAt) : createdAt;
  if (Number.isNaN(created.getTime()))
    throw new PriceSourceError(`createdAt is not a valid instant: ${String(createdAt)}`);
  return {
    format: SNAPSHOT_FORMAT,
    service,
    currency: 'USD',
    createdAt: created.toISOString(),
    sources: [...sources],
    versions: windows.map((w) => {
      const published =
        w.version.publishedAt === undefined
          ? undefined
          : toEpochSeconds(w.version.publishedAt, `publishedAt of version ${w.version.id}`);
      return {
        id: w.version.id,
        effectiveFrom: formatInstant(w.from),
        effectiveUntil: w.until === null ? null : formatInstant(w.until),
        ...versionNotes({
          // Only a publication after the window's start says anything about the calls rated.
          publishedAt: published !== undefined && published > w.from ? formatInstant(published) : undefined,
          illustrative: w.version.illustrative,
        }),
        prices: canonicalPrices(w.version.prices, w.version.id),
      };
    }),
  };
}

/** Serializes a snapshot as pretty JSON with a fixed key order (byte-identical for equal snapshots). */
export function serializeSnapshot(doc: PriceSnapshotDocument): string {
  const ordered = {
    format: doc.format,
    service: doc.service,
    currency: doc.currency,
    createdAt: doc.createdAt,
    sources: [...doc.sources],
    versions: doc.versions.map((version) => ({
      id: version.id,
      effectiveFrom: version.effectiveFrom,
      effectiveUntil: version.effectiveUntil,
      ...versionNotes(version),
      prices: version.prices.map((price) => ({
        usageType: price.usageType,
        pricePerUnit: price.pricePerUnit,
        unit: price.unit,
        ...(price.description === undefined ? {} : { description: price.description }),
        ...(price.attributes === undefined ? {} : { attributes: sortedAttributes(price.attributes) }),
      })),
    })),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/** Whether a parsed JSON document claims to be one of our snapshots (any format version). */
export function isSnapshot(doc: unknown): boolean {
  return isObject(doc) && typeof doc.format === 'string' && doc.format.startsWith('chime-cdr-summary/price-snapshot@');
}

function fail(path: string, problem: string): never {
  throw new PriceSourceError(`invalid price snapshot: ${path} ${problem}`);
}

function requireString(obj: JsonObject, key: string, path: string): string {
  const value = obj[key];
  if (typeof value !== 'string' || value === '') fail(`${path}.${key}`, 'must be a non-empty string');
  return value;
}

function requireInstant(obj: JsonObject, key: string, path: string): string {
  const text = requireString(obj, key, path);
  if (parseInstant(text) === undefined)
    fail(`${path}.${key}`, `is not an ISO 8601 UTC instant: ${JSON.stringify(text)}`);
  return text;
}

function validatePrice(value: unknown, path: string): SnapshotPrice {
  if (!isObject(value)) fail(path, 'must be an object');
  const usageType = requireString(value, 'usageType', path);
  const priceText = requireString(value, 'pricePerUnit', path);
  try {
    canonicalPrice(priceText, usageType);
  } catch (error) {
    fail(`${path}.pricePerUnit`, `is unusable (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof value.unit !== 'string') fail(`${path}.unit`, 'must be a string');
  if (value.description !== undefined && typeof value.description !== 'string') {
    fail(`${path}.description`, 'must be a string');
  }
  let attributes: Record<string, string> | undefined;
  if (value.attributes !== undefined) {
    if (!isObject(value.attributes)) fail(`${path}.attributes`, 'must be an object');
    attributes = {};
    for (const [key, attr] of Object.entries(value.attributes)) {
      if (typeof attr !== 'string') fail(`${path}.attributes.${key}`, 'must be a string');
      attributes[key] = attr;
    }
  }
  return {
    usageType,
    pricePerUnit: priceText,
    unit: value.unit,
    ...(typeof value.description === 'string' ? { description: value.description } : {}),
    ...(attributes === undefined ? {} : { attributes }),
  };
}

function validateVersion(value: unknown, path: string): SnapshotVersion {
  if (!isObject(value)) fail(path, 'must be an object');
  const id = requireString(value, 'id', path);
  const effectiveFrom = requireInstant(value, 'effectiveFrom', path);
  const effectiveUntil = value.effectiveUntil === null ? null : requireInstant(value, 'effectiveUntil', path);
  const publishedAt = value.publishedAt === undefined ? undefined : requireInstant(value, 'publishedAt', path);
  if (value.illustrative !== undefined && typeof value.illustrative !== 'boolean') {
    fail(`${path}.illustrative`, 'must be a boolean');
  }
  if (!Array.isArray(value.prices)) fail(`${path}.prices`, 'must be an array');
  const seen = new Set<string>();
  const prices = value.prices.map((price: unknown, i: number) => {
    const parsed = validatePrice(price, `${path}.prices[${i}]`);
    if (seen.has(parsed.usageType)) fail(`${path}.prices[${i}]`, `repeats usage type ${parsed.usageType}`);
    seen.add(parsed.usageType);
    return parsed;
  });
  return {
    id,
    effectiveFrom,
    effectiveUntil,
    ...versionNotes({ publishedAt, illustrative: value.illustrative === true }),
    prices,
  };
}

/** The windows of snapshot versions in epoch seconds. */
export function snapshotWindows(versions: readonly SnapshotVersion[]): PriceVersionWindow[] {
  return versions.map((version) => ({
    id: version.id,
    effectiveFrom: parseInstant(version.effectiveFrom) ?? Number.NaN,
    effectiveUntil: version.effectiveUntil === null ? null : (parseInstant(version.effectiveUntil) ?? Number.NaN),
    ...(version.publishedAt === undefined ? {} : { publishedAt: parseInstant(version.publishedAt) ?? Number.NaN }),
    ...(version.illustrative === true ? { illustrative: true } : {}),
  }));
}

/** Validates a parsed JSON document as a snapshot; throws PriceSourceError naming the first problem. */
export function validateSnapshot(doc: unknown): PriceSnapshotDocument {
  if (!isObject(doc)) fail('document', 'must be a JSON object');
  if (doc.format !== SNAPSHOT_FORMAT) {
    fail('format', `must be ${JSON.stringify(SNAPSHOT_FORMAT)}, found ${JSON.stringify(doc.format ?? null)}`);
  }
  const service = requireString(doc, 'service', '$');
  if (!isServiceCode(service)) fail('$.service', `is not a supported service: ${JSON.stringify(service)}`);
  if (doc.currency !== 'USD') fail('$.currency', 'must be "USD"');
  const createdAt = requireString(doc, 'createdAt', '$');
  if (!Array.isArray(doc.sources) || !doc.sources.every((s: unknown) => typeof s === 'string')) {
    fail('$.sources', 'must be an array of strings');
  }
  if (!Array.isArray(doc.versions)) fail('$.versions', 'must be an array');
  const versions = doc.versions.map((v: unknown, i: number) => validateVersion(v, `$.versions[${i}]`));
  try {
    assertWindows(snapshotWindows(versions));
  } catch (error) {
    fail('$.versions:', error instanceof Error ? error.message : String(error));
  }
  return { format: SNAPSHOT_FORMAT, service, currency: 'USD', createdAt, sources: doc.sources as string[], versions };
}

/** Parses and validates snapshot JSON text. Throws PriceSourceError with a one-line message. */
export function parseSnapshot(text: string): PriceSnapshotDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(stripBom(text));
  } catch (error) {
    throw new PriceSourceError(
      `invalid price snapshot: not valid JSON (${error instanceof Error ? error.message : error})`,
    );
  }
  return validateSnapshot(doc);
}
