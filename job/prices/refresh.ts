/**
 * Price refresh: ask the AWS Price List API which price list versions were in effect over
 * a period, download their JSON offer files, normalize them into the project's price snapshot and
 * store it — with the raw downloads kept next to it for audit — under `<Service-With-Dashes>-Pricing/`.
 *
 * Historic prices come from `ListPriceLists` (EffectiveDate = a day's 00:00:00Z) +
 * `GetPriceListFileUrl` (json) + an HTTPS download per region. When ListPriceLists fails or lists
 * nothing, current prices from `GetProducts` (all pages) are used instead, and the snapshot's
 * `sources` say so — but only when they were published no later than the period's start (so they
 * were the prices in effect all period), or when the caller allows current prices for a past
 * period (`allowCurrentPrices`); the version then carries `publishedAt` and the job counts the
 * calls rated with prices published after them.
 */

import {
  GetPriceListFileUrlCommand,
  type PriceList,
  PricingClient,
  paginateGetProducts,
  paginateListPriceLists,
} from '@aws-sdk/client-pricing';
import type { Logger } from 'pino';
import { FailureError } from '../core/errors';
import { isoSecondsText } from '../core/iso-timestamp';
import { type CalendarDate, epochSeconds, formatDate, type Period, periodDays } from '../core/period';
import { type ServiceCode, schemaFor } from '../core/schema';
import type { ObjectStore } from '../store/object-store';
import { PriceSourceError } from './errors';
import { getProductsToPrices } from './get-products';
import { offerFileToPrices } from './offer-file';
import { canonicalPrice } from './product-prices';
import { publicationOf } from './publication';
import { buildSnapshot, serializeSnapshot } from './snapshot';
import type { PriceSnapshotDocument, SnapshotPrice } from './snapshot-format';

/** The Price List Query API is served from us-east-1 (endpoint override: `AWS_ENDPOINT_URL_PRICING`). */
export const PRICING_REGION = 'us-east-1';
/** Currency of the price lists asked for. */
export const CURRENCY = 'USD';
/** Time allowed for one offer file download. */
export const DOWNLOAD_TIMEOUT_MS = 120_000;

/** Pricing client with credentials/endpoint from the standard SDK sources. */
export function createPricingClient(): PricingClient {
  return new PricingClient({ region: PRICING_REGION });
}

/** Where a period's snapshot is stored: `<pricingPrefix>snapshots/<start>_<end>.json`. */
export function snapshotKeyFor(service: ServiceCode, period: Period): string {
  return `${schemaFor(service).pricingPrefix}snapshots/${formatDate(period.start)}_${formatDate(period.end)}.json`;
}

/** What `refreshPrices` needs. */
export interface PriceRefreshOptions {
  readonly pricing: PricingClient;
  /** Where the snapshot and raw files go (keys relative to its root: the CDR bucket, or `--out`). */
  readonly store: ObjectStore;
  readonly service: ServiceCode;
  readonly period: Period;
  /** Recorded as the snapshot's `createdAt`, and names the raw GetProducts folder. */
  readonly now: Date;
  readonly logger?: Logger;
  /** HTTP download function (default: the global `fetch`). */
  readonly fetch?: typeof fetch;
  /**
   * Accept current prices (GetProducts) published after the period started when ListPriceLists
   * cannot serve the period (default false: refused, since those may not be the prices then).
   */
  readonly allowCurrentPrices?: boolean;
}

/** What was stored. */
export interface PriceRefreshResult {
  /** Key of the snapshot, relative to the store's root. */
  readonly snapshotKey: string;
  /** `<store location>/<snapshotKey>` (an `s3://` URI for S3 stores). */
  readonly snapshotLocation: string;
  readonly document: PriceSnapshotDocument;
  /** Keys of the raw files kept for audit. */
  readonly rawKeys: readonly string[];
  /** Which API the prices came from. */
  readonly method: 'ListPriceLists' | 'GetProducts';
}

/** Raised when ListPriceLists fails or lists nothing: the cue to fall back to GetProducts. */
export class ListPriceListsFailure extends FailureError {
  override readonly name = 'ListPriceListsFailure';
}

/** Raised when only current prices are to be had and they are newer than the period (past periods). */
export class CurrentPricesRefused extends PriceSourceError {}

