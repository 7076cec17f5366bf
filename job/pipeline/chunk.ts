import { type RecordBatch, Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { CALL_ID_WORDS, writeCallId } from '../cdr/call-id';
import { type LateArrival, lateArrivalOf } from '../cdr/late-arrivals';
import { MAX_CDR_BYTES, parseCdr } from '../cdr/parse';
import type { ParseResult, Rejection } from '../cdr/record';
import { type CalendarDate, folderInPeriod, inPeriod, type Period } from '../core/period';
import { decimalShape, PRICE_LIMIT_SCALED, PRICE_PRECISION, PRICE_SCALE, type ServiceSchema } from '../core/schema';
import type { Charger } from '../prices/rate-deck/charger';
import type { Rater } from '../prices/rater';
import { RatingNotes, type RatingNotesJson } from '../prices/rating-notes';
import {
  type BurstCollection,
  type ChunkAggregates,
  DEFAULT_BURST_COLLECTION,
  NO_AGGREGATES,
} from '../report/aggregates/chunk-aggregates';
import { collectAggregates } from '../report/aggregates/collect';
import type { ChargeCounts } from '../report/charge-totals';
import { ChunkCharges } from '../report/chunk-charges';
import type { ConnectorDirectory } from '../report/connectors';
import { type ReportBatch, ReportBatchBuilder } from '../report/report-batch';
import type { UsageLine } from '../report/usage-lines';
import { csvRows } from '../sinks/csv';
import type { ObjectStore } from '../store/object-store';

/** One object of a chunk: key, listed size (-1 unknown) and the date of its day folder. */
export interface ChunkObject {
  readonly key: string;
  readonly size: number;
  readonly folderDate: CalendarDate;
}

/** A unit of work: consecutive objects of the crawl, processed together. */
export interface ChunkTask {
  readonly seq: number;
  readonly objects: readonly ChunkObject[];
}

/** Calls and cost (scaled bigint) of one usage type within a chunk. */
export type UsageTypeCost = readonly [usageType: string, calls: number, cost: bigint];

/**
 * Rows of one call-start day within a chunk: Arrow record batches in this thread, or the same as an
 * Arrow IPC stream once they have to cross a thread boundary (see `toTransferable`).
 */
export interface DayRows {
  /** Days since the epoch (UTC) of the calls' start. */
  readonly day: number;
  readonly rows: number;
  readonly batches?: readonly RecordBatch[];
  readonly ipc?: Uint8Array;
}

/**
 * Per reported row of a chunk, in CSV order: what the merge point needs to bill each call once
 * (see call-dedupe.ts) without reading the rows again.
 */
export interface ChunkCalls {
  /** Call ids, CALL_ID_WORDS words per row. */
  readonly ids: Uint32Array;
  /** Index in the task's objects of the object each row came from. */
  readonly objects: Uint32Array;
  /** Call-start day of each row (days since the epoch). */
  readonly days: Int32Array;
  /** Byte offset just after each row in `csv`. */
  readonly csvEnds: Uint32Array;
}

/** What processing a chunk yields; everything is plain data so it can cross a worker boundary. */
export interface ChunkResult {
  readonly seq: number;
  readonly objectsRead: number;
  readonly rated: number;
  readonly unrated: number;
  readonly outside: number;
  readonly rejectsOutside: number;
  /** CSV bytes (UTF-8) of the chunk's rows (no header), in crawl order. */
  readonly csv: Uint8Array;
  readonly calls: ChunkCalls;
  readonly days: readonly DayRows[];
  /** Objects that are not valid CDRs, each with why. */
  readonly rejects: readonly { readonly key: string; readonly rejection: Rejection }[];
  /** Calls and exact cost of the rated calls per usage type. */
  readonly costs: readonly UsageTypeCost[];
  readonly unratedByStatus: readonly (readonly [status: string, calls: number])[];
  /** Calls each price version rated. */
  readonly callsByVersion: readonly (readonly [version: string, calls: number])[];
  /** Calls rated with later prices, ambiguous prices. */
  readonly notes: RatingNotesJson;
  /** Cost aggregates of the chunk's calls (merged in order by the run). */
  readonly aggregates: ChunkAggregates;
  /** What the operator charged (rate deck or markup). */
  readonly charges: ChargeCounts;
  /** Rated usage at FOCUS grain. */
  readonly usage: readonly UsageLine[];
  /** Objects filed later than the day after their call started (see late-arrivals.ts). */
  readonly lateArrivals: readonly LateArrival[];
}

/** What a chunk needs besides its objects. */
export interface ChunkContext {
  readonly store: ObjectStore;
  readonly schema: ServiceSchema;
  readonly period: Period;
  readonly rater: Rater;
  /** The operator's charges (rate deck, markup or none). */
  readonly charger: Charger;
  /** Connector names and tags. */
  readonly connectors: ConnectorDirectory;
  /** Reads in flight within a chunk (S3); local reads are synchronous anyway. */
  readonly readConcurrency: number;
  /** What counts towards short-call bursts (default DEFAULT_BURST_COLLECTION). */
  readonly burstCollection?: BurstCollection;
}

const DAY_MS = 86_400_000;

/**
 * The same words whether a listing told the size (S3) or the capped read found it out (local disk):
 * a run's rejects do not depend on where the objects are.
 */
function oversize(): Rejection {
  return { code: 'too-large', reason: `the object is larger than the ${MAX_CDR_BYTES}-byte cap` };
}

/** Charges whose magnitude reaches this (scaled by 10^CHARGE_SCALE) do not fit `ChargedAmount`. */
const CHARGE_LIMIT_SCALED = 10n ** BigInt(decimalShape('charge').precision);

function chargeOutOfRange(): Rejection {
  const { precision, scale } = decimalShape('charge');
  return {
    code: 'charge-out-of-range',
    reason: `the charged amount does not fit decimal(${precision},${scale}) exactly`,
  };
}

function priceOutOfRange(usageType: string): Rejection {
  const digits = PRICE_PRECISION - PRICE_SCALE;
  return {
    code: 'price-out-of-range',
    reason: `the price of ${usageType} has more than ${digits} integer digits, beyond the exact decimal range`,
  };
}

async function readAll(context: ChunkContext, objects: readonly ChunkObject[]): Promise<(Buffer | undefined)[]> {
  const { store } = context;
  if (store.readManyCapped) {
    // Objects listed as too large are not read at all.
    const wanted = objects.filter((object) => object.size <= MAX_CDR_BYTES);
    const bytes = await store.readManyCapped(
      wanted.map((object) => object.key),
      MAX_CDR_BYTES,
    );
    if (wanted.length === objects.length) return bytes;
    let next = 0;
    return objects.map((object) => (object.size > MAX_CDR_BYTES ? undefined : bytes[next++]));
  }
  const out: (Buffer | undefined)[] = new Array(objects.length);
  let next = 0;
  const worker = async () => {
    while (next < objects.length) {
      const i = next++;
      const object = objects[i] as ChunkObject;
      out[i] = object.size > MAX_CDR_BYTES ? undefined : await context.store.readCapped(object.key, MAX_CDR_BYTES);
    }
  };
  await Promise.all(Array.from({ length: Math.min(context.readConcurrency, objects.length) }, worker));
  return out;
}

/** Splits a batch by call-start day (almost always one day) and encodes each part as Arrow IPC. */
function splitByDay(batch: ReportBatch, startColumn: number): DayRows[] {
  const starts = batch.columns[startColumn] as number[];
  const byDay = new Map<number, number[]>();
  for (let i = 0; i < batch.length; i++) {
    const day = Math.floor((starts[i] as number) / DAY_MS);
    const rows = byDay.get(day);
    if (rows) rows.push(i);
    else byDay.set(day, [i]);
  }
  const days = [...byDay.keys()].sort((a, b) => a - b);
  return days.map((day) => {
    const rows = byDay.get(day) as number[];
    const part = byDay.size === 1 ? batch : batch.select(rows);
    return { day, rows: rows.length, batches: [part.toArrow()] };
  });
}

/**
 * Reads, parses, validates and rates one chunk of objects and renders its rows as CSV text and Arrow
 * IPC per call-start day. Objects that cannot be used become rejects (in the period their folder
 * belongs to); valid calls starting outside the period are counted, not reported.
 */
export async function processChunk(task: ChunkTask, context: ChunkContext): Promise<ChunkResult> {
  const { schema, period, rater, charger, connectors } = context;
  const bytes = await readAll(context, task.objects);
  const builder = new ReportBatchBuilder(schema);
  const rejects: { key: string; rejection: Rejection }[] = [];
  const costs = new Map<string, { calls: number; cost: bigint }>();
  const unratedByStatus = new Map<string, number>();
  const callsByVersion = new Map<string, number>();
  const notes = new RatingNotes();
  const idIndex = schema.cdrFields.findIndex((f) => f.name === schema.callIdField);
  const ids = new Uint32Array(task.objects.length * CALL_ID_WORDS);
  const rowObjects = new Uint32Array(task.objects.length);
  const rowDays = new Int32Array(task.objects.length);
  const charges = new ChunkCharges(schema);
  let rated = 0;
  let unrated = 0;
  let outside = 0;
  let rejectsOutside = 0;
  const lateArrivals: LateArrival[] = [];
  task.objects.forEach((object, i) => {
    const data = bytes[i];
    const result: ParseResult = data === undefined ? { ok: false, rejection: oversize() } : parseCdr(data, schema);
    if (!result.ok) {
      if (folderInPeriod(period, object.folderDate)) rejects.push({ key: object.key, rejection: result.rejection });
      else {
        outside++;
        rejectsOutside++;
      }
      return;
    }
    const late = lateArrivalOf(schema, object, result.record);
    if (late) lateArrivals.push(late);
    if (!inPeriod(period, result.record.startEpochSeconds)) {
      outside++;
      return;
    }
    const rating = rater.rate(result.record);
    if (rating.price && rating.price.pricePerUnit >= PRICE_LIMIT_SCALED) {
      rejects.push({ key: object.key, rejection: priceOutOfRange(rating.price.usageType) });
      return;
    }
    const charge = charger.charge(result.record, rating.cost);
    if (
      charge.inexact === true ||
      (charge.amount !== null && (charge.amount >= CHARGE_LIMIT_SCALED || charge.amount <= -CHARGE_LIMIT_SCALED))
    ) {
      rejects.push({ key: object.key, rejection: chargeOutOfRange() });
      return;
    }
    const connector = connectors.lookup(charges.resourceIdOf(result.record));
    const row = builder.length;
    writeCallId(result.record.values[idIndex] as string, ids, row * CALL_ID_WORDS);
    rowObjects[row] = i;
    rowDays[row] = Math.floor(result.record.startEpochSeconds / 86_400);
    builder.append(result.record, rating, charge, connector);
    notes.add(rating);
    charges.add(result.record, rating, charge, connector);
    if (rating.version) callsByVersion.set(rating.version, (callsByVersion.get(rating.version) ?? 0) + 1);
    if (rating.status === 'RATED' && rating.price && rating.cost !== null) {
      rated++;
      const total = costs.get(rating.price.usageType);
      if (total) {
        total.calls++;
        total.cost += rating.cost;
      } else costs.set(rating.price.usageType, { calls: 1, cost: rating.cost });
    } else {
      unrated++;
      unratedByStatus.set(rating.status, (unratedByStatus.get(rating.status) ?? 0) + 1);
    }
  });
  const rows = builder.length;
  const batch = builder.take();
  const startColumn = schema.columns.findIndex((c) => c.name === 'StartTime');
  const csvEnds = new Uint32Array(rows);
  const calls: ChunkCalls = {
    ids: ids.slice(0, rows * CALL_ID_WORDS),
    objects: rowObjects.slice(0, rows),
    days: rowDays.slice(0, rows),
    csvEnds,
  };
  return {
    seq: task.seq,
    objectsRead: task.objects.length,
    rated,
    unrated,
    outside,
    rejectsOutside,
    csv: batch ? csvRows(schema, batch, csvEnds) : new Uint8Array(0),
    calls,
    days: batch ? splitByDay(batch, startColumn) : [],
    rejects,
    costs: [...costs].map(([usageType, t]) => [usageType, t.calls, t.cost] as const),
    unratedByStatus: [...unratedByStatus],
    callsByVersion: [...callsByVersion],
    notes: notes.toJSON(),
    aggregates: batch ? collectAggregates(batch, context.burstCollection ?? DEFAULT_BURST_COLLECTION) : NO_AGGREGATES,
    ...charges.result(),
    lateArrivals,
  };
}

/** The result with its record batches encoded as Arrow IPC, ready for `postMessage`. */
export function toTransferable(result: ChunkResult): ChunkResult {
  return {
    ...result,
    days: result.days.map((d) => ({
      day: d.day,
      rows: d.rows,
      ipc: d.ipc ?? tableToIPC(new Table(d.batches as RecordBatch[]), 'stream'),
    })),
  };
}

/** The record batches of a day's rows, decoding the IPC form if the result crossed a thread boundary. */
export function dayBatches(rows: DayRows): readonly RecordBatch[] {
  return rows.batches ?? (rows.ipc ? tableFromIPC(rows.ipc).batches : []);
}
