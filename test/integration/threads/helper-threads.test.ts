import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { CdrValue } from '../../../job/cdr/record';
import { schemaFor } from '../../../job/core/schema';
import { arrowSchema, ReportBatch } from '../../../job/report/report-batch';
import { inThreadParquetEncoder, threadParquetEncoder } from '../../../job/sinks/parquet-encoder';
import { readFileBatch } from '../../../job/store/file-batch-read';
import { FileBatchReader } from '../../../job/store/file-batch-reader';
import { duckdbQuery } from '../../support/duckdb';

describe('helper threads', () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'helper-threads-'));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('FileBatchReader', () => {
    it('serves many concurrent batches, each exactly as a read in this thread', async () => {
      const paths: string[] = [];
      for (let i = 0; i < 300; i++) {
        const file = path.join(dir, 'files', `${i}.json`);
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, `{"n":${i},"pad":"${'x'.repeat(i)}"}`);
        paths.push(file);
      }
      paths.push(path.join(dir, 'files', 'missing.json'));
      const reader = new FileBatchReader();
      try {
        const batches = Array.from({ length: 8 }, (_, k) => paths.filter((_, i) => i % 8 === k));
        const results = await Promise.all(batches.map((batch) => reader.read(batch, 200)));
        results.forEach((result, k) => {
          const local = readFileBatch(batches[k] as string[], 200);
          expect(Buffer.from(result.bytes).equals(Buffer.from(local.bytes)), `batch ${k}`).to.equal(true);
          expect([...result.starts]).to.deep.equal([...local.starts]);
          expect([...result.statuses]).to.deep.equal([...local.statuses]);
        });
        // The missing file (last path, batch 300 % 8 = 4) is reported, not thrown, by the reader.
        expect([...(results[4] as { statuses: Uint8Array }).statuses].at(-1)).to.equal(2);
      } finally {
        await reader.close();
      }
      // A closed reader starts a fresh thread when used again.
      const again = await reader.read(paths.slice(0, 3), 200);
      await reader.close();
      expect(again.starts[3]).to.equal(readFileBatch(paths.slice(0, 3), 200).starts[3]);
    });
  });

  describe('Parquet encoder thread', () => {
    const schema = schemaFor('AmazonChimeVoiceConnector');
    const nullable = arrowSchema(schema).fields.map((field) => field.nullable);
    const batch = (rows: number, seed: number) => {
      const columns = schema.columns.map((column, c) =>
        Array.from({ length: rows }, (_, r): CdrValue => {
          if (nullable[c] && (r + c + seed) % 13 === 0) return null;
          if (column.kind === 'string') return `v-${seed}-${r % 97}-Zürich`;
          if (column.kind === 'integer') return r + seed;
          if (column.kind === 'timestamp') return 1_740_528_000_000 + r * 1000;
          if (column.kind === 'boolean') return r % 3 === 0;
          return BigInt(r) * 1_000_000_007n + BigInt(seed);
        }),
      );
      return new ReportBatch(schema, columns, rows).toArrow();
    };

    it('writes the same bytes as encoding in this thread, for files encoded concurrently', async () => {
      const inputs = [1, 2, 3].map((seed) => [batch(5000, seed), batch(1234, seed + 10)]);
      const here = inThreadParquetEncoder();
      const there = threadParquetEncoder();
      try {
        const expected = await Promise.all(inputs.map((batches) => here.encode(batches)));
        const actual = await Promise.all(inputs.map((batches) => there.encode(batches)));
        actual.forEach((bytes, i) => {
          expect(Buffer.from(bytes).equals(Buffer.from(expected[i] as Uint8Array)), `file ${i}`).to.equal(true);
        });
        const file = path.join(dir, 'thread.parquet');
        await writeFile(file, actual[0] as Uint8Array);
        const [row] = await duckdbQuery(`SELECT count(*) AS n FROM read_parquet('${file}')`);
        expect(Number(row?.n)).to.equal(6234);
      } finally {
        await Promise.all([here.close(), there.close()]);
      }
    });

    it('fails pending and later encodes once closed', async () => {
      const there = threadParquetEncoder();
      const pending = there.encode([batch(20_000, 1)]);
      await there.close();
      await expectRejection(pending, /closed/);
    });
  });
});

async function expectRejection(promise: Promise<unknown>, message: RegExp): Promise<void> {
  const outcome = await promise.then(
    () => 'resolved',
    (error: unknown) => error,
  );
  expect(outcome).to.be.instanceOf(Error);
  expect((outcome as Error).message).to.match(message);
}
