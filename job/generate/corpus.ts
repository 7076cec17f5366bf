/**
 * `generateCorpus`: a synthetic but realistic CDR bucket in the real Amazon Chime key layout, plus a
 * matching bulk offer file, written to any ObjectStore. Deterministic (same options, byte-identical
 * tree), streaming (objects are produced and written one by one), bounded write concurrency.
 * The pieces live in job/generate/: random.ts (seeded PRNG), catalog.ts (countries, usage types,
 * prices), calls.ts (the object stream), price-file.ts (the offer file), object-sink.ts (writes).
 */

import { addDays, type CalendarDate } from '../core/period';
import type { ObjectStore } from '../store/object-store';
import { type CallStreamOptions, generateObjects, partitionIds } from './calls';
import { pricedUsage } from './catalog';
import { ObjectSink } from './object-sink';
import { buildOfferFile, defaultPricesKey } from './price-file';

/** What to generate: the call stream's options, plus where to write and how. */
export interface GenerateCorpusOptions extends CallStreamOptions {
  readonly store: ObjectStore;
  /** Store key of the offer file; default `prices/<service>-offer.json`. */
  readonly pricesKey?: string;
  /** Writes in flight (default 64). */
  readonly concurrency?: number;
  /** Called now and then with the number of objects written. */
  readonly onProgress?: (written: number) => void;
}

/** What was generated. */
export interface GenerateCorpusResult {
  /** CDR objects written (the price file not included). */
  readonly objects: number;
  /** Key of the offer file. */
  readonly pricesKey: string;
  /** Objects filed in the day folder after their start day. */
  readonly nextDayObjects: number;
  /** Objects whose usage type has no price. */
  readonly unknownUsageTypeObjects: number;
  /** Voice Connector IDs (VC) or AWS account IDs (BC) used as folders. */
  readonly partitions: readonly string[];
  /** First day of calls. */
  readonly firstDay: CalendarDate;
  /** Usage types priced in the offer file. */
  readonly pricedUsageTypes: number;
  /** Bytes of CDR objects written. */
  readonly bytes: number;
}

/** Generates the corpus and its price file into `options.store`. */
export async function generateCorpus(options: GenerateCorpusOptions): Promise<GenerateCorpusResult> {
  for (const [name, value] of [
    ['calls', options.calls],
    ['days', options.days],
    ['connectors', options.connectors],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < (name === 'calls' ? 0 : 1)) {
      throw new RangeError(`${name} must be a whole number${name === 'calls' ? '' : ' ≥ 1'}, got ${value}`);
    }
  }
  for (const [name, value] of [
    ['unknownUsageTypeRatio', options.unknownUsageTypeRatio ?? 0],
    ['nextDayRatio', options.nextDayRatio ?? 0.01],
  ] as const) {
    if (!(value >= 0 && value <= 1)) throw new RangeError(`${name} must be between 0 and 1, got ${value}`);
  }
  const firstDay = addDays(options.end, 1 - options.days);
  const pricesKey = options.pricesKey ?? defaultPricesKey(options.service);
  await options.store.write(pricesKey, buildOfferFile(options.service, firstDay), 'application/json');

  const sink = new ObjectSink(options.store, options.concurrency ?? 64);
  let objects = 0;
  let nextDayObjects = 0;
  let unknownUsageTypeObjects = 0;
  for (const object of generateObjects(options)) {
    await sink.put(object.key, object.body);
    objects++;
    if (object.nextDay) nextDayObjects++;
    if (object.unknownUsageType) unknownUsageTypeObjects++;
    if (options.onProgress && objects % 10_000 === 0) options.onProgress(sink.written);
  }
  await sink.flush();
  options.onProgress?.(sink.written);
  return {
    objects,
    pricesKey,
    nextDayObjects,
    unknownUsageTypeObjects,
    partitions: partitionIds(options),
    firstDay,
    pricedUsageTypes: pricedUsage(options.service).length,
    bytes: sink.bytes,
  };
}
