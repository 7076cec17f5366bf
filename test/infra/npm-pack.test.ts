/**
 * The package as `npm pack` makes it: installed into an empty folder from the tarball alone, its
 * `cdr-summary` command answers --help and runs the demo on the bundled sample and prices.
 */

import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';

const ROOT = path.resolve(__dirname, '..', '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' },
  });
}

function failure(r: SpawnSyncReturns<string>): string {
  return `exit ${r.status}${r.error ? ` (${r.error.message})` : ''}\n${r.stdout}\n${r.stderr}`;
}

describe('infra: npm pack → install in an empty folder', function () {
  this.timeout(600_000);
  let scratch: string;
  let app: string;

  before(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'cdr-summary-pack-'));
    const pack = run(NPM, ['pack', '--pack-destination', scratch, '--json'], ROOT);
    expect(pack.status, failure(pack)).to.equal(0);
    const [packed] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as {
      filename: string;
      files: { path: string }[];
    }[];
    if (!packed) throw new Error('npm pack reported no package');
    const files = packed.files.map((f) => f.path);
    expect(files).to.include.members(['bin/cdr-summary.js', 'dist/job/main.js', 'package.json', 'README.md']);
    expect(
      files.filter((f) => /^(test|infra|job)\//.test(f)),
      'sources and tests stay out',
    ).to.deep.equal([]);
    app = path.join(scratch, 'app');
    run('mkdir', ['-p', app], scratch);
    writeFileSync(path.join(app, 'package.json'), '{ "name": "pack-probe", "private": true }\n');
    const install = run(NPM, ['install', '--omit=dev', path.join(scratch, packed.filename)], app);
    expect(install.status, failure(install)).to.equal(0);
  });

  after(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('answers npx cdr-summary --help', () => {
    const help = run(NPM, ['exec', '--', 'cdr-summary', '--help'], app);
    expect(help.status, failure(help)).to.equal(0);
    expect(help.stdout)
      .to.match(/Usage: cdr-summary/)
      .and.match(/\brun\b/)
      .and.match(/\bdemo\b/);
  });

  it('runs the demo from the installed package', () => {
    const out = path.join(scratch, 'demo');
    const demo = run(NPM, ['exec', '--', 'cdr-summary', 'demo', '--calls', '300', '--out', out], app);
    expect(demo.status, failure(demo)).to.equal(0);
    const reports = path.join(out, 'Amazon-Chime-Voice-Connector-Summary', 'csv');
    expect(existsSync(reports), `${reports}\n${demo.stdout}`).to.equal(true);
    expect(readdirSync(path.join(out, 'Amazon-Chime-Voice-Connector-Summary', 'parquet'))).to.not.be.empty;
  });
});