/** A window of consecutive days served by the same set of price lists. */
interface Segment {
  readonly from: CalendarDate;
  /** Exclusive end, epoch seconds. */
  readonly untilEpochSeconds: number;
  readonly priceLists: readonly PriceList[];
}

interface VersionInput {
  readonly id: string;
  readonly effectiveFrom: string;
  readonly effectiveUntil: string | null;
  readonly publishedAt?: string;
  readonly prices: SnapshotPrice[];
}

function isoOfEpochSeconds(seconds: number): string {
  return isoSecondsText(seconds * 1000);
}

/** Parses `arn:aws:pricing:::price-list/aws/<ServiceCode>/<Currency>/<Version>/<Region>`. */
export function parsePriceListArn(
  arn: string,
): { serviceCode: string; currency: string; version: string; region: string } | undefined {
  const match = /^arn:[^:]+:pricing:[^:]*:[^:]*:price-list\/[^/]+\/([^/]+)\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(arn);
  if (!match) return undefined;
  return {
    serviceCode: match[1] as string,
    currency: match[2] as string,
    version: match[3] as string,
    region: match[4] as string,
  };
}

function safeSegment(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/** Raw key of a downloaded offer file: `<pricingPrefix>raw/<ServiceCode>/<version>/<region>/index.json`. */
export function rawOfferKey(service: ServiceCode, priceList: PriceList): string {
  const arn = priceList.PriceListArn ?? '';
  const parsed = parsePriceListArn(arn);
  const base = `${schemaFor(service).pricingPrefix}raw/`;
  if (!parsed) return `${base}${service}/${safeSegment(arn)}/index.json`;
  return `${base}${safeSegment(parsed.serviceCode)}/${safeSegment(parsed.version)}/${safeSegment(parsed.region)}/index.json`;
}

function priceListsKey(lists: readonly PriceList[]): string {
  return lists
    .map((l) => l.PriceListArn ?? '')
    .sort()
    .join('\n');
}

/** All price lists (all pages) of `service` in effect at `date` 00:00:00Z. */
async function listPriceListsAt(
  pricing: PricingClient,
  service: ServiceCode,
  date: CalendarDate,
): Promise<PriceList[]> {
  const lists: PriceList[] = [];
  const pages = paginateListPriceLists(
    { client: pricing, stopOnSameToken: true },
    { ServiceCode: service, EffectiveDate: new Date(epochSeconds(date) * 1000), CurrencyCode: CURRENCY },
  );
  for await (const page of pages) {
    for (const list of page.PriceLists ?? []) {
      if (list.CurrencyCode !== undefined && list.CurrencyCode !== CURRENCY) continue;
      lists.push(list);
    }
  }
  return lists.sort((a, b) => (a.RegionCode ?? '').localeCompare(b.RegionCode ?? ''));
}

/**
 * Splits the period into windows of days served by the same price lists. Versions only move forward,
 * so when two days list the same price lists, every day between them does too: the first and last
 * days are asked, and a window whose ends differ is bisected. Each day is asked at most once.
 */
async function findSegments(
  pricing: PricingClient,
  service: ServiceCode,
  period: Period,
  logger?: Logger,
): Promise<Segment[]> {
  const days = periodDays(period);
  const cache = new Map<number, PriceList[]>();
  const at = async (index: number): Promise<PriceList[]> => {
    const cached = cache.get(index);
    if (cached) return cached;
    const day = days[index] as CalendarDate;
    let lists: PriceList[];
    try {
      lists = await listPriceListsAt(pricing, service, day);
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new ListPriceListsFailure(`ListPriceLists failed for ${formatDate(day)}: ${message}`);
    }
    logger?.debug({ date: formatDate(day), priceLists: lists.length }, 'ListPriceLists');
    if (lists.length === 0) throw new ListPriceListsFailure(`ListPriceLists lists nothing for ${formatDate(day)}`);
    cache.set(index, lists);
    return lists;
  };
  // Indexes of the days where a new set of price lists starts.
  const starts = [0];
  const bisect = async (lo: number, hi: number): Promise<void> => {
    if (priceListsKey(await at(lo)) === priceListsKey(await at(hi))) return;
    if (hi - lo === 1) {
      starts.push(hi);
      return;
    }
    const mid = Math.floor((lo + hi) / 2);
    await bisect(lo, mid);
    await bisect(mid, hi);
  };
  await at(0);
  if (days.length > 1) await bisect(0, days.length - 1);
  starts.sort((a, b) => a - b);
  return starts.map((start, i) => {
    const next = starts[i + 1];
    return {
      from: days[start] as CalendarDate,
      untilEpochSeconds:
        next === undefined ? period.endEpochSecondsExclusive : epochSeconds(days[next] as CalendarDate),
      priceLists: cache.get(start) as PriceList[],
    };
  });
}

/** Merges per-region prices into one version's: identical duplicates collapse, conflicts are refused. */
export function mergePrices(regions: readonly (readonly SnapshotPrice[])[]): SnapshotPrice[] {
  const byUsage = new Map<string, SnapshotPrice>();
  for (const prices of regions) {
    for (const price of prices) {
      const seen = byUsage.get(price.usageType);
      if (!seen) {
        byUsage.set(price.usageType, price);
      } else if (
        canonicalPrice(seen.pricePerUnit, seen.usageType) !== canonicalPrice(price.pricePerUnit, price.usageType) ||
        seen.unit !== price.unit
      ) {
        throw new PriceSourceError(
          `usage type ${price.usageType} has two prices in one version (${seen.pricePerUnit} and ${price.pricePerUnit} per ${price.unit})`,
        );
      }
    }
  }
  return [...byUsage.values()].sort((a, b) => (a.usageType < b.usageType ? -1 : a.usageType > b.usageType ? 1 : 0));
}

async function download(fetcher: typeof fetch, url: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetcher(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new PriceSourceError(`cannot download ${url}: ${message}`);
  }
  if (!response.ok) throw new PriceSourceError(`cannot download ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
  } catch {
    throw new PriceSourceError(`${what} is not valid JSON`);
  }
}

/** Historic prices of the period through ListPriceLists; throws when the API cannot serve them. */
async function historicVersions(
  options: PriceRefreshOptions,
  sources: string[],
  rawKeys: string[],
): Promise<VersionInput[]> {
  const { pricing, service, period, store, logger } = options;
  const fetcher = options.fetch ?? fetch;
  const segments = await findSegments(pricing, service, period, logger);
  const versions: VersionInput[] = [];
  for (const segment of segments) {
    const regionPrices: SnapshotPrice[][] = [];
    const ids = new Set<string>();
    for (const priceList of segment.priceLists) {
      const arn = priceList.PriceListArn;
      if (!arn) throw new PriceSourceError('ListPriceLists returned a price list without PriceListArn');
      const { Url: url } = await pricing.send(
        new GetPriceListFileUrlCommand({ PriceListArn: arn, FileFormat: 'json' }),
      );
      if (!url) throw new PriceSourceError(`GetPriceListFileUrl returned no Url for ${arn}`);
      const bytes = await download(fetcher, url);
      const rawKey = rawOfferKey(service, priceList);
      await store.write(rawKey, bytes, 'application/json');
      rawKeys.push(rawKey);
      const offer = offerFileToPrices(parseJson(bytes, url), service);
      ids.add(offer.versionId);
      regionPrices.push(offer.prices);
      sources.push(`${arn} ${url} (kept as ${rawKey})`);
      logger?.info({ arn, url, rawKey, prices: offer.prices.length }, 'offer file downloaded');
    }
    versions.push({
      id: [...ids].sort().join('+'),
      effectiveFrom: isoOfEpochSeconds(epochSeconds(segment.from)),
      effectiveUntil: isoOfEpochSeconds(segment.untilEpochSeconds),
      prices: mergePrices(regionPrices),
    });
  }
  return versions;
}

function timestampName(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/**
 * Current prices through GetProducts (every page), applied to the whole period. Refused
 * (CurrentPricesRefused) when they were published after the period started (or say no date) and
 * `allowCurrentPrices` is not set: they may not be the prices in effect then.
 */
async function currentVersion(
  options: PriceRefreshOptions,
  sources: string[],
  rawKeys: string[],
  reason: string,
): Promise<VersionInput> {
  const { pricing, service, period, store, now } = options;
  const folder = `${schemaFor(service).pricingPrefix}raw/get-products/${timestampName(now)}/`;
  const items: string[] = [];
  let page = 0;
  const pages = paginateGetProducts(
    { client: pricing, pageSize: 100, stopOnSameToken: true },
    {
      ServiceCode: service,
      FormatVersion: 'aws_v1',
      Filters: [{ Type: 'TERM_MATCH', Field: 'ServiceCode', Value: service }],
    },
  );
  for await (const response of pages) {
    page += 1;
    // The SDK hands PriceList items over as boxed `LazyJsonString`s (typeof 'object'): unbox them.
    const list: readonly unknown[] = Array.isArray(response.PriceList) ? response.PriceList : [];
    const pageItems = list.map((item) => String(item));
    const rawKey = `${folder}page-${String(page).padStart(4, '0')}.json`;
    const raw = {
      FormatVersion: response.FormatVersion,
      PriceList: pageItems,
      ...(response.NextToken ? { NextToken: response.NextToken } : {}),
    };
    await store.write(rawKey, `${JSON.stringify(raw)}\n`, 'application/json');
    rawKeys.push(rawKey);
    items.push(...pageItems);
  }
  if (items.length === 0) throw new PriceSourceError(`GetProducts returned no prices for ${service}`);
  const result = getProductsToPrices(items, service);
  const id = result.versionId ?? `current-${formatDate(period.end)}`;
  const published = publicationOf(result.publicationDate, result.versionId);
  const inEffectAllPeriod = published !== undefined && published <= period.startEpochSeconds;
  const when = published === undefined ? 'of unknown publication date' : `published ${isoOfEpochSeconds(published)}`;
  if (!inEffectAllPeriod && options.allowCurrentPrices !== true) {
    throw new CurrentPricesRefused(
      `ListPriceLists unusable (${reason}); the current prices (version ${id}, ${when}) are not known to be the prices of ${formatDate(period.start)} … ${formatDate(period.end)}: refusing them for a past period (allow them with --allow-current-prices, or ALLOW_CURRENT_PRICES=true for the scheduler)`,
    );
  }
  sources.push(
    `GetProducts ServiceCode=${service} (current prices, version ${id} ${when}${inEffectAllPeriod ? '' : ', allowed for a period that began earlier'}; ${page} page(s), kept under ${folder})`,
  );
  return {
    id,
    effectiveFrom: isoOfEpochSeconds(period.startEpochSeconds),
    effectiveUntil: isoOfEpochSeconds(period.endEpochSecondsExclusive),
    // Calls before the publication are rated with later prices: the job counts them.
    ...(inEffectAllPeriod ? {} : { publishedAt: isoOfEpochSeconds(published ?? Math.floor(now.getTime() / 1000)) }),
    prices: result.prices,
  };
}

/**
 * Finds the prices in effect over `period`, stores the raw API files under
 * `<pricingPrefix>raw/…` and the normalized snapshot at `snapshotKeyFor(service, period)`, and
 * returns what was stored. Falls back to GetProducts (current prices) only when ListPriceLists
 * fails or lists nothing, and only as `currentVersion` allows; failures after that (an offer file that cannot be downloaded or read) are
 * errors, since silently rating a past period with other prices would be wrong.
 */
export async function refreshPrices(options: PriceRefreshOptions): Promise<PriceRefreshResult> {
  const { service, period, store, logger, now } = options;
  const sources: string[] = [];
  const rawKeys: string[] = [];
  let versions: VersionInput[];
  let method: PriceRefreshResult['method'];
  try {
    versions = await historicVersions(options, sources, rawKeys);
    method = 'ListPriceLists';
  } catch (error) {
    if (!(error instanceof ListPriceListsFailure)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    logger?.warn({ reason }, 'ListPriceLists unusable; falling back to GetProducts (current prices)');
    sources.push(`ListPriceLists unusable (${reason}); current prices used for the whole period`);
    versions = [await currentVersion(options, sources, rawKeys, reason)];
    method = 'GetProducts';
  }
  const document = buildSnapshot(service, versions, sources, now.toISOString());
  const snapshotKey = snapshotKeyFor(service, period);
  await store.write(snapshotKey, serializeSnapshot(document), 'application/json');
  const snapshotLocation = `${store.location.replace(/\/+$/, '')}/${snapshotKey}`;
  logger?.info({ snapshot: snapshotLocation, method, versions: versions.map((v) => v.id) }, 'price snapshot stored');
  return { snapshotKey, snapshotLocation, document, rawKeys, method };
}
