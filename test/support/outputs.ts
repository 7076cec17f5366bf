/** Reading what a run left behind, shared by the integration tests. */

import { existsSync, promises as fs } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Manifest } from '../../job/sinks/manifest';
import type { ObjectStore } from '../../job/store/object-store';
import { duckdbQuery } from './duckdb';

const VC_SUMMARY = 'Amazon-Chime-Voice-Connector-Summary/';

/** Every key below `prefix` in a store, in key order. */
export async function listKeys(store: ObjectStore, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  for await (const entry of store.listAll(prefix)) keys.push(entry.key);
  return keys;
}

/**
 * Every call of the Voice Connector Parquet dataset under `root` as sorted "TransactionId Cost" lines,
 * read by DuckDB (the files are copied to `scratch` first, so any store works).
 */
export async function parquetCalls(store: ObjectStore, root: string, scratch: string): Promise<string[]> {
  const files: string[] = [];
  for (const key of await listKeys(store, `${root}${VC_SUMMARY}parquet/`)) {
    const file = path.join(scratch, key);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, await store.read(key));
    files.push(file);
  }
  const rows = await duckdbQuery(
    `select TransactionId || ' ' || coalesce(Cost::varchar, 'null') as line from read_parquet([${files
      .map((f) => `'${f}'`)
      .join(',')}]) order by line`,
  );
  return rows.map((r) => String(r.line));
}

/** Polls `condition` every 10 ms until it holds; throws after `timeoutMs`. */
export async function waitFor(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Every file below `dir`, relative and sorted, temporary ones included ([] when `dir` is missing). */
export async function filesBelow(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)))
    .sort();
}

/** A manifest without its clock readings: what two runs over the same inputs must agree on. */
export function manifestWithoutClock(manifest: Manifest): Record<string, unknown> {
  const { startedAt: _s, finishedAt: _f, durationMs: _d, ...rest } = manifest;
  return rest;
}

/**
 * A manifest without its clock readings and what depends on how the work was laid out (shards,
 * Parquet file names, folders listed, the source location): what a single, a threaded and a sharded
 * run of the same calls must agree on.
 */
export function manifestAcrossLayouts(manifest: Manifest): Record<string, unknown> {
  const {
    parquetKeys: _p,
    shards: _n,
    foldersListed: _l,
    source: _o,
    ...rest
  } = manifestWithoutClock(manifest) as Omit<Manifest, 'startedAt' | 'finishedAt' | 'durationMs'>;
  return rest;
}
