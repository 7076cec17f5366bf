import { once } from 'node:events';
import type { Logger } from 'pino';
import { outputKeys, partialKeys } from '../core/layout/summary-keys';
import { formatDate, type Period } from '../core/period';
import type { ServiceSchema } from '../core/schema';
import { rowAggregates } from '../report/aggregates/collect';
import { CostAggregates } from '../report/aggregates/cost-aggregates';
import { RunTotals } from '../report/run-totals';
import { csvHeader } from '../sinks/csv';
import { buildManifest, type Manifest, type PartialManifest, serializeManifest } from '../sinks/manifest';
import { inThreadParquetEncoder } from '../sinks/parquet-encoder';
import { rejectLine } from '../sinks/rejects';
import { removeStaleOutputs } from '../sinks/retention';
import { ObjectNotFoundError, type ObjectStore, type ObjectWriter } from '../store/object-store';
import { announceInsight, burstCollectionOf, type InsightOptions, prepareInsight, writeInsight } from './insight';
import { logSummary } from './run-summary';
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
}

/** Thrown when a shard has not (yet) left its partial outputs. */
export class ShardMissingError extends Error {
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
  if (!writer.stream.write(data)) await once(writer.stream, 'drain');
  return typeof data === 'string' ? Buffer.byteLength(data) : data.length;
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
 * Merges the shards of a fanned-out period into exactly what a single-process run writes: one CSV
 * (header + every shard's rows in shard order, which is crawl order), one rejects file, the Parquet
 * dataset with stale files removed, and the manifest with reconciled totals, written last. Then the
 * partial outputs are deleted.
 */
export async function finalizeSummary(options: FinalizeOptions): Promise<Manifest> {
  const { schema, period, dest, shards, logger } = options;
  const now = options.now ?? (() => new Date());
  const keys = outputKeys(schema, period);
  const partials: PartialManifest[] = [];
  for (let i = 0; i < shards; i++) partials.push(await readPartial(options, i));
  const first = partials[0] as PartialManifest;
  await dest.delete([keys.manifestKey]);

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

  // A call two shards both read is billed by the first (crawl order); later copies come out.
  const duplicates = await crossShardDuplicates(dest, partials);
  const csvParts: Part[] = [];
  const rejectParts: Part[] = [];
  const parquetKeys: string[] = [];
  const encoder = inThreadParquetEncoder();
  try {
    for (const [i, partial] of partials.entries()) {
      const found = duplicates[i] ?? [];
      if (found.length === 0) {
        csvParts.push({ key: partial.csvKey });
        rejectParts.push({ key: partial.rejectsKey });
        parquetKeys.push(...partial.parquetKeys);
        continue;
      }
      const removed = await removeShardDuplicates(dest, schema, partial, found, encoder);
      for (const charge of removed.charges) {
        totals.removeDuplicate(charge);
        aggregates.subtractChunk(rowAggregates(schema, charge.values, burstCollectionOf(options.insight)));
      }
      parquetKeys.push(...removed.parquetKeys);
      csvParts.push({ key: partial.csvKey, filter: csvRowFilter(new Set(found.map((d) => d.ordinal))) });
      const lines = removed.rejects.map((r) => rejectLine(r.key, r.rejection)).join('');
      rejectParts.push({ key: partial.rejectsKey, trailer: lines });
    }
  } finally {
    await encoder.close();
  }
  const csvBytes = await concatenate(dest, keys.csvKey, header, csvParts, 'text/csv; charset=utf-8');
  await concatenate(dest, keys.rejectsKey, '', rejectParts, 'application/x-ndjson');
  await removeStaleOutputs(dest, schema, period, keys, parquetKeys);
  const insight = await prepareInsight({ schema, period, dest, aggregates, totals, options: options.insight });

  const startedAt = new Date(Math.min(...partials.map((p) => Date.parse(p.startedAt))));
  const manifest = buildManifest({
    schema,
    period,
    source: first.source,
    prices: first.prices,
    totals,
    csvKey: keys.csvKey,
    csvBytes,
    rejectsKey: keys.rejectsKey,
    parquetKeys,
    priceVersions: first.priceVersions,
    connectors: first.connectors,
    foldersListed: partials.reduce((n, p) => n + p.foldersListed, 0),
    shards,
    startedAt,
    finishedAt: now(),
    insight: insight.fields,
  });
  await writeInsight(dest, schema, insight, manifest);
  await dest.write(keys.manifestKey, serializeManifest(manifest), 'application/json');
  await dest.delete(
    partials.flatMap((p) => [
      p.csvKey,
      p.rejectsKey,
      p.callsKey,
      partialKeys(schema, period, { index: p.shardIndex, count: shards }).manifestKey,
    ]),
  );
  logSummary(logger, manifest, parquetKeys.length);
  await announceInsight(logger, insight, manifest, options.insight?.notifier);
  return manifest;
}
