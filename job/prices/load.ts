import type { ServiceCode } from '../core/schema';
import type { ObjectStore } from '../store/object-store';
import { type DetectedPrices, detectPrices } from './detect';
import { PriceSourceError, withSource } from './errors';
import { getProductsPagesToPrices } from './get-products';
import { formatInstant } from './instant';
import { parseJsonDocuments } from './json-text';
import { offerFileToPrices } from './offer-file';
import { type OpenS3Store, openPricesArgument } from './prices-argument';
import { publicationOf } from './publication';
import type { RateTable } from './rate-table';
import { createRateTable } from './rate-table-impl';
import { buildSnapshot, type SnapshotVersionInput, validateSnapshot } from './snapshot';
import type { PriceSnapshotDocument, SnapshotPrice } from './snapshot-format';
import { parseVersionIndex } from './version-index';

function sourceOf(store: ObjectStore, key: string): string {
  return `${store.location.replace(/\/+$/, '')}/${key}`;
}

/** Runs `fn`, turning any failure into a PriceSourceError prefixed with `source`. */
async function at<T>(source: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw withSource(source, error);
  }
}

async function readText(store: ObjectStore, key: string): Promise<string> {
  const body = await at(sourceOf(store, key), () => store.read(key));
  return body.toString('utf8');
}

function requirePrices(prices: readonly SnapshotPrice[], service: ServiceCode): void {
  if (prices.length === 0) throw new PriceSourceError(`contains no USD OnDemand prices for ${service}`);
}

/**
 * A single current price list (GetProducts response or one offer file) applies to every call: its
 * version is in effect from epoch 0 with no end. Neither format says from when its prices apply
 * (the term `effectiveDate` is when the SKU's term began, not a version window), and rating past
 * calls with the current prices is what a user handing us one file asks for; but calls before the
 * list's publication (`now` when it names none) are then rated with later prices, so the version
 * records `publishedAt` and those calls are counted.
 */
function singleVersion(
  id: string,
  prices: SnapshotPrice[],
  published: number | undefined,
  now: Date,
  illustrative = false,
): SnapshotVersionInput {
  return {
    id,
    effectiveFrom: 0,
    effectiveUntil: null,
    publishedAt: published ?? Math.floor(now.getTime() / 1000),
    ...(illustrative ? { illustrative } : {}),
    prices,
  };
}

function publishedNote(published: number | undefined): string {
  return published === undefined
    ? '; publication date unknown: treated as current, calls before now are counted as rated with later prices'
    : `; published ${formatInstant(published)}: calls before it are counted as rated with later prices`;
}

async function fromDetected(
  store: ObjectStore,
  key: string,
  detected: DetectedPrices,
  service: ServiceCode,
  now: Date,
): Promise<PriceSnapshotDocument> {
  const source = sourceOf(store, key);
  switch (detected.kind) {
    case 'snapshot': {
      const snapshot = await at(source, () => validateSnapshot(detected.doc));
      if (snapshot.service !== service) {
        throw new PriceSourceError(`${source}: price snapshot is for ${snapshot.service}, expected ${service}`);
      }
      return snapshot;
    }
    case 'get-products': {
      return at(source, () => {
        const result = getProductsPagesToPrices(detected.pages, service);
        requirePrices(result.prices, service);
        const note = result.incomplete ? ' (last page has a NextToken: the listing may be incomplete)' : '';
        const published = publicationOf(result.publicationDate, result.versionId);
        return buildSnapshot(
          service,
          [singleVersion(result.versionId ?? 'current', result.prices, published, now)],
          [`${source} (GetProducts response${publishedNote(published)})${note}`],
          now,
        );
      });
    }
    case 'offer-file': {
      return at(source, () => {
        const result = offerFileToPrices(detected.doc, service);
        requirePrices(result.prices, service);
        const published = publicationOf(result.publicationDate, result.versionId);
        return buildSnapshot(
          service,
          [singleVersion(result.versionId, result.prices, published, now, result.illustrative)],
          [`${source} (offer file${publishedNote(published)})`],
          now,
        );
      });
    }
    case 'version-index': {
      const slash = key.lastIndexOf('/');
      return loadBulkFolder(store, slash < 0 ? '' : key.slice(0, slash + 1), detected.doc, service, now);
    }
  }
}

