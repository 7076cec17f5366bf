import { expect } from 'chai';
import { parseDecimal } from '../../../job/core/decimal';
import { COST_SCALE } from '../../../job/core/schema';
import { type ChunkCounts, RunTotals } from '../../../job/report/run-totals';

const usd = (text: string) => parseDecimal(text, COST_SCALE);

function chunk(overrides: Partial<ChunkCounts>): ChunkCounts {
  return {
    objectsRead: 0,
    rated: 0,
    unrated: 0,
    outside: 0,
    rejectsOutside: 0,
    rejects: [],
    costs: [],
    unratedByStatus: [],
    callsByVersion: [],
    ...overrides,
  };
}

const A = chunk({
  objectsRead: 5,
  rated: 3,
  unrated: 1,
  rejects: [{}],
  costs: [
    ['USE1-US-US-outbound-minutes', 2, usd('0.1')],
    ['USE1-US-inbound-minutes', 1, usd('0.2')],
  ],
  unratedByStatus: [['UNRATED_UNKNOWN_USAGE_TYPE', 1]],
  callsByVersion: [['v1', 4]],
});
const B = chunk({
  objectsRead: 4,
  rated: 2,
  outside: 2,
  rejectsOutside: 1,
  costs: [['USE1-US-US-outbound-minutes', 2, usd('0.0000000000000001')]],
  callsByVersion: [
    ['v1', 1],
    ['v2', 1],
  ],
});

describe('RunTotals', () => {
  it('adds chunks with exact sums, usage types sorted', () => {
    const totals = new RunTotals();
    totals.addChunk(A);
    totals.addChunk(B);
    expect(totals).to.include({ objectsRead: 9, rated: 5, unrated: 1, rejected: 1, outside: 2, rejectsOutside: 1 });
    expect(totals.totalCost).to.equal(usd('0.3000000000000001'));
    expect(totals.costByUsageType()).to.deep.equal([
      { usageType: 'USE1-US-US-outbound-minutes', calls: 4, cost: '0.1000000000000001' },
      { usageType: 'USE1-US-inbound-minutes', calls: 1, cost: '0.2' },
    ]);
    expect(totals.unratedByStatus()).to.deep.equal({ UNRATED_UNKNOWN_USAGE_TYPE: 1 });
    expect([totals.callsByVersion('v1'), totals.callsByVersion('v2'), totals.callsByVersion('v3')]).to.deep.equal([
      5, 1, 0,
    ]);
  });

  it('merges shard totals (through their JSON form) into exactly what one run adds up', () => {
    const single = new RunTotals();
    single.addChunk(A);
    single.addChunk(B);
    const shardA = new RunTotals();
    shardA.addChunk(A);
    const shardB = new RunTotals();
    shardB.addChunk(B);
    const merged = new RunTotals();
    for (const shard of [shardA, shardB]) merged.merge(JSON.parse(JSON.stringify(shard.toJSON())));
    expect(merged.toJSON()).to.deep.equal(single.toJSON());
    expect(merged.totalCost).to.equal(single.totalCost);
  });
});
