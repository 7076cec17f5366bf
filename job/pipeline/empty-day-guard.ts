import { InputError } from '../core/errors';
import { formatDate, type Period, periodDays } from '../core/period';
import type { ServiceSchema } from '../core/schema';
import { partitionPrefix } from '../sinks/parquet';
import type { ObjectStore } from '../store/object-store';

/** A day whose Parquet partition holds files while the run found no call starting on it. */
export interface DayToEmpty {
  /** YYYY-MM-DD */
  readonly day: string;
  /** Parquet files the partition holds now. */
  readonly files: number;
}

/**
 * Thrown (exit 2) when a run would replace Parquet partitions that hold rows with empty ones, e.g.
 * because the CDRs of those days have expired from the bucket, and `allowEmpty` was not given.
 * Nothing has been replaced or deleted when it is thrown.
 */
export class EmptyDaysRefusedError extends InputError {
  override readonly name = 'EmptyDaysRefusedError';
  constructor(readonly days: readonly DayToEmpty[]) {
    const list = days.map((d) => `${d.day} (${d.files} file${d.files === 1 ? '' : 's'})`).join(', ');
    super(
      `refusing to empty ${days.length} Parquet day partition${days.length === 1 ? '' : 's'} that hold${days.length === 1 ? 's' : ''} rows: ${list}; this run found no calls on ${days.length === 1 ? 'that day' : 'those days'} (CDRs expired or missing from the source?); nothing was replaced; --allow-empty replaces them with empty ones`,
    );
  }
}

/**
 * The days of the period whose partition in `dest` holds Parquet files although the run has none to
 * put there (`committedKeys` are the dataset keys it is about to commit).
 */
export async function daysToEmpty(
  dest: ObjectStore,
  schema: ServiceSchema,
  period: Period,
  committedKeys: readonly string[],
): Promise<DayToEmpty[]> {
  const found: DayToEmpty[] = [];
  for (const date of periodDays(period)) {
    const prefix = partitionPrefix(schema, date);
    if (committedKeys.some((key) => key.startsWith(prefix))) continue;
    const listing = await dest.listFolder(prefix, { sizes: false });
    const files = listing.objects.filter((o) => o.key.endsWith('.parquet')).length;
    if (files > 0) found.push({ day: formatDate(date), files });
  }
  return found;
}
