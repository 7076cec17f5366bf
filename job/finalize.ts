import type { Logger } from 'pino';
import { commitPeriod } from './day-commit';
import { defaultLeaseOwner } from './lease';
import { removeLeftovers } from './leftovers';
import { formatDate, type Period } from './period';
import { logSummary } from './pipeline';
import type { ServiceSchema } from './schema';
import { csvHeader } from './sinks/csv';
import { buildManifest, type Manifest, type PartialManifest, serializeManifest } from './sinks/manifest';
import { outputKeys, partialKeys } from './sinks/output-keys';
import { stagingFolder } from './sinks/staging';
import { ObjectNotFoundError, type ObjectStore, type ObjectWriter } from './store/object-store';
import { writeChunk } from './store/stream-write';
import { RunTotals } from './totals';

/** What `finalize` merges. */
export interface FinalizeOptions {
  readonly schema: ServiceSchema;
  readonly period: Period;
  readonly dest: ObjectStore;
  /** Number of shards the period was split into. */
  readonly shards: number;
  readonly logger: Logger;
  readonly now?: () => Date;
  /** Owner id shared with the shards (default `defaultLeaseOwner()`: CDR_LEASE_OWNER or the Batch job's). */
  readonly owner?: string;
  /** Replace partitions holding rows with empty ones (also when every shard ran with it). */
  readonly allowEmpty?: boolean;
  readonly dayLeaseWaitMs?: number;
  readonly signal?: AbortSignal;
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
    await writeChunk(writer.stream, chunk);
  }
}

async function concatenate(dest: ObjectStore, target: string, head: string, parts: readonly string[], type: string) {
  const writer = dest.openWriter(target, type);
  try {
    if (head !== '') await writeChunk(writer.stream, head);
    for (const part of parts) await append(dest, part, writer);
    await writer.done();
  } catch (error) {
    await writer.abort();
    throw error;
  }
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

/**
 * Merges the shards of a fanned-out period into exactly what a single-process run writes: one CSV
 * (header + every shard's rows in shard order, which is crawl order), one rejects file, the shards'
 * staged Parquet files committed into the dataset (job/day-commit.ts: under the day leases, after
 * checking every staged file exists, refusing to empty a partition holding rows unless `allowEmpty`
 * or the shards ran with it), and the manifest with reconciled totals, written last. Then the
 * partial and staged outputs are deleted.
 */
export async function finalizeSummary(options: FinalizeOptions): Promise<Manifest> {
  const { schema, period, dest, shards, logger } = options;
  const now = options.now ?? (() => new Date());
  const keys = outputKeys(schema, period);
  const partials: PartialManifest[] = [];
  for (let i = 0; i < shards; i++) partials.push(await readPartial(options, i));
  const first = partials[0] as PartialManifest;
  await verifyStaged(dest, schema, period, partials);

  const totals = new RunTotals();
  for (const partial of partials) totals.merge(partial.totals);
  const staged = partials.flatMap((p) => p.parquetKeys);
  const startedAt = new Date(Math.min(...partials.map((p) => Date.parse(p.startedAt))));
  const written: { manifest?: Manifest } = {};
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
    signal: options.signal,
    async publish() {
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
    },
    async writeManifest(committed) {
      const manifest = buildManifest({
        schema,
        period,
        source: first.source,
        prices: first.prices,
        totals,
        csvKey: keys.csvKey,
        csvBytes: Buffer.byteLength(csvHeader(schema)) + partials.reduce((n, p) => n + p.csvBytes, 0),
        rejectsKey: keys.rejectsKey,
        parquetKeys: committed,
        priceVersions: first.priceVersions,
        connectors: first.connectors,
        foldersListed: partials.reduce((n, p) => n + p.foldersListed, 0),
        shards,
        startedAt,
        finishedAt: now(),
      });
      await dest.write(keys.manifestKey, serializeManifest(manifest), 'application/json');
      written.manifest = manifest;
    },
  });
  if (!written.manifest) throw new Error('the commit wrote no manifest');
  await dest.delete(
    partials.flatMap((p) => [
      p.csvKey,
      p.rejectsKey,
      partialKeys(schema, period, { index: p.shardIndex, count: shards }).manifestKey,
    ]),
  );
  await removeLeftovers(dest, schema, period);
  logSummary(logger, written.manifest, parquetKeys.length);
  return written.manifest;
}