async function loadFile(
  store: ObjectStore,
  key: string,
  service: ServiceCode,
  now: Date,
): Promise<PriceSnapshotDocument> {
  const text = await readText(store, key);
  const detected = await at(sourceOf(store, key), () => detectPrices(text));
  return fromDetected(store, key, detected, service, now);
}

function listSome(ids: readonly string[]): string {
  return ids.length <= 5 ? ids.join(', ') : `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more`;
}

/**
 * Loads a folder in the bulk layout: `<folder>index.json` (version index) and
 * `<folder><versionId>/index.json` offer files. Versions whose offer file is absent leave a gap
 * (their calls are not rated, never rated with another version's prices); `current/index.json`
 * stands in for the version it declares. At least one offer file must be present.
 */
async function loadBulkFolder(
  store: ObjectStore,
  folder: string,
  indexDoc: unknown,
  service: ServiceCode,
  now: Date,
): Promise<PriceSnapshotDocument> {
  const indexKey = `${folder}index.json`;
  const index = await at(sourceOf(store, indexKey), () => parseVersionIndex(indexDoc));
  if (index.offerCode !== undefined && index.offerCode !== service) {
    throw new PriceSourceError(
      `${sourceOf(store, indexKey)}: version index is for ${index.offerCode}, expected ${service}`,
    );
  }
  const listing = await at(sourceOf(store, folder), () => store.listFolder(folder));
  const folders = new Set(listing.folders);
  const loaded = new Map<string, { prices: SnapshotPrice[]; key: string; illustrative: boolean }>();

  const readOffer = async (key: string) => {
    const text = await readText(store, key);
    return at(sourceOf(store, key), () => {
      const docs = parseJsonDocuments(text);
      return offerFileToPrices(docs[0], service);
    });
  };
  for (const version of index.versions) {
    const key = `${folder}${version.id}/index.json`;
    if (!folders.has(`${folder}${version.id}/`) || !(await store.exists(key))) continue;
    const offer = await readOffer(key);
    if (offer.versionId !== version.id) {
      throw new PriceSourceError(
        `${sourceOf(store, key)}: offer file is version ${offer.versionId}, expected ${version.id}`,
      );
    }
    loaded.set(version.id, { prices: offer.prices, key, illustrative: offer.illustrative });
  }
  const currentKey = `${folder}current/index.json`;
  if (loaded.size < index.versions.length && folders.has(`${folder}current/`) && (await store.exists(currentKey))) {
    const offer = await readOffer(currentKey);
    if (index.versions.some((v) => v.id === offer.versionId) && !loaded.has(offer.versionId)) {
      loaded.set(offer.versionId, { prices: offer.prices, key: currentKey, illustrative: offer.illustrative });
    }
  }
  if (loaded.size === 0) {
    throw new PriceSourceError(
      `${sourceOf(store, indexKey)}: the version index lists ${index.versions.length} version(s) but none of their offer files (<version>/index.json) is present`,
    );
  }
  const versions: SnapshotVersionInput[] = [];
  const sources = [`${sourceOf(store, indexKey)} (version index)`];
  for (const version of index.versions) {
    const offer = loaded.get(version.id);
    if (!offer) continue;
    versions.push({
      id: version.id,
      effectiveFrom: version.effectiveFrom,
      effectiveUntil: version.effectiveUntil,
      ...(offer.illustrative ? { illustrative: true } : {}),
      prices: offer.prices,
    });
    sources.push(`${sourceOf(store, offer.key)} (offer file, version ${version.id})`);
  }
  const missing = index.versions.filter((v) => !loaded.has(v.id)).map((v) => v.id);
  if (missing.length > 0) {
    sources.push(`offer files absent for version(s) ${listSome(missing)}: calls in their windows are not rated`);
  }
  for (const { id, by } of index.superseded) {
    sources.push(`version ${id} ignored: ${by} begins at the same instant and was published later`);
  }
  return at(sourceOf(store, folder), () => buildSnapshot(service, versions, sources, now));
}

