import type { Logger } from 'pino';
import { FailureError } from '../core/errors';
import { outputKeys, partialKeys } from '../core/layout/summary-keys';
import { formatDate, type Period } from '../core/period';
import type { ServiceSchema } from '../core/schema';
import type { PriceVersionWindow } from '../prices/rate-table';
import { rowAggregates } from '../report/aggregates/collect';
import { CostAggregates } from '../report/aggregates/cost-aggregates';
import { ChargeTotals } from '../report/charge-totals';
import { rowCharges } from '../report/chunk-charges';
import { CrawlFindings } from '../report/crawl-findings';
import type { RowCharge } from '../report/row-charge';
import { RunTotals } from '../report/run-totals';
import { UsageLines } from '../report/usage-lines';
import { csvHeader } from '../sinks/csv';
import { buildManifest, type Manifest, type PartialManifest, serializeManifest } from '../sinks/manifest';
import { inThreadParquetEncoder } from '../sinks/parquet-encoder';
import { rejectLine } from '../sinks/rejects';
import { stagingFolder } from '../sinks/staging';
import { ObjectNotFoundError, type ObjectStore, type ObjectWriter } from '../store/object-store';
import { writeChunk } from '../store/stream-write';
import { commitPeriod } from './day-commit';
import { writeFocusExport } from './focus-export';
import { announceInsight, burstCollectionOf, type InsightOptions, prepareInsight, writeInsight } from './insight';
import { defaultLeaseOwner, type HolderEndedCheck } from './lease';
import { removeLeftovers } from './leftovers';
import { logFindings, logSummary } from './run-summary';
import { crossShardDuplicates, csvRowFilter, removeShardDuplicates } from './shard-dedupe';

/** What `finalize` merges. */
export interface FinalizeOptions {
  readonly schema: ServiceSchema;
  readonly period: Period;
  readonly dest: ObjectStore;
  /** Number of shards the period was split into. */
  readonly shards: number;
  /** Start the CSV report with a UTF-8 byte order mark (`--csv-bom`). */
  readonly csvBom?: boolean;
  readonly logger: Logger;
  readonly now?: () => Date;
  /** Anomaly thresholds, notifier and connector names for the cost insight (defaults when absent). */
  readonly insight?: InsightOptions;
  /** Owner id shared with the shards (default `defaultLeaseOwner()`: CDR_LEASE_OWNER or the Batch job's). */
  readonly owner?: string;
  /** Replace partitions holding rows with empty ones (also when every shard ran with it). */
  readonly allowEmpty?: boolean;
  readonly dayLeaseWaitMs?: number;
  /** Tells a day lease whose holder ended for good (see HolderEndedCheck). */
  readonly leaseHolderEnded?: HolderEndedCheck;
  readonly signal?: AbortSignal;
}

/** Thrown when a shard has not (yet) left its partial outputs. */
export class ShardMissingError extends FailureError {
  override readonly name = 'ShardMissingError';
}

async function readPartial(options: FinalizeOptions, index: number): Promise<PartialManifest> {
  const { schema, period, dest, shards } = options;
  const key = partialKeys(schema, period, { index, count: shards }).manifestKey;
  let text: string;
  try {
    text = (await dest.read(key)).toString('utf8');
  } catch (error) {
    if (error instanceof ObjectNotFoundError) {
      throw new ShardMissingError(`shard ${index + 1} of ${shards} has not completed: ${key} is missing`);
    }
    throw error;
  }
  const partial = JSON.parse(text) as PartialManifest;
  if (
    partial.shardCount !== shards ||
    partial.shardIndex !== index ||
    partial.periodStart !== formatDate(period.start) ||
    partial.periodEnd !== formatDate(period.end) ||
    partial.frequency !== period.frequency
  ) {
    throw new ShardMissingError(
      `${key} belongs to another run (shard ${partial.shardIndex + 1} of ${partial.shardCount})`,
    );
  }
  return partial;
}

/** One part of a merged object: a shard's partial, optionally filtered, optionally followed by more text. */
interface Part {
  readonly key: string;
  readonly filter?: (chunk: Buffer) => Buffer[];
  readonly trailer?: string;
}

async function write(writer: ObjectWriter, data: Buffer | string): Promise<number> {
  await writeChunk(writer.stream, data);
  return typeof data === 'string' ? Buffer.byteLength(data) : data.length;
}

