import { expect } from 'chai';
import { readJsonIfPresent } from '../../../job/store/read-json';
import { MemoryStore } from '../../support/memory-store';

describe('readJsonIfPresent', () => {
  it('gives the document, or undefined when it is missing or not JSON; other failures are thrown', async () => {
    const store = new MemoryStore();
    await store.write('a.json', Buffer.from('{"x":1}'));
    await store.write('cut.json', Buffer.from('{"x":'));
    expect(await readJsonIfPresent(store, 'a.json')).to.deep.equal({ x: 1 });
    expect(await readJsonIfPresent(store, 'cut.json')).to.equal(undefined);
    expect(await readJsonIfPresent(store, 'missing.json')).to.equal(undefined);
    const failing = Object.assign(Object.create(store) as MemoryStore, {
      read: () => Promise.reject(new Error('connection reset')),
    });
    let thrown: unknown;
    await readJsonIfPresent(failing, 'a.json').catch((error: unknown) => {
      thrown = error;
    });
    expect(thrown).to.be.instanceOf(Error).with.property('message', 'connection reset');
  });
});
