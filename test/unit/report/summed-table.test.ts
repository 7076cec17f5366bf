import { expect } from 'chai';
import { type FieldSpec, SummedTable } from '../../../job/report/aggregates/summed-table';

interface Row {
  readonly connector: string;
  readonly hour: number;
  readonly calls: number;
  readonly cost: bigint;
}

const FIELDS: readonly FieldSpec[] = [
  ['connector', 'key'],
  ['hour', 'key'],
  ['calls', 'count'],
  ['cost', 'sum'],
];

describe('SummedTable: the one way aggregates add up', () => {
  it('adds tuples with the same key into one row, exactly, keeping first-seen order', () => {
    const table = new SummedTable<Row>(FIELDS);
    table.add(['vc-b', 3, 1, 10n ** 30n]);
    table.add(['vc-a', 3, 2, 5n]);
    table.add(['vc-b', 3, 4, 1n]);
    // Same text, different key field: "vc-b" hour 13 is not "vc-b1" hour 3.
    table.add(['vc-b', 13, 1, 7n]);
    table.add(['vc-b1', 3, 1, 9n]);
    expect(table.rows()).to.deep.equal([
      { connector: 'vc-b', hour: 3, calls: 5, cost: 10n ** 30n + 1n },
      { connector: 'vc-a', hour: 3, calls: 2, cost: 5n },
      { connector: 'vc-b', hour: 13, calls: 1, cost: 7n },
      { connector: 'vc-b1', hour: 3, calls: 1, cost: 9n },
    ]);
  });

  it('taking a tuple back out drops the row once no call is left in it', () => {
    const table = new SummedTable<Row>(FIELDS);
    table.add(['vc-a', 1, 2, 30n]);
    table.subtract(['vc-a', 1, 1, 10n]);
    expect(table.rows()).to.deep.equal([{ connector: 'vc-a', hour: 1, calls: 1, cost: 20n }]);
    table.subtract(['vc-a', 1, 1, 20n]);
    expect(table.rows()).to.deep.equal([]);
  });

  it('round-trips through JSON (sums as integer text); absent trailing fields read as zero', () => {
    const table = new SummedTable<Row>(FIELDS);
    table.add(['vc-a', 23, 3, -(10n ** 37n)]);
    const json = table.toJSON();
    expect(json).to.deep.equal([['vc-a', 23, 3, `-${10n ** 37n}`]]);
    const copy = new SummedTable<Row>(FIELDS);
    for (const tuple of JSON.parse(JSON.stringify(json)) as (string | number)[][]) copy.addJson(tuple);
    copy.addJson(['vc-a', 23, 1]);
    expect(copy.rows()).to.deep.equal([{ connector: 'vc-a', hour: 23, calls: 4, cost: -(10n ** 37n) }]);
  });
});