/** Throws unless every file a shard staged is still there (a manifest must name only files that exist). */
async function verifyStaged(dest: ObjectStore, schema: ServiceSchema, period: Period, partials: PartialManifest[]) {
  const present = new Set<string>();
  for await (const entry of dest.listAll(stagingFolder(schema, period))) present.add(entry.key);
  for (const partial of partials) {
    const missing = partial.parquetKeys.filter((key) => !present.has(key));
    if (missing.length > 0)
      throw new ShardMissingError(
        `shard ${partial.shardIndex + 1} of ${partial.shardCount}: ${missing.length} of its Parquet files are missing (e.g. ${missing[0]}); run the shards again`,
      );
  }
}

/** Writes `head` and the parts, in order, as one object; returns its size in bytes. */
async function concatenate(
  dest: ObjectStore,
  target: string,
  head: string,
  parts: readonly Part[],
  type: string,
): Promise<number> {
  const writer = dest.openWriter(target, type);
  let bytes = 0;
  try {
    if (head !== '') bytes += await write(writer, head);
    for (const part of parts) {
      const stream = await dest.readStream(part.key);
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        for (const piece of part.filter ? part.filter(chunk) : [chunk]) bytes += await write(writer, piece);
      }
      if (part.trailer) bytes += await write(writer, part.trailer);
    }
    await writer.done();
  } catch (error) {
    await writer.abort();
    throw error;
  }
  return bytes;
}

/**
 * Whether a report row's call was counted as rated with later prices: RATED with a price version
 * published after the call started (the rater's rule), so taking the row back takes that count back.
 */
function laterPricesCheck(
  schema: ServiceSchema,
  versions: readonly PriceVersionWindow[],
): (charge: RowCharge) => boolean {
  const publishedAt = new Map(versions.map((v) => [v.id, v.publishedAt]));
  const startIndex = schema.columns.findIndex((c) => c.name === 'StartTimeEpochSeconds');
  return (charge) => {
    const published = charge.version === null ? undefined : publishedAt.get(charge.version);
    const start = charge.values[startIndex];
    return charge.status === 'RATED' && published !== undefined && typeof start === 'number' && start < published;
  };
}

/**
 * Merges the shards of a fanned-out period into exactly what a single-process run writes: one CSV
 * (header + every shard's rows in shard order, which is crawl order, without the calls an earlier
 * shard already billed), one rejects file, the shards' staged Parquet files committed into the
 * dataset (job/pipeline/day-commit.ts: under the day leases, after checking every staged file
 * exists, refusing to empty a partition holding rows unless `allowEmpty` or the shards ran with it),
 * the aggregates and dashboard, and the manifest with reconciled totals, written last. Then the
 * partial and staged outputs are deleted.
 */
