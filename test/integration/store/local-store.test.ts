import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { LocalStore } from '../../../job/store/local';
import { ObjectNotFoundError, StoreLocationError } from '../../../job/store/object-store';
import { openStore } from '../../../job/store/open';
import { objectStoreContract, type StoreHarness } from './object-store.contract';

describe('LocalStore (ObjectStore contract)', () => {
  let base: string;
  let roots = 0;

  before(async () => {
    base = await mkdtemp(path.join(tmpdir(), 'local-store-'));
  });

  after(async () => {
    await rm(base, { recursive: true, force: true });
  });

  objectStoreContract(
    (): StoreHarness => ({
      async freshRoot() {
        roots += 1;
        const dir = path.join(base, `root-${roots}`);
        return { open: (sub) => openStore(sub ? path.join(dir, sub) : dir, { create: true }) };
      },
      openMissing: () => openStore(path.join(base, 'does-not-exist')),
      missingMessage: /^folder not found: .*does-not-exist$/,
    }),
  );
});

describe('LocalStore batch reads (readManyCapped)', () => {
  let dir: string;
  const cap = 1000;
  const files = new Map<string, Buffer>();

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'local-batch-'));
    const sizes = [0, 1, 17, cap - 1, cap, cap + 1, 5 * cap];
    for (let i = 0; i < 150; i++) {
      const size = sizes[i % sizes.length] as number;
      // Multi-byte UTF-8 and arbitrary bytes: the batch must hand back exactly what is on disk.
      const body = i % 2 === 0 ? randomBytes(size) : Buffer.from('Zürich 東京 '.repeat(size)).subarray(0, size);
      const key = `cdrs/2025/03/0${1 + (i % 3)}/${String(i).padStart(3, '0')}.json`;
      files.set(key, body);
      await mkdir(path.dirname(path.join(dir, key)), { recursive: true });
      await writeFile(path.join(dir, key), body);
    }
    await mkdir(path.join(dir, 'cdrs/a-folder'), { recursive: true });
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const readThread of [true, false]) {
    describe(readThread ? 'on the reader thread' : 'in the calling thread', () => {
      let store: LocalStore;
      beforeEach(async () => {
        store = await LocalStore.open(dir, { readThread });
      });
      afterEach(async () => {
        await store.close();
      });

      it('returns every file as readCapped would, in order, undefined above the cap', async () => {
        const keys = [...files.keys()];
        for (const batch of [keys, keys.slice(0, 5), []]) {
          const bodies = await store.readManyCapped(batch, cap);
          expect(bodies).to.have.length(batch.length);
          batch.forEach((key, i) => {
            const expected = files.get(key) as Buffer;
            const body = bodies[i];
            if (expected.length > cap) expect(body, key).to.equal(undefined);
            else expect(body?.equals(expected), key).to.equal(true);
          });
        }
        const expectedBytes = keys.reduce((sum, key) => {
          const size = (files.get(key) as Buffer).length;
          return sum + (size > cap ? 0 : size);
        }, 0);
        expect(store.stats().bytesIn).to.equal(expectedBytes + sumOf(keys.slice(0, 5)));
      });

      it('fails with ObjectNotFoundError naming the missing key, and on a folder with its error code', async () => {
        const keys = [...files.keys()];
        const missing = [...keys.slice(0, 70), 'cdrs/2025/03/09/gone.json', ...keys.slice(70)];
        const error = await store.readManyCapped(missing, cap).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).to.be.instanceOf(ObjectNotFoundError);
        expect((error as ObjectNotFoundError).key).to.equal('cdrs/2025/03/09/gone.json');
        const folder = await store.readManyCapped([...keys.slice(0, 70), 'cdrs/a-folder'], cap).then(
          () => undefined,
          (e: unknown) => e as NodeJS.ErrnoException,
        );
        expect(folder?.code).to.equal('EISDIR');
      });

      it('refuses a key that escapes the root before reading anything', async () => {
        const before = store.stats().bytesIn;
        const error = await store.readManyCapped(['cdrs/../../etc/passwd'], cap).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).to.be.instanceOf(StoreLocationError);
        expect(store.stats().bytesIn).to.equal(before);
      });
    });
  }

  function sumOf(keys: readonly string[]): number {
    return keys.reduce((sum, key) => {
      const size = (files.get(key) as Buffer).length;
      return sum + (size > cap ? 0 : size);
    }, 0);
  }
});
