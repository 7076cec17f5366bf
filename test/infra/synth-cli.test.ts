import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

/** Runs the CDKTF app like `npm run synth`, with only `env` (plus PATH/HOME) in its environment. */
function runApp(env: Record<string, string>, outdir: string) {
  const result = spawnSync(TSX, [path.join(ROOT, 'infra', 'main.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), CDKTF_OUTDIR: outdir, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('infra: the app as `npm run synth` runs it', () => {
  let outdir: string;
  before(() => {
    outdir = mkdtempSync(path.join(tmpdir(), 'cdktf-out-'));
  });
  after(() => rmSync(outdir, { recursive: true, force: true }));

  it('synthesizes offline with no configuration, warning about the example bucket', () => {
    const r = runApp({}, outdir);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.include('CDR_BUCKET is not set');
    const file = path.join(outdir, 'stacks', 'chime-vc-daily', 'cdk.tf.json');
    expect(existsSync(file)).to.equal(true);
    const json = JSON.parse(readFileSync(file, 'utf8')) as {
      data: { aws_s3_bucket: Record<string, { bucket: string }> };
    };
    expect(Object.values(json.data.aws_s3_bucket)[0]?.bucket).to.equal('example-chime-cdr-bucket');
  });

  it('synthesizes a configured Business Calling / Monthly stack under its own name', () => {
    const r = runApp(
      { CDR_BUCKET: 'acme-cdrs', SERVICE_NAME: 'AmazonChimeBusinessCalling', JOB_FREQUENCY: 'Monthly' },
      outdir,
    );
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.not.include('CDR_BUCKET is not set');
    expect(existsSync(path.join(outdir, 'stacks', 'chime-bc-monthly', 'cdk.tf.json'))).to.equal(true);
  });

  it('warns when tasks without a public IP have no VPC endpoints (a NAT gateway is then required)', () => {
    const privateNet = { CDR_BUCKET: 'acme-cdrs', VPC_ID: 'vpc-0abc', SUBNET_IDS: 'subnet-0a' };
    const warned = runApp(privateNet, outdir);
    expect(warned.status, warned.stderr).to.equal(0);
    expect(warned.stderr).to.match(/tasks get no public IP: .*VPC_ENDPOINTS=create\|existing/);
    const quiet = runApp({ ...privateNet, VPC_ENDPOINTS: 'create' }, outdir);
    expect(quiet.status, quiet.stderr).to.equal(0);
    expect(quiet.stderr).to.not.include('no public IP');
  });

  it('stops before synthesizing, with one line per bad variable', () => {
    const r = runApp({ SERVICE_NAME: 'Chime', JOB_VCPU: '1', JOB_MEMORY: '512' }, path.join(outdir, 'bad'));
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/SERVICE_NAME: "Chime" is not one of/);
    expect(r.stderr).to.match(/JOB_MEMORY: "512" MiB is not valid with 1 vCPU/);
    expect(existsSync(path.join(outdir, 'bad'))).to.equal(false);
  });
});