async function loadFolder(
  store: ObjectStore,
  prefix: string,
  service: ServiceCode,
  now: Date,
): Promise<PriceSnapshotDocument> {
  const serviceIndex = `${prefix}${service}/index.json`;
  if (await store.exists(serviceIndex)) return loadFile(store, serviceIndex, service, now);
  const index = `${prefix}index.json`;
  if (await store.exists(index)) return loadFile(store, index, service, now);
  const listing = await at(sourceOf(store, prefix), () => store.listFolder(prefix));
  const candidates = listing.objects.filter((o) => o.key.toLowerCase().endsWith('.json')).map((o) => o.key);
  const only = candidates[0];
  if (candidates.length === 1 && only !== undefined) return loadFile(store, only, service, now);
  const where = sourceOf(store, prefix);
  if (candidates.length > 1) {
    throw new PriceSourceError(
      `${where}: ${candidates.length} price files (${listSome(candidates)}); name the one to use`,
    );
  }
  throw new PriceSourceError(
    `${where}: no price list found (expected ${service}/index.json, index.json or one .json file)`,
  );
}

/**
 * Loads prices for `service` from `keyOrPrefix` in `store`, whatever the format (detected by
 * content), as a normalized snapshot:
 * - an existing object → that file: GetProducts response or offer file (one version, in effect
 *   from epoch 0 with no end), our snapshot (as is), or a version index (its folder is loaded);
 * - otherwise a folder: `<service>/index.json`, else `index.json` (the folder is the service folder
 *   or holds one price file of any format), else its only `.json` file.
 * `now` stamps the snapshot's createdAt. Throws PriceSourceError with a one-line message.
 */
export async function loadPriceSnapshot(
  store: ObjectStore,
  keyOrPrefix: string,
  service: ServiceCode,
  now: Date = new Date(),
): Promise<PriceSnapshotDocument> {
  const key = keyOrPrefix.replace(/^\/+/, '');
  if (key !== '' && !key.endsWith('/') && (await at(sourceOf(store, key), () => store.exists(key)))) {
    return loadFile(store, key, service, now);
  }
  if (/\.json$/i.test(key)) throw new PriceSourceError(`${sourceOf(store, key)}: not found`);
  return loadFolder(store, key === '' || key.endsWith('/') ? key : `${key}/`, service, now);
}

/** Loads prices (see `loadPriceSnapshot`) and builds the rate table over them. */
export async function loadRateTable(
  store: ObjectStore,
  keyOrPrefix: string,
  service: ServiceCode,
  now: Date = new Date(),
): Promise<{ table: RateTable; snapshot: PriceSnapshotDocument }> {
  const snapshot = await loadPriceSnapshot(store, keyOrPrefix, service, now);
  const table = await at(sourceOf(store, keyOrPrefix), () => createRateTable(service, snapshot.versions));
  return { table, snapshot };
}

/** Options of `loadPricesArgument`. */
export interface LoadPricesOptions {
  /** Opens an S3 bucket as a store; required for `s3://` arguments. The store is closed after loading. */
  readonly openS3?: OpenS3Store;
  readonly now?: Date;
}

/**
 * Loads the prices a `--prices` argument names (local file, local folder, `s3://bucket/key-or-prefix`)
 * and builds the rate table. `location` is the argument as a human-readable place.
 */
export async function loadPricesArgument(
  text: string,
  service: ServiceCode,
  options: LoadPricesOptions = {},
): Promise<{ table: RateTable; snapshot: PriceSnapshotDocument; location: string }> {
  const { store, key, location } = await openPricesArgument(text, options.openS3);
  try {
    const { table, snapshot } = await loadRateTable(store, key, service, options.now);
    return { table, snapshot, location };
  } finally {
    await store.close();
  }
}
