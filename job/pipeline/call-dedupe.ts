import { CALL_ID_WORDS } from '../cdr/call-id';
import type { Rejection } from '../cdr/record';
import type { ServiceSchema } from '../core/schema';
import type { RowCharge } from '../report/row-charge';
import { CallIdSet } from './call-id-set';
import type { ChunkObject, ChunkResult } from './chunk';
import { dropRows } from './chunk-rows';

/** A row taken out because its call was already billed: the object's key, why, and what it had counted. */
export interface DuplicateCall {
  readonly key: string;
  readonly rejection: Rejection;
  readonly charge: RowCharge;
}

/** The reject entry of a re-delivered call. */
export function duplicateRejection(schema: ServiceSchema, callId: string | null): Rejection {
  return {
    code: 'duplicate-call',
    reason: `${schema.callIdField} ${JSON.stringify(callId)} was already billed from an earlier object of the period`,
  };
}

/**
 * Bills each call once per period: chunks are admitted in crawl order (the ordered merge point,
 * whatever thread processed them), so the FIRST object carrying a call id is billed and every later
 * one is taken out of the outputs and reported as a duplicate.
 */
export class CallDeduper {
  private readonly seen = new CallIdSet();

  constructor(private readonly schema: ServiceSchema) {}

  /** Call ids billed so far. */
  get size(): number {
    return this.seen.size;
  }

  /** The chunk without the calls already billed (itself when there are none), and those calls. */
  admit(
    result: ChunkResult,
    objects: readonly ChunkObject[],
  ): { readonly result: ChunkResult; readonly duplicates: DuplicateCall[] } {
    const { ids, objects: rowObjects } = result.calls;
    const drop: number[] = [];
    for (let row = 0; row < rowObjects.length; row++) {
      if (!this.seen.add(ids, row * CALL_ID_WORDS)) drop.push(row);
    }
    if (drop.length === 0) return { result, duplicates: [] };
    const without = dropRows(result, drop, this.schema.callIdField);
    const duplicates = drop.map((row, i) => {
      const charge = without.charges[i] as RowCharge;
      const object = objects[rowObjects[row] as number] as ChunkObject;
      return { key: object.key, rejection: duplicateRejection(this.schema, charge.callId), charge };
    });
    return { result: without.result, duplicates };
  }
}
