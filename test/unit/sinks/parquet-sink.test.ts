import { tableFromIPC } from 'apache-arrow';
import { expect } from 'chai';
import { readParquet } from 'parquet-wasm';
import { epochSeconds } from '../../../job/core/period';
import { schemaFor } from '../../../job/core/schema';
import { createCharger } from '../../../job/prices/rate-deck/charger';
import { ConnectorDirectory } from '../../../job/report/connectors';
import { ReportBatchBuilder } from '../../../job/report/report-batch';
import { PartitionedParquetSink } from '../../../job/sinks/parquet';
import { inThreadParquetEncoder } from '../../../job/sinks/parquet-encoder';
import { MemoryStore } from '../../support/memory-store';

const schema = schemaFor('AmazonChimeVoiceConnector');
const DAY_1 = epochSeconds({ year: 2025, month: 3, day: 1 }) / 86_400;
const DAY_2 = DAY_1 + 1;

/** `rows` report rows of calls starting on `day` (days since the epoch). */
function rowsOf(day: number, rows: number) {
  const builder = new ReportBatchBuilder(schema);
  for (let i = 0; i < rows; i++) {
    const values = schema.cdrFields.map((field) => {
      if (field.name === 'StartTimeEpochSeconds') return day * 86_400 + i;
      if (field.kind === 'minutes') return 1_000_000n;
      if (field.kind === 'integer') return 60;
      if (field.kind === 'boolean') return false;
      return field.required ? `${field.name}-${i}` : null;
    });
    builder.append(
      {
        values,
        startEpochSeconds: day * 86_400 + i,
        endEpochSeconds: null,
        billableMinutes: 1_000_000n,
        usageType: undefined,
      },
      { status: 'UNRATED_NO_PRICE_VERSION', price: null, version: null, cost: null },
      createCharger(schema, { kind: 'none' }).charge(
        {
          values,
          startEpochSeconds: day * 86_400 + i,
          endEpochSeconds: null,
          billableMinutes: 1_000_000n,
          usageType: undefined,
        },
        null,
      ),
      new ConnectorDirectory([]).lookup('vc1'),
    );
  }
  return [builder.take()?.toArrow()].filter((b) => b !== undefined);
}

function rowCount(store: MemoryStore, key: string): number {
  const body = store.objects.get(key);
  if (!body) throw new Error(`${key} was not written`);
  return tableFromIPC(readParquet(body).intoIPCStream()).numRows;
}

describe('PartitionedParquetSink: when files are flushed', () => {
  it('writes a file as soon as a day partition holds fileRows rows, and the rest at close', async () => {
    const store = new MemoryStore();
    const sink = new PartitionedParquetSink(store, schema, {
      fileRows: 10,
      maxPendingRows: 1000,
      encoder: inThreadParquetEncoder(),
    });
    await sink.add(DAY_1, rowsOf(DAY_1, 6));
    await sink.add(DAY_1, rowsOf(DAY_1, 6)); // 12 ≥ 10: a file
    await sink.add(DAY_2, rowsOf(DAY_2, 3));
    await sink.add(DAY_1, rowsOf(DAY_1, 6));
    const keys = await sink.close();
    expect(keys).to.deep.equal([
      'Amazon-Chime-Voice-Connector-Summary/parquet/year=2025/month=03/day=01/part-00000.parquet',
      'Amazon-Chime-Voice-Connector-Summary/parquet/year=2025/month=03/day=01/part-00001.parquet',
      'Amazon-Chime-Voice-Connector-Summary/parquet/year=2025/month=03/day=02/part-00000.parquet',
    ]);
    expect(keys.map((key) => rowCount(store, key))).to.deep.equal([12, 6, 3]);
  });

  it('flushes the largest partition early once all partitions together hold more than maxPendingRows', async () => {
    const store = new MemoryStore();
    const sink = new PartitionedParquetSink(store, schema, {
      fileRows: 100,
      maxPendingRows: 8,
      filePrefix: 'part-s0001-',
      encoder: inThreadParquetEncoder(),
    });
    await sink.add(DAY_1, rowsOf(DAY_1, 2));
    await sink.add(DAY_2, rowsOf(DAY_2, 5));
    expect(store.writes).to.deep.equal([]);
    await sink.add(DAY_1, rowsOf(DAY_1, 2)); // 9 pending: day 2, the largest, goes out now
    const keys = await sink.close();
    expect(keys.map((key) => key.split('/').slice(-2).join('/'))).to.deep.equal([
      'day=01/part-s0001-00000.parquet',
      'day=02/part-s0001-00000.parquet',
    ]);
    // Closing alone would write day 1 first: day 2 went out early.
    expect(store.writes.map((key) => key.split('/').at(-2))).to.deep.equal(['day=02', 'day=01']);
    expect(keys.map((key) => rowCount(store, key))).to.deep.equal([4, 5]);
  });
});
