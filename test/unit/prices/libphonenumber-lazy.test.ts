import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';

const ROOT = path.resolve(__dirname, '../../..');

/** Runs `body` in a fresh Node process with the TypeScript sources loadable; returns what it printed. */
function inFreshProcess(body: string): string {
  const result = spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', body], { cwd: ROOT, encoding: 'utf8' });
  expect(result.status, result.stderr).to.equal(0);
  return result.stdout.trim();
}

const LOADED = `Object.keys(require.cache).some((k) => k.includes('google-libphonenumber'))`;

describe('libphonenumber is loaded only when a call needs it', () => {
  it('the whole CLI loads without it (~10 MiB and ~18 ms a process and thread); classifying a number loads it', () => {
    const printed = inFreshProcess(`
      require('./job/cli/program');
      require('./job/pipeline/chunk');
      require('./job/prices/rate-table-impl');
      const before = ${LOADED};
      const kind = require('./job/prices/number-kind').numberKind('+18005550100');
      process.stdout.write(JSON.stringify({ before, kind, after: ${LOADED} }));
    `);
    expect(JSON.parse(printed)).to.deep.equal({ before: false, kind: 'toll-free', after: true });
  });
});
