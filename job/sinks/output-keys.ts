import { formatDate, type Period, pad2 } from '../period';
import type { ServiceSchema } from '../schema';

/** Where one period's outputs go (DESIGN §3.4), relative to the destination root. */
export interface OutputKeys {
  /** `…-Summary/csv/<Frequency>/<YYYY>/<MM>/<DD>/` (the end date). */
  readonly reportFolder: string;
  readonly csvKey: string;
  readonly manifestKey: string;
  readonly rejectsFolder: string;
  readonly rejectsKey: string;
}

/** The output keys of a period. */
export function outputKeys(schema: ServiceSchema, period: Period): OutputKeys {
  const end = period.end;
  const dated = `${period.frequency}/${end.year}/${pad2(end.month)}/${pad2(end.day)}/`;
  const reportFolder = `${schema.summaryPrefix}csv/${dated}`;
  const rejectsFolder = `${schema.summaryPrefix}rejects/${dated}`;
  const name = `${schema.summaryPrefix.slice(0, -'-Summary/'.length)}-${period.frequency}-${formatDate(period.start)}_${formatDate(end)}`;
  return {
    reportFolder,
    csvKey: `${reportFolder}${name}.csv`,
    manifestKey: `${reportFolder}manifest.json`,
    rejectsFolder,
    rejectsKey: `${rejectsFolder}rejects.jsonl`,
  };
}
