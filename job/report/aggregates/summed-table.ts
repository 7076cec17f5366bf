import { plus, type Summable } from '../../core/add-fields';

/**
 * What a field of a summed tuple holds: part of the row's key, a count (number) or an exact sum
 * (bigint, written to JSON as integer text).
 */
export type FieldKind = 'key' | 'count' | 'sum';

/** One field of a summed tuple: its row property name and what it holds. */
export type FieldSpec = readonly [name: string, kind: FieldKind];

/** A value of a summed tuple. */
export type Cell = string | number | bigint;

/** A tuple's JSON form: sums as integer text; trailing fields may be absent (read as zero). */
export type JsonTuple = readonly (string | number | undefined)[];

const SEP = '\u0000';

function minus(value: Cell): Cell {
  return typeof value === 'bigint' ? -value : -(value as number);
}

/**
 * Rows keyed by their leading `key` fields whose other fields (counts and exact sums) add up: the one
 * way every aggregate of a run is accumulated, taken back out, merged across shards and serialised.
 * The first field after the keys is the row's call count; a row left with none is dropped.
 */
export class SummedTable<Row> {
  private readonly entries = new Map<string, Cell[]>();
  private readonly keyCount: number;

  /** `fields`: the tuple's fields in order, every `key` field before the others. */
  constructor(private readonly fields: readonly FieldSpec[]) {
    this.keyCount = fields.findIndex(([, kind]) => kind !== 'key');
  }

  private keyOf(tuple: readonly Cell[]): string {
    let key = String(tuple[0]);
    for (let i = 1; i < this.keyCount; i++) key += SEP + String(tuple[i]);
    return key;
  }

  /** Adds a tuple (laid out as `fields`) to its row. */
  add(tuple: readonly Cell[]): void {
    const key = this.keyOf(tuple);
    const entry = this.entries.get(key);
    if (!entry) {
      this.entries.set(key, tuple.slice());
      return;
    }
    for (let i = this.keyCount; i < entry.length; i++) entry[i] = plus(entry[i] as Summable, tuple[i] as Summable);
  }

  /** Takes a tuple back out of its row, dropping the row when no call is left in it. */
  subtract(tuple: readonly Cell[]): void {
    this.add(tuple.map((value, i) => (i < this.keyCount ? value : minus(value))));
    const key = this.keyOf(tuple);
    if (this.entries.get(key)?.[this.keyCount] === 0) this.entries.delete(key);
  }

  /** Adds a tuple in its JSON form (see `toJSON`). */
  addJson(tuple: JsonTuple): void {
    this.add(
      this.fields.map(([, kind], i) => {
        const value = tuple[i];
        if (kind === 'sum') return BigInt(value ?? 0);
        if (kind === 'count') return Number(value ?? 0);
        return value ?? '';
      }),
    );
  }

  /** The rows as objects named by the fields, in insertion order. */
  rows(): Row[] {
    return [...this.entries.values()].map(
      (tuple) => Object.fromEntries(this.fields.map(([name], i) => [name, tuple[i]])) as Row,
    );
  }

  /** The rows as JSON tuples: sums as integer text. */
  toJSON(): (string | number)[][] {
    return [...this.entries.values()].map((tuple) =>
      tuple.map((value) => (typeof value === 'bigint' ? String(value) : value)),
    );
  }
}
