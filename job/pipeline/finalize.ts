import type { Logger } from 'pino';
import { outputKeys, partialKeys } from '../core/layout/summary-keys';
import { formatDate, type Period } from '../core/period';
import type { ServiceSchema } from '../core/schema';
import { CostAggregates } from '../report/aggregates/cost-aggregates';
import { CrawlFindings } from '../report/crawl-findings';
import { RunTotals } from '../report/run-totals';
import { csvHeader } from '../sinks/csv';
import { buildManifest, type Manifest, type PartialManifest, serializeManifest } from '../sinks/manifest';
import { removeStaleOutputs } from '../sinks/retention';
import { ObjectNotFoundError, type ObjectStore, type ObjectWriter } from '../store/object-store';
import { announceInsight, type InsightOptions, prepareInsight, writeInsight } from './insight';
import { logFindings, logSummary } from './run-summary';

/** What `finalize` merges. */
export interface FinalizeOptions {
  readonly schema: ServiceSchema;
  readonly period: Period;
  readonly dest: ObjectStore;
  /** Number of shards the period was split into. */
  readonly shards: number;
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

async function append(dest: ObjectStore, key: string, writer: ObjectWriter): Promise<void> {
  const stream = await dest.readStream(key);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (!writer.stream.write(chunk)) await new Promise<void>((resolve) => writer.stream.once('drain', resolve));
  }
}

async function concatenate(dest: ObjectStore, target: string, head: string, parts: readonly string[], type: string) {
  const writer = dest.openWriter(target, type);
  try {
    if (head !== '') writer.stream.write(head);
    for (const part of parts) await append(dest, part, writer);
    await writer.done();
  } catch (error) {
    await writer.abort();
    throw error;
  }
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
  const partials: PartialManifest[] = [];
  for (let i = 0; i < shards; i++) partials.push(await readPartial(options, i));
  const first = partials[0] as PartialManifest;
  const complete = partials.every((p) => p.complete !== false);
  const keys = outputKeys(schema, period, { partial: !complete });
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
  await dest.delete([keys.manifestKey]);

  await concatenate(
    dest,
    keys.csvKey,
    csvHeader(schema),
    partials.map((p) => p.csvKey),
    'text/csv; charset=utf-8',
  );
  await concatenate(
    dest,
    keys.rejectsKey,
    '',
    partials.map((p) => p.rejectsKey),
    'application/x-ndjson',
  );
  const parquetKeys = partials.flatMap((p) => p.parquetKeys);
  const { foreignFilesKept } = await removeStaleOutputs(dest, schema, period, keys, parquetKeys);
  const insight = await prepareInsight({ schema, period, dest, aggregates, totals, options: options.insight });

  const startedAt = new Date(Math.min(...partials.map((p) => Date.parse(p.startedAt))));
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
    csvBytes: Buffer.byteLength(csvHeader(schema)) + partials.reduce((n, p) => n + p.csvBytes, 0),
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
      partialKeys(schema, period, { index: p.shardIndex, count: shards }).manifestKey,
    ]),
  );
  logSummary(logger, manifest, parquetKeys.length);
  await announceInsight(logger, insight, manifest, options.insight?.notifier);
  logFindings(logger, manifest);
  return manifest;
}
