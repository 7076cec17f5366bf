import { formatDate, type Period, pad2 } from '../period';
import type { ServiceSchema } from '../schema';

/** Where one period's outputs go, relative to the destination root. */
export interface OutputKeys {
  /** `…-Summary/csv/<Frequency>/<YYYY>/<MM>/<DD>/` (the end date). */
  readonly reportFolder: string;
  readonly csvKey: string;
  readonly manifestKey: string;
  readonly rejectsFolder: string;
  readonly rejectsKey: string;
}

/**
 * The output keys of a period. A partial report (a period not over yet, `--partial`) is named
 * `…-partial.csv`, so it is never taken for the complete one.
 */
export function outputKeys(
  schema: ServiceSchema,
  period: Period,
  options: { readonly partial?: boolean } = {},
): OutputKeys {
  const end = period.end;
  const dated = `${period.frequency}/${end.year}/${pad2(end.month)}/${pad2(end.day)}/`;
  const reportFolder = `${schema.summaryPrefix}csv/${dated}`;
  const rejectsFolder = `${schema.summaryPrefix}rejects/${dated}`;
  const name = `${schema.summaryPrefix.slice(0, -'-Summary/'.length)}-${period.frequency}-${formatDate(period.start)}_${formatDate(end)}`;
  return {
    reportFolder,
    csvKey: `${reportFolder}${name}${options.partial ? '-partial' : ''}.csv`,
    manifestKey: `${reportFolder}manifest.json`,
    rejectsFolder,
    rejectsKey: `${rejectsFolder}rejects.jsonl`,
  };
}

/** One shard of a fanned-out run: which part of the period's folders it reads. */
export interface ShardSpec {
  /** 0-based. */
  readonly index: number;
  readonly count: number;
}

/** Where one shard leaves its partial outputs until `finalize` merges them. */
export interface PartialKeys {
  readonly folder: string;
  readonly csvKey: string;
  readonly rejectsKey: string;
  readonly manifestKey: string;
  /** The shard's call ledger (see call-ledger.ts). */
  readonly callsKey: string;
}

/** The partial output keys of a shard (`…-Summary/partials/<Frequency>/<YYYY>/<MM>/<DD>/shard-I-of-N.*`). */
export function partialKeys(schema: ServiceSchema, period: Period, shard: ShardSpec): PartialKeys {
  const end = period.end;
  const folder = `${schema.summaryPrefix}partials/${period.frequency}/${end.year}/${pad2(end.month)}/${pad2(end.day)}/`;
  const name = `${folder}shard-${shard.index}-of-${shard.count}`;
  return {
    folder,
    csvKey: `${name}.csv`,
    rejectsKey: `${name}.jsonl`,
    manifestKey: `${name}.json`,
    callsKey: `${name}.calls`,
  };
}
