import { expect } from 'chai';
import type { CalendarDate } from '../../../job/core/period';
import { schemaFor } from '../../../job/core/schema';
import { type CrawlPlan, crawl, LIST_AHEAD_OBJECTS, LIST_CONCURRENCY } from '../../../job/pipeline/crawl';
import type { FolderListing, ObjectStore } from '../../../job/store/object-store';

const schema = schemaFor('AmazonChimeVoiceConnector');

/** A store whose day folders each hold `perFolder` objects; records when each listing starts. */
function folderStore(perFolder: number) {
  const started: string[] = [];
  const store = {
    location: 'memory',
    async listFolder(prefix: string): Promise<FolderListing> {
      started.push(prefix);
      await new Promise((resolve) => setImmediate(resolve));
      const objects = Array.from({ length: perFolder }, (_, i) => ({
        key: `${prefix}${String(i).padStart(6, '0')}`,
        size: -1,
      }));
      return { objects, folders: [] };
    },
  } as unknown as ObjectStore;
  return { store, started };
}

function plan(folders: number): CrawlPlan {
  const date: CalendarDate = { year: 2025, month: 3, day: 1 };
  const partitions = Array.from({ length: folders }, (_, i) => `vc${String(i).padStart(3, '0')}`);
  return { partitions, folders: partitions.map((partitionId) => ({ date, partitionId })) };
}

describe('crawl', () => {
  it('yields every object of every folder once, folder by folder, in key order', async () => {
    const { store } = folderStore(3);
    const keys: string[] = [];
    for await (const object of crawl(store, schema, plan(4))) keys.push(object.key);
    expect(keys).to.have.length(12);
    expect(keys[0]).to.match(/vc000\/2025\/03\/01\/000000$/);
    expect(keys[11]).to.match(/vc003\/2025\/03\/01\/000002$/);
    expect([...keys].sort()).to.deep.equal(keys);
  });

  it('lists up to LIST_CONCURRENCY small folders ahead, fewer as folders grow (memory stays bounded)', async () => {
    expect(LIST_CONCURRENCY).to.equal(32);
    for (const [perFolder, expectedAhead, folders] of [
      [10, LIST_CONCURRENCY, LIST_CONCURRENCY + 20],
      [LIST_AHEAD_OBJECTS / 4, 3, 20],
      [LIST_AHEAD_OBJECTS, 1, 20],
      [5 * LIST_AHEAD_OBJECTS, 1, 20],
    ] as const) {
      const { store, started } = folderStore(perFolder);
      let maxAhead = 0;
      let consumedFolders = 0;
      let previous = '';
      for await (const object of crawl(store, schema, plan(folders))) {
        const folder = object.key.slice(0, object.key.lastIndexOf('/') + 1);
        if (folder !== previous) {
          consumedFolders++;
          previous = folder;
        }
        maxAhead = Math.max(maxAhead, started.length - consumedFolders);
      }
      expect(started).to.have.length(folders);
      expect(maxAhead, `${perFolder} objects per folder`).to.equal(expectedAhead);
    }
  });
});
