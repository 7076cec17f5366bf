import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { expect } from 'chai';
import { loadConfig } from '../../infra/config';
import { CdrSummaryStack } from '../../infra/stack';
import { BASE_ENV, onlyResource, str, type TerraformJson } from './synth';

/** File names in a zip archive, read from its central directory. */
function zipEntries(zip: Buffer): string[] {
  const signature = Buffer.from([0x50, 0x4b, 0x01, 0x02]); // central directory file header
  const names: string[] = [];
  for (let at = zip.indexOf(signature); at >= 0 && at + 46 <= zip.length; at = zip.indexOf(signature, at + 4)) {
    const nameLength = zip.readUInt16LE(at + 28);
    names.push(zip.subarray(at + 46, at + 46 + nameLength).toString('utf8'));
  }
  return names;
}

describe('infra: the scheduler Lambda package (full synth)', () => {
  let bundleDir: string;
  let outdir: string;

  before(() => {
    // A stand-in bundle, so the test does not depend on `npm run build` having run.
    bundleDir = mkdtempSync(path.join(tmpdir(), 'scheduler-bundle-'));
    writeFileSync(path.join(bundleDir, 'index.js'), 'exports.handler = async () => ({ ok: true });\n');
  });
  after(() => {
    rmSync(bundleDir, { recursive: true, force: true });
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  it('archives the bundle folder with index.js at the root of the zip the function points to', () => {
    const config = loadConfig({ ...BASE_ENV, SCHEDULER_BUNDLE_DIR: bundleDir });
    const stack = new CdrSummaryStack(Testing.app(), config.namePrefix, config);
    expect(stack.scheduler.bundleIsPlaceholder).to.equal(false);
    outdir = Testing.fullSynth(stack);
    const stackDir = path.join(outdir, 'stacks', config.namePrefix);
    const json = JSON.parse(readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')) as TerraformJson;
    const archive = path.join(stackDir, str(onlyResource(json, 'aws_lambda_function'), 'filename'));
    expect(existsSync(archive), archive).to.equal(true);
    expect(zipEntries(readFileSync(archive))).to.deep.equal(['index.js']);
  });
});
