import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { expect } from 'chai';
import {
  type ObjectEntry,
  ObjectNotFoundError,
  type ObjectStore,
  type ObjectWriter,
  StoreLocationError,
} from '../../../job/store/object-store';

/** A fresh, empty root of the store under test. */
export interface StoreRoot {
  /** Opens a store at the root, or at `sub` (a folder/prefix below it, e.g. `p`) over the same data. */
  open(sub?: string): Promise<ObjectStore>;
}

/** What the contract suite needs from one ObjectStore implementation. */
export interface StoreHarness {
  /** Makes a fresh, empty root. */
  freshRoot(): Promise<StoreRoot>;
  /** Opens a location that does not exist (must fail). */
  openMissing(): Promise<ObjectStore>;
  /** The StoreLocationError message expected from `openMissing`. */
  readonly missingMessage: RegExp;
}

const MiB = 1024 * 1024;
/** More than one 1000-key listing page. */
const MANY = 1234;

function byKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function all(iterable: AsyncIterable<ObjectEntry>): Promise<ObjectEntry[]> {
  const entries: ObjectEntry[] = [];
  for await (const entry of iterable) entries.push(entry);
  return entries;
}

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(Error);
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/** Writes `data` through `writer.stream` in uneven chunks, honouring backpressure; says whether it was applied. */
async function streamInto(writer: ObjectWriter, data: Buffer): Promise<{ backpressure: boolean }> {
  let backpressure = false;
  let offset = 0;
  let step = 0;
  while (offset < data.length) {
    const size = 1 + ((step * 7919 + 65_537) % (256 * 1024));
    step += 1;
    const ok = writer.stream.write(data.subarray(offset, offset + size));
    offset += size;
    if (!ok) {
      backpressure = true;
      await new Promise<void>((resolve, reject) => {
        const onDrain = () => {
          writer.stream.off('error', onError);
          resolve();
        };
        const onError = (error: Error) => {
          writer.stream.off('drain', onDrain);
          reject(error);
        };
        writer.stream.once('drain', onDrain);
        writer.stream.once('error', onError);
      });
    }
  }
  return { backpressure };
}

/**
 * The ObjectStore contract: every implementation (LocalStore, S3Store) must pass these. Call inside
 * a `describe`; `harness()` is read lazily so it can be built in a `before` hook.
 */
