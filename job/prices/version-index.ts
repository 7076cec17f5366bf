import { compareText } from '../core/text';
import { PriceSourceError } from './errors';
import { formatInstant, parseInstant } from './instant';
import { isObject, objectField, stringField } from './json-value';

/** One version of a bulk version index with the window it is used for: [effectiveFrom, effectiveUntil). */
export interface IndexedVersion {
  readonly id: string;
  /** Epoch seconds, inclusive (the published `versionEffectiveBeginDate`). */
  readonly effectiveFrom: number;
  /** Epoch seconds, exclusive; null when open-ended. */
  readonly effectiveUntil: number | null;
  /** `offerVersionUrl` as published (`/offers/v1.0/aws/<code>/<id>/index.json`), if any. */
  readonly offerVersionUrl?: string;
}

/** A parsed bulk version index. */
export interface VersionIndex {
  readonly offerCode?: string;
  readonly currentVersion?: string;
  /** Versions sorted by effectiveFrom; windows never overlap. */
  readonly versions: IndexedVersion[];
  /** Versions dropped because a later-published version has the same begin date. */
  readonly superseded: { readonly id: string; readonly by: string }[];
}

/** Whether a parsed JSON document looks like a bulk version index (`versions` map, no products). */
export function isVersionIndex(doc: unknown): boolean {
  return isObject(doc) && isObject(doc.versions) && !('products' in doc);
}

/**
 * Published end dates are read defensively: `""`/absent is open-ended; an end on the last second
 * of a day (`…T23:59:59Z`) is inclusive, so the exclusive end is one second later; anything else
 * is taken as exclusive.
 */
function exclusiveEnd(text: string | undefined, id: string): number | null {
  if (text === undefined || text.trim() === '') return null;
  const end = parseInstant(text);
  if (end === undefined)
    throw new PriceSourceError(`version ${id} has an invalid versionEffectiveEndDate ${JSON.stringify(text)}`);
  return (end + 1) % 86_400 === 0 ? end + 1 : end;
}

/** Compares version ids as publication order: ids are `YYYYMMDDhhmmss`, longer numeric ids are later. */
function comparePublished(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b) && a.length !== b.length) return a.length - b.length;
  return compareText(a, b);
}

/**
 * Parses a bulk version index (`{offerCode, currentVersion, versions: {<id>: {versionEffectiveBeginDate,
 * versionEffectiveEndDate, offerVersionUrl}}}`) into non-overlapping windows.
 *
 * Rules: versions are sorted by begin date; a version's window ends where the next one begins
 * (whatever end date it publishes, so windows neither overlap nor leave gaps, matching "the latest
 * begin ≤ call start wins"); the last version ends at its published end (see `exclusiveEnd`) or
 * is open. When several versions share a begin date, only the one published last (greatest id)
 * is kept; the others are listed in `superseded`.
 */
export function parseVersionIndex(doc: unknown): VersionIndex {
  if (!isObject(doc)) throw new PriceSourceError('version index is not a JSON object');
  const versions = objectField(doc, 'versions');
  if (!versions) throw new PriceSourceError('version index has no "versions" object');
  const entries: { id: string; from: number; end: number | null; url?: string }[] = [];
  for (const [id, entry] of Object.entries(versions)) {
    if (!isObject(entry)) throw new PriceSourceError(`version ${id} is not an object`);
    const beginText = stringField(entry, 'versionEffectiveBeginDate');
    const from = beginText === undefined ? undefined : parseInstant(beginText);
    if (from === undefined) {
      throw new PriceSourceError(
        `version ${id} has no valid versionEffectiveBeginDate (${JSON.stringify(beginText ?? null)})`,
      );
    }
    const url = stringField(entry, 'offerVersionUrl');
    entries.push({
      id,
      from,
      end: exclusiveEnd(stringField(entry, 'versionEffectiveEndDate'), id),
      ...(url ? { url } : {}),
    });
  }
  if (entries.length === 0) throw new PriceSourceError('version index lists no versions');
  entries.sort((a, b) => a.from - b.from || comparePublished(a.id, b.id));

  const kept: typeof entries = [];
  const superseded: { id: string; by: string }[] = [];
  for (const entry of entries) {
    const previous = kept[kept.length - 1];
    if (previous && previous.from === entry.from) {
      superseded.push({ id: previous.id, by: entry.id });
      kept[kept.length - 1] = entry;
    } else {
      kept.push(entry);
    }
  }
  const windows: IndexedVersion[] = kept.map((entry, i) => {
    const next = kept[i + 1];
    const until = next ? next.from : entry.end;
    if (until !== null && until <= entry.from) {
      throw new PriceSourceError(
        `version ${entry.id} ends (${formatInstant(until)}) before it begins (${formatInstant(entry.from)})`,
      );
    }
    return {
      id: entry.id,
      effectiveFrom: entry.from,
      effectiveUntil: until,
      ...(entry.url === undefined ? {} : { offerVersionUrl: entry.url }),
    };
  });
  const offerCode = stringField(doc, 'offerCode');
  const currentVersion = stringField(doc, 'currentVersion');
  return {
    ...(offerCode === undefined ? {} : { offerCode }),
    ...(currentVersion === undefined ? {} : { currentVersion }),
    versions: windows,
    superseded,
  };
}
