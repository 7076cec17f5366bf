import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