export function objectStoreContract(harness: () => StoreHarness): void {
  let root: StoreRoot;
  let store: ObjectStore;
  const opened: ObjectStore[] = [];

  async function open(sub?: string): Promise<ObjectStore> {
    const s = await root.open(sub);
    opened.push(s);
    return s;
  }

  beforeEach(async () => {
    root = await harness().freshRoot();
    store = await open();
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });

  describe('read and write', () => {
    it('round-trips UTF-8 text, binary and empty objects', async () => {
      const text = 'Zürich – 東京 🚀 "quoted", new\nline';
      const binary = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
      await store.write('t/text.txt', text, 'text/plain; charset=utf-8');
      await store.write('t/binary.bin', binary);
      await store.write('t/empty', new Uint8Array(0));
      expect((await store.read('t/text.txt')).toString('utf8')).to.equal(text);
      expect(Buffer.compare(await store.read('t/binary.bin'), binary)).to.equal(0);
      expect((await store.read('t/empty')).length).to.equal(0);
      expect((await readAll(await store.readStream('t/binary.bin'))).equals(binary)).to.equal(true);
    });

    it('reads size-capped: whole objects up to the cap, undefined above it, empty objects too', async () => {
      const cap = 1000;
      const atCap = randomBytes(cap);
      await store.write('c/small', 'tiny CDR');
      await store.write('c/at-cap', atCap);
      await store.write('c/over-by-one', randomBytes(cap + 1));
      await store.write('c/large', randomBytes(2 * MiB));
      await store.write('c/empty', new Uint8Array(0));
      expect((await store.readCapped('c/small', cap))?.toString()).to.equal('tiny CDR');
      expect((await store.readCapped('c/at-cap', cap))?.equals(atCap)).to.equal(true);
      expect(await store.readCapped('c/over-by-one', cap)).to.equal(undefined);
      expect(await store.readCapped('c/large', cap)).to.equal(undefined);
      expect((await store.readCapped('c/empty', cap))?.length).to.equal(0);
      expect(await rejection(store.readCapped('c/absent', cap))).to.be.instanceOf(ObjectNotFoundError);
    });

    it('overwrites an existing object', async () => {
      await store.write('k', 'first version, longer');
      await store.write('k', 'second');
      expect((await store.read('k')).toString()).to.equal('second');
    });

    it('throws ObjectNotFoundError for a missing key (read and readStream)', async () => {
      await store.write('present', 'x');
      expect(await rejection(store.read('absent'))).to.be.instanceOf(ObjectNotFoundError);
      expect(await rejection(store.readStream('no/such/key'))).to.be.instanceOf(ObjectNotFoundError);
      const error = (await rejection(store.read('absent'))) as ObjectNotFoundError;
      expect(error.key).to.equal('absent');
      expect(error.message).to.contain('absent').and.contain(store.location);
    });

    it('tells whether an object exists', async () => {
      await store.write('d/e/f', 'x');
      expect(await store.exists('d/e/f')).to.equal(true);
      expect(await store.exists('d/e/g')).to.equal(false);
      expect(await store.exists('d/e')).to.equal(false, 'a folder is not an object');
    });
  });

  describe('listing', () => {
    it('lists one folder: objects with sizes and sub-folders, sorted, keys relative to the root', async () => {
      await store.write('f/b.json', '12345');
      await store.write('f/a.json', '1');
      await store.write('f/sub2/x', 'x');
      await store.write('f/sub1/deeper/y', 'y');
      await store.write('g/other', 'z');
      const listing = await store.listFolder('f/');
      expect(listing.objects).to.deep.equal([
        { key: 'f/a.json', size: 1 },
        { key: 'f/b.json', size: 5 },
      ]);
      expect(listing.folders).to.deep.equal(['f/sub1/', 'f/sub2/']);
      const top = await store.listFolder('');
      expect(top.objects).to.deep.equal([]);
      expect(top.folders).to.deep.equal(['f/', 'g/']);
    });

    it('lists without sizes on request: same keys and folders, sizes exact or -1', async () => {
      await store.write('n/a', '1');
      await store.write('n/b', '22');
      await store.write('n/sub/c', '333');
      const listing = await store.listFolder('n/', { sizes: false });
      expect(listing.objects.map((e) => e.key)).to.deep.equal(['n/a', 'n/b']);
      const sizes: Record<string, number> = { 'n/a': 1, 'n/b': 2 };
      expect(listing.objects.every((e) => e.size === -1 || e.size === sizes[e.key])).to.equal(true);
      expect(listing.folders).to.deep.equal(['n/sub/']);
    });

    it('lists a missing folder as empty', async () => {
      expect(await store.listFolder('nothing/here/')).to.deep.equal({ objects: [], folders: [] });
      expect(await all(store.listAll('nothing/'))).to.deep.equal([]);
    });

    it('lists everything below a prefix, recursively, in key order', async () => {
      const keys = ['b', 'a/c', 'a/1', 'a/b/2', 'c/d/e', 'a/b/0/z', 'ab/q'];
      for (const key of keys) await store.write(key, key);
      const listed = await all(store.listAll(''));
      expect(listed.map((e) => e.key)).to.deep.equal([...keys].sort(byKey));
      expect(listed.find((e) => e.key === 'a/b/0/z')?.size).to.equal('a/b/0/z'.length);
      expect((await all(store.listAll('a/'))).map((e) => e.key)).to.deep.equal(['a/1', 'a/b/0/z', 'a/b/2', 'a/c']);
    });

    describe(`with more than one listing page (${MANY} objects)`, () => {
      // One populated root for the whole group: writing it is the slow part.
      let big: ObjectStore;
      const keys = Array.from({ length: MANY }, (_, i) => `big/k${String(i).padStart(5, '0')}`);
      const folderKeys = ['big/k00100a/x', 'big/k00999a/y', 'big/k01100a/z/deep'];

      before(async () => {
        const bigRoot = await harness().freshRoot();
        big = await bigRoot.open();
        await mapLimit([...keys, ...folderKeys], 32, (key) => big.write(key, key));
        await big.write('outside', 'not under big/');
      });

      after(async () => {
        await big?.close();
      });

      it('listFolder returns every object and folder exactly once', async () => {
        const listing = await big.listFolder('big/');
        expect(listing.objects.map((e) => e.key)).to.deep.equal(keys);
        expect(listing.objects.every((e) => e.size === e.key.length)).to.equal(true);
        expect(listing.folders).to.deep.equal(['big/k00100a/', 'big/k00999a/', 'big/k01100a/']);
      });

      it('listAll returns every object exactly once, in key order', async () => {
        const listed = (await all(big.listAll('big/'))).map((e) => e.key);
        expect(listed).to.deep.equal([...keys, ...folderKeys].sort(byKey));
        expect((await all(big.listAll(''))).length).to.equal(MANY + folderKeys.length + 1);
      });

      it('deletes many objects (more than one delete batch), ignoring missing ones', async () => {
        await big.delete([...keys, 'big/never-existed', ...folderKeys]);
        expect(await all(big.listAll('big/'))).to.deep.equal([]);
        // Only objects: LocalStore keeps emptied directories, which list as (empty) folders.
        expect((await big.listFolder('big/')).objects).to.deep.equal([]);
        expect(await big.exists('outside')).to.equal(true);
      });
    });
  });

  describe('delete', () => {
    it('deletes the given objects only; an empty list is a no-op', async () => {
      await store.write('x/1', '1');
      await store.write('x/2', '2');
      await store.write('x/3', '3');
      await store.delete([]);
      await store.delete(['x/1', 'x/3', 'x/missing']);
      expect((await all(store.listAll(''))).map((e) => e.key)).to.deep.equal(['x/2']);
      await rejection(store.read('x/1'));
    });
  });

  describe('streaming writer', () => {
    it('streams a multi-megabyte object (multipart on S3) byte-identically, with backpressure', async function () {
      this.timeout(120_000);
      const data = randomBytes(12 * MiB + 12_345);
      const writer = store.openWriter('out/report.csv', 'text/csv');
      const { backpressure } = await streamInto(writer, data);
      expect(backpressure).to.equal(true, 'the writer must push back instead of buffering the whole object');
      await writer.done();
      const back = await store.read('out/report.csv');
      expect(back.length).to.equal(data.length);
      expect(sha256(back)).to.equal(sha256(data));
      expect(sha256(await readAll(await store.readStream('out/report.csv')))).to.equal(sha256(data));
      expect((await store.listFolder('out/')).objects).to.deep.equal([{ key: 'out/report.csv', size: data.length }]);
    });

    it('streams small and empty objects', async () => {
      const small = store.openWriter('s/small');
      small.stream.write('hello, ');
      small.stream.write(Buffer.from('wörld'));
      await small.done();
      const empty = store.openWriter('s/empty');
      await empty.done();
      expect((await store.read('s/small')).toString()).to.equal('hello, wörld');
      expect((await store.read('s/empty')).length).to.equal(0);
    });

    it('makes the object visible only once done() resolves', async () => {
      const writer = store.openWriter('v/obj');
      await streamInto(writer, randomBytes(MiB));
      expect(await store.exists('v/obj')).to.equal(false);
      expect(await all(store.listAll(''))).to.deep.equal([]);
      await writer.done();
      expect(await store.exists('v/obj')).to.equal(true);
    });

    for (const size of [100, 7 * MiB]) {
      it(`abort after ${size} bytes leaves nothing behind`, async function () {
        this.timeout(60_000);
        const writer = store.openWriter('a/aborted');
        await streamInto(writer, randomBytes(size));
        await writer.abort();
        expect(await store.exists('a/aborted')).to.equal(false);
        expect(await all(store.listAll(''))).to.deep.equal([]);
      });
    }

    it('an aborted write does not disturb an existing object of the same key', async () => {
      await store.write('keep', 'original');
      const writer = store.openWriter('keep');
      writer.stream.write('replacement that never lands');
      await writer.abort();
      expect((await store.read('keep')).toString()).to.equal('original');
    });
  });

  describe('rooted at a prefix', () => {
    it('never sees keys outside its prefix', async () => {
      await store.write('p/x', 'x');
      await store.write('p/sub/y', 'y');
      await store.write('pq/z', 'sibling with the same leading characters');
      await store.write('other', 'o');
      const rooted = await open('p');
      expect((await all(rooted.listAll(''))).map((e) => e.key)).to.deep.equal(['sub/y', 'x']);
      expect(await rooted.listFolder('')).to.deep.equal({ objects: [{ key: 'x', size: 1 }], folders: ['sub/'] });
      expect((await rooted.read('x')).toString()).to.equal('x');
      expect((await rooted.readCapped('x', 10))?.toString()).to.equal('x');
      expect(await rooted.exists('x')).to.equal(true);
      expect(await rooted.exists('other')).to.equal(false);
      expect(await rooted.exists('pq/z')).to.equal(false);
      expect(await rejection(rooted.read('other'))).to.be.instanceOf(ObjectNotFoundError);
    });

    it('writes and deletes below its prefix', async () => {
      const rooted = await open('p');
      await rooted.write('w', 'written through the rooted store');
      const writer = rooted.openWriter('s/streamed');
      writer.stream.end('streamed');
      await writer.done();
      expect((await store.read('p/w')).toString()).to.equal('written through the rooted store');
      expect((await store.read('p/s/streamed')).toString()).to.equal('streamed');
      await store.write('w', 'outside the prefix');
      await rooted.delete(['w']);
      expect(await store.exists('p/w')).to.equal(false);
      expect((await store.read('w')).toString()).to.equal('outside the prefix');
    });
  });

  describe('opening', () => {
    it('fails with a clear StoreLocationError when the location does not exist', async () => {
      const error = await rejection(harness().openMissing());
      expect(error).to.be.instanceOf(StoreLocationError);
      expect(error.message).to.match(harness().missingMessage);
    });
  });
}
