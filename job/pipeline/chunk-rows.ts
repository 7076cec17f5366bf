import type { RecordBatch } from 'apache-arrow';
import { CALL_ID_WORDS } from '../cdr/call-id';
import { type RowCharge, rowCharge } from '../report/row-charge';
import { type ChunkCalls, type ChunkResult, type DayRows, dayBatches } from './chunk';

/** A chunk without some of its rows, and the charges of the rows taken out (in row order). */
export interface ChunkWithoutRows {
  readonly result: ChunkResult;
  readonly charges: readonly RowCharge[];
}

/** Keeps the rows of `batches` (one day's, in order) whose index is not in `drop`, as slices. */
function keepRows(
  batches: readonly RecordBatch[],
  drop: ReadonlySet<number>,
  idField: string,
  charges: Map<number, RowCharge>,
): RecordBatch[] {
  const kept: RecordBatch[] = [];
  let base = 0;
  for (const batch of batches) {
    let runStart = 0;
    for (let i = 0; i < batch.numRows; i++) {
      if (!drop.has(base + i)) continue;
      charges.set(base + i, rowCharge(batch, i, idField));
      if (i > runStart) kept.push(batch.slice(runStart, i));
      runStart = i + 1;
    }
    if (runStart === 0) kept.push(batch);
    else if (runStart < batch.numRows) kept.push(batch.slice(runStart, batch.numRows));
    base += batch.numRows;
  }
  return kept;
}

/**
 * The chunk without the rows at `drop` (indexes in CSV order, ascending): their CSV lines, Parquet
 * rows and call entries are removed. The chunk's counts are left as they were: the caller takes the
 * returned charges back from its totals.
 */
export function dropRows(result: ChunkResult, drop: readonly number[], idField: string): ChunkWithoutRows {
  const { calls } = result;
  const rows = calls.objects.length;
  const dropped = new Set(drop);
  // Where each dropped row sits within its day's rows.
  const dayCounters = new Map<number, number>();
  const dropByDay = new Map<number, Set<number>>();
  const dayIndexOf = new Map<number, number>();
  for (let r = 0; r < rows; r++) {
    const day = calls.days[r] as number;
    const index = dayCounters.get(day) ?? 0;
    dayCounters.set(day, index + 1);
    if (!dropped.has(r)) continue;
    let set = dropByDay.get(day);
    if (!set) {
      set = new Set();
      dropByDay.set(day, set);
    }
    set.add(index);
    dayIndexOf.set(r, index);
  }
  const chargesByDay = new Map<number, Map<number, RowCharge>>();
  const days: DayRows[] = [];
  for (const day of result.days) {
    const drops = dropByDay.get(day.day);
    if (!drops) {
      days.push(day);
      continue;
    }
    const charges = new Map<number, RowCharge>();
    chargesByDay.set(day.day, charges);
    const batches = keepRows(dayBatches(day), drops, idField, charges);
    if (day.rows > drops.size) days.push({ day: day.day, rows: day.rows - drops.size, batches });
  }

  const keptRows = rows - dropped.size;
  const ids = new Uint32Array(keptRows * CALL_ID_WORDS);
  const objects = new Uint32Array(keptRows);
  const rowDays = new Int32Array(keptRows);
  const csvEnds = new Uint32Array(keptRows);
  const pieces: Uint8Array[] = [];
  const charges: RowCharge[] = [];
  let next = 0;
  let csvLength = 0;
  for (let r = 0; r < rows; r++) {
    const start = r === 0 ? 0 : (calls.csvEnds[r - 1] as number);
    const end = calls.csvEnds[r] as number;
    if (dropped.has(r)) {
      const charge = chargesByDay.get(calls.days[r] as number)?.get(dayIndexOf.get(r) as number);
      if (!charge) throw new Error(`row ${r} of chunk ${result.seq} has no Parquet row`);
      charges.push(charge);
      continue;
    }
    pieces.push(result.csv.subarray(start, end));
    csvLength += end - start;
    ids.set(calls.ids.subarray(r * CALL_ID_WORDS, (r + 1) * CALL_ID_WORDS), next * CALL_ID_WORDS);
    objects[next] = calls.objects[r] as number;
    rowDays[next] = calls.days[r] as number;
    csvEnds[next] = csvLength;
    next++;
  }
  const kept: ChunkCalls = { ids, objects, days: rowDays, csvEnds };
  return { result: { ...result, csv: Buffer.concat(pieces, csvLength), calls: kept, days }, charges };
}