export async function finalizeSummary(options: FinalizeOptions): Promise<Manifest> {
  const { schema, period, dest, shards, logger } = options;
  const now = options.now ?? (() => new Date());
  const partials: PartialManifest[] = [];
  for (let i = 0; i < shards; i++) partials.push(await readPartial(options, i));
  const first = partials[0] as PartialManifest;
  const complete = partials.every((p) => p.complete !== false);
  const keys = outputKeys(schema, period, { partial: !complete });
  await verifyStaged(dest, schema, period, partials);

  const header = csvHeader(schema, options.csvBom === true);
  const totals = new RunTotals();
  for (const partial of partials) totals.merge(partial.totals);
  const aggregates = new CostAggregates();
  for (const partial of partials) {
    if (!partial.aggregates)
      throw new ShardMissingError(
        `shard ${partial.shardIndex + 1} of ${shards} was written by an older version without aggregates; run it again`,
      );
    aggregates.merge(partial.aggregates);
  }
  const findings = new CrawlFindings();
  for (const partial of partials) if (partial.findings) findings.merge(partial.findings);

  const charges = new ChargeTotals();
  const usage = new UsageLines();
  for (const partial of partials) {
    charges.add(partial.charges);
    usage.merge(UsageLines.parse(partial.usage));
  }
  // A call two shards both read is billed by the first (crawl order); later copies come out.
  const duplicates = await crossShardDuplicates(dest, partials);
  const ratedWithLaterPrices = laterPricesCheck(schema, first.priceVersions);
  const csvParts: Part[] = [];
  const rejectParts: Part[] = [];
  const staged: string[] = [];
  const encoder = inThreadParquetEncoder();
  try {
    for (const [i, partial] of partials.entries()) {
      const found = duplicates[i] ?? [];
      if (found.length === 0) {
        csvParts.push({ key: partial.csvKey });
        rejectParts.push({ key: partial.rejectsKey });
        staged.push(...partial.parquetKeys);
        continue;
      }
      const removed = await removeShardDuplicates(dest, schema, partial, found, encoder);
      for (const charge of removed.charges) {
        totals.removeDuplicate(charge, ratedWithLaterPrices(charge));
        aggregates.subtractChunk(rowAggregates(schema, charge.values, burstCollectionOf(options.insight)));
        const taken = rowCharges(schema, charge.values);
        charges.subtract(taken.charges);
        usage.subtract(taken.usage);
      }
      staged.push(...removed.parquetKeys);
      csvParts.push({ key: partial.csvKey, filter: csvRowFilter(new Set(found.map((d) => d.ordinal))) });
      const lines = removed.rejects.map((r) => rejectLine(r.key, r.rejection)).join('');
      rejectParts.push({ key: partial.rejectsKey, trailer: lines });
    }
  } finally {
    await encoder.close();
  }
  const insight = await prepareInsight({
    schema,
    period,
    dest,
    aggregates,
    totals,
    options: options.insight,
    charges: { totals: charges, currency: first.chargeCurrency },
  });

  const startedAt = new Date(Math.min(...partials.map((p) => Date.parse(p.startedAt))));
  const written: { manifest?: Manifest } = {};
  let csvBytes = 0;
  const parquetKeys = await commitPeriod({
    dest,
    schema,
    period,
    owner: options.owner ?? defaultLeaseOwner(),
    keys,
    staged,
    allowEmpty: options.allowEmpty === true || partials.every((p) => p.allowEmpty === true),
    logger,
    dayLeaseWaitMs: options.dayLeaseWaitMs,
    leaseHolderEnded: options.leaseHolderEnded,
    signal: options.signal,
    async publish() {
      await dest.delete([keys.manifestKey]);
      csvBytes = await concatenate(dest, keys.csvKey, header, csvParts, 'text/csv; charset=utf-8');
      await concatenate(dest, keys.rejectsKey, '', rejectParts, 'application/x-ndjson');
    },
    async writeManifest(committed, { foreignFilesKept }) {
      // The FOCUS export, the aggregates and the dashboard go out before the manifest that names them.
      const chargeFields = await writeFocusExport(dest, schema, period, usage.lines(), {
        totals: charges,
        currency: first.chargeCurrency,
        sources: first.chargeSources,
      });
      const manifest = buildManifest({
        schema,
        period,
        complete,
        findings: findings.toJSON(),
        foreignFilesKept,
        lateFoldersRead: first.lateFoldersRead ?? [],
        source: first.source,
        prices: first.prices,
        totals,
        csvKey: keys.csvKey,
        csvBytes,
        rejectsKey: keys.rejectsKey,
        parquetKeys: committed,
        priceVersions: first.priceVersions,
        connectors: first.connectors,
        foldersListed: partials.reduce((n, p) => n + p.foldersListed, 0),
        shards,
        startedAt,
        finishedAt: now(),
        insight: insight.fields,
        charges: chargeFields,
      });
      await writeInsight(dest, schema, insight, manifest);
      await dest.write(keys.manifestKey, serializeManifest(manifest), 'application/json');
      written.manifest = manifest;
    },
  });
  if (!written.manifest) throw new Error('the commit wrote no manifest');
  await dest.delete(
    partials.flatMap((p) => [
      p.csvKey,
      p.rejectsKey,
      p.callsKey,
      partialKeys(schema, period, { index: p.shardIndex, count: shards }).manifestKey,
    ]),
  );
  await removeLeftovers(dest, schema, period);
  // Tidying only: the period is committed, so a folder that cannot be removed is no failure.
  await dest.removeEmptyFolders?.(stagingFolder(schema, period)).catch(() => {});
  logSummary(logger, written.manifest, parquetKeys.length);
  await announceInsight(logger, insight, written.manifest, options.insight?.notifier);
  logFindings(logger, written.manifest);
  return written.manifest;
}
