/**
 * The container image, without Docker: install the production dependency set alone into a scratch
 * folder holding exactly what the Dockerfile's runtime stage copies, and run the built CLI from it
 * on a tiny generated tree, as the image's entrypoint would.
 */

import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';

const ROOT = path.resolve(__dirname, '..', '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** One `COPY` of the Dockerfile's last stage: source (in the repo, or the build stage's output) → target. */
interface CopyStep {
  readonly from: 'context' | 'build';
  readonly sources: readonly string[];
}

/** The COPY instructions of the Dockerfile's final stage. */
function runtimeCopies(dockerfile: string): CopyStep[] {
  const stages = dockerfile.split(/^FROM /m);
  const last = stages[stages.length - 1] ?? '';
  const steps: CopyStep[] = [];
  for (const line of last.split('\n')) {
    const match = /^COPY\s+(--from=\S+\s+)?(.+)$/.exec(line.trim());
    if (!match) continue;
    const parts = (match[2] ?? '').split(/\s+/);
    parts.pop(); // destination
    steps.push({ from: match[1] ? 'build' : 'context', sources: parts });
  }
  return steps;
}

function run(command: string, args: string[], cwd: string, timeout = 300_000): SpawnSyncReturns<string> {
  return spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout,
    env: { ...process.env, NODE_ENV: 'production', npm_config_fund: 'false', npm_config_audit: 'false' },
  });
}

function describeFailure(r: SpawnSyncReturns<string>): string {
  return `exit ${r.status}${r.error ? ` (${r.error.message})` : ''}\n${r.stdout}\n${r.stderr}`;
}

describe('infra: production install (what the image runs)', function () {
  this.timeout(600_000);
  let app: string;
  let data: string;

  before(() => {
    // The image's build stage: compile the TypeScript in the source tree.
    const build = run(NPM, ['run', 'build'], ROOT);
    expect(build.status, describeFailure(build)).to.equal(0);
    expect(
      existsSync(path.join(ROOT, 'dist', 'job', 'cli', 'program.js')),
      'dist/job/cli/program.js after npm run build',
    ).to.equal(true);

    const scratch = mkdtempSync(path.join(tmpdir(), 'cdr-summary-image-'));
    app = path.join(scratch, 'app');
    data = path.join(scratch, 'data');
    // The runtime stage: copy what it copies, then install production dependencies only.
    for (const step of runtimeCopies(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'))) {
      for (const source of step.sources) {
        const relative = step.from === 'build' ? source.replace(/^\/src\//, '') : source;
        cpSync(path.join(ROOT, relative), path.join(app, relative), { recursive: true });
      }
    }
    const install = run(NPM, ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline'], app);
    expect(install.status, describeFailure(install)).to.equal(0);
  });

  after(() => {
    if (app) rmSync(path.dirname(app), { recursive: true, force: true });
  });

  it('copies only package files, bin/, data/ and the built dist/ into the image', () => {
    const steps = runtimeCopies(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'));
    const sources = steps.flatMap((s) => s.sources.map((x) => `${s.from}:${x}`));
    expect(sources).to.have.members([
      'context:package.json',
      'context:package-lock.json',
      'build:/src/dist/',
      'context:bin/',
      'context:data/',
    ]);
  });

  it('has no development dependency installed', () => {
    for (const dev of ['typescript', 'mocha', 'tsx', '@biomejs/biome', 'esbuild', 's3rver', '@duckdb/node-api']) {
      expect(existsSync(path.join(app, 'node_modules', dev)), dev).to.equal(false);
    }
  });

  it('runs `cdr-summary generate` then `run` on a tiny tree and writes the manifest', () => {
    const cli = path.join(app, 'bin', 'cdr-summary.js');
    const generate = run(
      process.execPath,
      [cli, 'generate', '--out', data, '--calls', '40', '--days', '2', '--connectors', '2', '--end', '2026-01-31'],
      app,
    );
    expect(generate.status, describeFailure(generate)).to.equal(0);
    const prices = path.join(data, 'prices', 'AmazonChimeVoiceConnector-offer.json');
    expect(existsSync(prices), 'generated price file').to.equal(true);

    const summarize = run(
      process.execPath,
      [cli, 'run', '--source', data, '--prices', prices, '--frequency', 'Daily', '--end', '2026-01-31', '--quiet'],
      app,
    );
    expect(summarize.status, describeFailure(summarize)).to.equal(0);
    const manifestPath = path.join(
      data,
      'Amazon-Chime-Voice-Connector-Summary',
      'csv',
      'Daily',
      '2026',
      '01',
      '31',
      'manifest.json',
    );
    expect(existsSync(manifestPath), 'manifest.json').to.equal(true);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
    expect(manifest.frequency).to.equal('Daily');
    expect(manifest.periodEnd).to.match(/^2026-01-31/);
    expect(Number(manifest.recordsRated)).to.be.greaterThan(0);
  });
});
