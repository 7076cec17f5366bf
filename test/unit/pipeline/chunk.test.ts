import { expect } from 'chai';
import { formatDecimal } from '../../../job/core/decimal';
import { dayFolderPrefix } from '../../../job/core/layout/cdr-keys';
import { type CalendarDate, periodEndingOn } from '../../../job/core/period';
import { COST_SCALE, schemaFor } from '../../../job/core/schema';
import { type ChunkObject, processChunk } from '../../../job/pipeline/chunk';
import { createCharger } from '../../../job/prices/rate-deck/charger';
import { createRateTable } from '../../../job/prices/rate-table-impl';
import { Rater } from '../../../job/prices/rater';
import { parseSnapshot } from '../../../job/prices/snapshot';
import { ConnectorDirectory } from '../../../job/report/connectors';
import { VC_DOC_EXAMPLE } from '../../fixtures/cdr-examples';
import { MemoryStore } from '../../support/memory-store';
import { epoch, fixtureText } from '../prices/fixtures';

const schema = schemaFor('AmazonChimeVoiceConnector');
const rater = new Rater(
  schema,
  createRateTable('AmazonChimeVoiceConnector', parseSnapshot(fixtureText('snapshot.json')).versions),
);
/** Daily period of 2025-03-02: its folders are 03-02 and 03-03 (late filings of 03-02's last minutes). */
const period = periodEndingOn('Daily', { year: 2025, month: 3, day: 2 });
const MARCH_2: CalendarDate = { year: 2025, month: 3, day: 2 };
const MARCH_3: CalendarDate = { year: 2025, month: 3, day: 3 };

function cdr(start: string, fields: Record<string, unknown> = {}): string {
  return JSON.stringify({
    ...VC_DOC_EXAMPLE,
    StartTimeEpochSeconds: epoch(start),
    EndTimeEpochSeconds: epoch(start) + 6,
    ...fields,
  });
}

/** Puts objects into day folders of one connector and returns them as chunk objects. */
function objects(store: MemoryStore, entries: readonly [CalendarDate, string, string][]): ChunkObject[] {
  return entries.map(([folderDate, name, body]) => {
    const key = `${dayFolderPrefix(schema, 'vc1', folderDate)}${name}`;
    store.objects.set(key, Buffer.from(body));
    return { key, size: Buffer.byteLength(body), folderDate };
  });
}

describe('processChunk', () => {
  it('accounts for every object: rated, unrated, rejected, outside the period', async () => {
    const store = new MemoryStore();
    const chunk = objects(store, [
      [MARCH_2, 'a', cdr('2025-03-02T10:00:00Z')],
      [MARCH_2, 'b', cdr('2025-03-02T11:00:00Z', { UsageType: 'USE1-XX-unknown' })],
      [MARCH_2, 'c', '{"not":"a cdr"'],
      [MARCH_3, 'd', cdr('2025-03-02T23:59:30Z')], // filed the next day, belongs here
      [MARCH_3, 'e', cdr('2025-03-03T00:00:10Z')], // the next period's call
      [MARCH_3, 'f', 'garbage'], // unreadable in the next day's folder: the next period's reject
    ]);
    const result = await processChunk(
      { seq: 7, objects: chunk },
      {
        store,
        schema,
        period,
        rater,
        charger: createCharger(schema, { kind: 'none' }),
        connectors: new ConnectorDirectory([]),
        readConcurrency: 4,
      },
    );
    expect(result.seq).to.equal(7);
    expect(result).to.include({ objectsRead: 6, rated: 2, unrated: 1, outside: 2, rejectsOutside: 1 });
    expect(result.rejects.map((r) => [r.key.slice(-1), r.rejection.code])).to.deep.equal([['c', 'not-json']]);
    expect(result.objectsRead).to.equal(result.rated + result.unrated + result.rejects.length + result.outside);
    expect(
      result.costs.map(([usageType, calls, cost]) => [usageType, calls, formatDecimal(cost, COST_SCALE)]),
    ).to.deep.equal([['USE1-US-US-outbound-minutes', 2, '0.00096']]);
    expect(result.unratedByStatus).to.deep.equal([['UNRATED_UNKNOWN_USAGE_TYPE', 1]]);
    expect(result.days.map((d) => [d.day * 86_400, d.rows])).to.deep.equal([[epoch('2025-03-02T00:00:00Z'), 3]]);
    const csv = Buffer.from(result.csv).toString('utf8').trimEnd().split('\r\n');
    expect(csv).to.have.length(3);
  });

  it('rejects an object larger than the cap without reading it', async () => {
    const store = new MemoryStore();
    const [object] = objects(store, [[MARCH_2, 'big', cdr('2025-03-02T10:00:00Z')]]);
    const result = await processChunk(
      { seq: 0, objects: [{ ...(object as ChunkObject), size: 10 * 1024 * 1024 }] },
      {
        store,
        schema,
        period,
        rater,
        charger: createCharger(schema, { kind: 'none' }),
        connectors: new ConnectorDirectory([]),
        readConcurrency: 1,
      },
    );
    expect(result.rejects.map((r) => r.rejection.code)).to.deep.equal(['too-large']);
    expect(result.rated).to.equal(0);
  });
});
