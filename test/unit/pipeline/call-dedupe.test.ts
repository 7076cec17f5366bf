import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import { CALL_ID_WORDS, writeCallId } from '../../../job/cdr/call-id';
import { CallIdSet } from '../../../job/pipeline/call-id-set';
import { CallLedgerWriter, readCallLedger } from '../../../job/pipeline/call-ledger';
import type { ChunkResult } from '../../../job/pipeline/chunk';
import { csvRowFilter } from '../../../job/pipeline/shard-dedupe';
import type { ObjectWriter } from '../../../job/store/object-store';

function id(text: string): Uint32Array {
  const out = new Uint32Array(CALL_ID_WORDS);
  writeCallId(text, out, 0);
  return out;
}

describe('call ids and the call-id set', () => {
  it('packs a lowercase UUID losslessly and hashes anything else', () => {
    expect([...id('ac42568d-dd5b-4b3b-b1e6-bff0203ed124')]).to.deep.equal([
      0xac42568d, 0xdd5b4b3b, 0xb1e6bff0, 0x203ed124,
    ]);
    // Not canonical lowercase hex: hashed, so never equal to the packed form.
    expect([...id('AC42568D-DD5B-4B3B-B1E6-BFF0203ED124')]).to.not.deep.equal([
      ...id('ac42568d-dd5b-4b3b-b1e6-bff0203ed124'),
    ]);
    expect([...id('1a234567-89bc-01d2-3456-e78f9g01234h')]).to.deep.equal([
      ...id('1a234567-89bc-01d2-3456-e78f9g01234h'),
    ]);
    expect([...id('x')]).to.not.deep.equal([...id('y')]);
  });

  it('tells new ids from seen ones exactly, across growth, including the all-zero id', () => {
    const set = new CallIdSet();
    const ids = Array.from({ length: 50_000 }, () => id(randomUUID()));
    for (const one of ids) expect(set.add(one, 0)).to.equal(true);
    for (const one of ids) expect(set.add(one, 0)).to.equal(false);
    for (const one of ids) expect(set.has(one, 0)).to.equal(true);
    expect(set.has(id(randomUUID()), 0)).to.equal(false);
    const zero = new Uint32Array(CALL_ID_WORDS);
    expect(set.has(zero, 0)).to.equal(false);
    expect(set.add(zero, 0)).to.equal(true);
    expect(set.add(zero, 0)).to.equal(false);
    expect(set.size).to.equal(50_001);
    // 16 bytes a slot at a load of 0.4 to 0.8.
    expect(set.bytes).to.be.within(50_000 * 16, 50_000 * 16 * 2.6);
  });

  it('keeps ids that differ in one word apart (sequential ids)', () => {
    const set = new CallIdSet();
    for (let i = 0; i < 20_000; i++)
      expect(set.add(id(`${i.toString(16).padStart(8, '0')}-dd5b-4b3b-b1e6-bff0203ed124`), 0)).to.equal(true);
    expect(set.size).to.equal(20_000);
  });
});

describe('shard call ledger', () => {
  it('reads back every call, day, ordinal and key it was given, in order', async () => {
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    const writer: ObjectWriter = { stream, done: async () => {}, abort: async () => {} } as unknown as ObjectWriter;
    const ledger = new CallLedgerWriter(writer);
    const keys = ['a/2025/03/01/x_1', 'a/2025/03/01/x_2', 'b/2025/03/02/Zürich_3', 'b/2025/03/02/Zürich_3-again'];
    const ids = new Uint32Array(keys.length * CALL_ID_WORDS);
    for (const [i, key] of keys.entries()) writeCallId(key, ids, i * CALL_ID_WORDS);
    const calls = {
      ids,
      objects: Uint32Array.from([3, 2, 1, 0]),
      days: Int32Array.from([20_000, 20_001, -1, 7]),
      csvEnds: new Uint32Array(4),
    };
    await ledger.add(
      { calls } as unknown as ChunkResult,
      keys.map((key) => ({ key, size: 1, folderDate: { year: 2025, month: 3, day: 1 } })),
    );
    await ledger.close();
    const seen: { key: string; day: number; ordinal: number; id: number[] }[] = [];
    const count = readCallLedger(Buffer.concat(chunks), (call) => {
      seen.push({
        key: call.key(),
        day: call.day,
        ordinal: call.ordinal,
        id: [...call.ids.subarray(call.at, call.at + 4)],
      });
    });
    expect(count).to.equal(4);
    expect(seen.map((s) => s.key)).to.deep.equal([keys[3], keys[2], keys[1], keys[0]]);
    expect(seen.map((s) => s.day)).to.deep.equal([20_000, 20_001, -1, 7]);
    expect(seen.map((s) => s.ordinal)).to.deep.equal([0, 1, 2, 3]);
    expect(seen[1]?.id).to.deep.equal([...ids.subarray(4, 8)]);
  });
});

describe('CSV row filter (finalize)', () => {
  it('drops whole rows by ordinal, whatever the chunking, with quoted CR/LF and quotes inside cells', () => {
    const rows = ['a,b\r\n', '"x\r\ny",z\r\n', '"q""\n""",1\r\n', 'plain,2\r\n', '"",3\r\n'];
    const text = Buffer.from(rows.join(''));
    for (let size = 1; size <= text.length; size++) {
      const filter = csvRowFilter(new Set([1, 3]));
      const out: Buffer[] = [];
      for (let at = 0; at < text.length; at += size) out.push(...filter(text.subarray(at, at + size)));
      expect(Buffer.concat(out).toString(), `chunks of ${size}`).to.equal(`${rows[0]}${rows[2]}${rows[4]}`);
    }
  });
});
