import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { CONTAINER_USER, SCRATCH_PATH } from '../../infra/constructs/batch';

const ROOT = path.resolve(__dirname, '..', '..');

/** Instructions of the Dockerfile (continuations joined, comments dropped), by stage. */
function stages(text: string): string[][] {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const result: string[][] = [];
  for (const line of lines) {
    if (/^FROM\s/i.test(line)) result.push([line]);
    else result[result.length - 1]?.push(line);
  }
  return result;
}

describe('infra: Dockerfile', () => {
  const text = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  const all = stages(text);
  const runtime = all[all.length - 1] ?? [];

  it('is multi-stage on a pinned Node.js 22 slim image', () => {
    expect(all.length).to.be.at.least(2);
    const version = /^ARG NODE_VERSION=(\S+)$/m.exec(text)?.[1];
    expect(version).to.match(/^22\.\d+\.\d+$/);
    for (const stage of all) expect(stage[0]).to.match(/^FROM node:\$\{NODE_VERSION\}-bookworm-slim AS \w+$/);
  });

  it('builds with dev dependencies, and runs with production dependencies only', () => {
    const build = all[0] ?? [];
    expect(build.some((l) => /^RUN npm ci\b/.test(l) && !l.includes('--omit=dev'))).to.equal(true);
    expect(build.some((l) => /^RUN npm run build\b/.test(l))).to.equal(true);
    expect(runtime.some((l) => /^RUN npm ci\b.*--omit=dev/.test(l))).to.equal(true);
    expect(runtime.some((l) => /npm (install|i)\b/.test(l))).to.equal(false);
    expect(runtime.some((l) => /^COPY --from=build \/src\/dist\/ dist\/$/.test(l))).to.equal(true);
    expect(runtime.some((l) => /^COPY (job|test|infra)\//.test(l))).to.equal(false);
  });

  it('runs as the non-root user of the job definition, with cdr-summary as entrypoint and run as command', () => {
    const users = runtime.filter((l) => l.startsWith('USER '));
    expect(users[users.length - 1]).to.equal(`USER ${CONTAINER_USER}`);
    expect(CONTAINER_USER).to.not.match(/^0(:|$)/);
    expect(runtime).to.include('ENTRYPOINT ["node", "/app/bin/cdr-summary.js"]');
    expect(runtime[runtime.length - 1]).to.equal('CMD ["run"]');
  });

  it('prepares the scratch volume the job definition mounts, owned by that user', () => {
    expect(runtime).to.include(`VOLUME ["${SCRATCH_PATH}"]`);
    expect(runtime.some((l) => l.includes(`chown ${CONTAINER_USER} ${SCRATCH_PATH}`))).to.equal(true);
  });

  it('keeps the build context small', () => {
    const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['node_modules', 'dist', 'cdktf.out', '.git']) expect(ignored).to.include(entry);
  });
});
