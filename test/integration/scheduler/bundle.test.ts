/**
 * Black box: the esbuild bundle `dist/scheduler/index.js`, copied alone into an empty folder (as a
 * Lambda deployment package holds it, no node_modules), is required by a child `node` process that
 * calls `handler(event)` with the Lambda's environment variables, against the local AWS endpoint and
 * s3rver.
 */

import { execFileSync, spawn } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { parseSnapshot } from '../../../job/prices/snapshot';
import { AwsEndpoint } from '../../support/aws-endpoint';
import { type S3rver, startS3rver } from '../../support/s3rver';
import { bucketKeys, emptyBucket } from '../../support/scheduler-env';
import {
  batchIdle,
  batchRunning,
  FIRST_VERSION,
  historicPricing,
  NEW_JOB_ID,
  RUNNING_JOB_ID,
  SECOND_VERSION,
} from '../../support/scheduler-scenario';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BUCKET = 'cdr-bucket-blackbox';

/** What the child process reports. */
interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly result?: Record<string, unknown>;
  readonly error?: { name: string; message: string };
}

const RUNNER = `
const fs = require('node:fs');
const [bundle, eventJson, outFile] = process.argv.slice(1);
require(bundle).handler(JSON.parse(eventJson)).then(
  (result) => fs.writeFileSync(outFile, JSON.stringify({ result })),
  (error) => {
    fs.writeFileSync(outFile, JSON.stringify({ error: { name: error.name, message: error.message } }));
    process.exitCode = 1;
  },
);
`;

function yesterdayUtc(): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

describe('scheduler bundle as a black box (child node process, Lambda environment)', function () {
  this.timeout(120_000);
  let s3: S3rver;
  let endpoint: AwsEndpoint;
  let dir: string;
  let bundle: string;

  async function invoke(event: unknown, extraEnv: Record<string, string> = {}): Promise<Outcome> {
    const outFile = path.join(dir, `out-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      ...s3.env,
      ...endpoint.env,
      AWS_EC2_METADATA_DISABLED: 'true',
      CDR_BUCKET: BUCKET,
      SERVICE_NAME: 'AmazonChimeVoiceConnector',
      JOB_FREQUENCY: 'Weekly',
      JOB_QUEUE: 'cdr-summary-queue',
      JOB_DEFINITION: 'arn:aws:batch:us-east-1:123456789012:job-definition/cdr-summary:3',
      ...extraEnv,
    };
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', RUNNER, bundle, JSON.stringify(event), outFile], {
        cwd: dir,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
      });
      child.on('error', reject);
      child.on('close', (code) => {
        readFile(outFile, 'utf8')
          .then((text) => resolve({ code, stdout, stderr, ...(JSON.parse(text) as object) }))
          .catch(() => resolve({ code, stdout, stderr }));
      });
    });
  }

  function logLines(stdout: string): Record<string, unknown>[] {
    return stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  before(async () => {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-scheduler.js')], { cwd: ROOT, stdio: 'pipe' });
    dir = await mkdtemp(path.join(os.tmpdir(), 'scheduler-bundle-'));
    bundle = path.join(dir, 'index.js');
    await copyFile(path.join(ROOT, 'dist', 'scheduler', 'index.js'), bundle);
    s3 = await startS3rver();
    await s3.createBucket(BUCKET);
    endpoint = await AwsEndpoint.start();
  });

  after(async () => {
    await endpoint?.close();
    await s3?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    endpoint.reset();
    await emptyBucket(s3.client, BUCKET);
  });

  it("the original's manual event → Monthly 2020-01-01…2020-01-31: snapshot stored, then one SubmitJob; pino log", async () => {
    historicPricing(endpoint);
    let keysAtSubmit: string[] = [];
    batchIdle(endpoint, async () => {
      keysAtSubmit = await bucketKeys(s3.client, BUCKET);
    });
    const out = await invoke({ year: '2020', month: '1', day: '31', job_frequency: 'Monthly' });
    expect(out.error, out.stderr).to.equal(undefined);
    expect(out.code).to.equal(0);
    const snapshotKey = 'Amazon-Chime-Voice-Connector-Pricing/snapshots/2020-01-01_2020-01-31.json';
    expect(out.result).to.deep.equal({
      jobId: NEW_JOB_ID,
      jobName: 'cdr-summary-AmazonChimeVoiceConnector-Monthly-2020-01-31',
      period: { frequency: 'Monthly', start: '2020-01-01', end: '2020-01-31' },
      priceSnapshot: `s3://${BUCKET}/${snapshotKey}`,
      existing: false,
      status: 'SUBMITTED',
    });
    const ops = endpoint.ops();
    expect(ops[0]).to.equal('ListJobs');
    expect(ops.slice(-2)).to.deep.equal(['ListJobs', 'SubmitJob']);
    expect(ops.filter((op) => op === 'SubmitJob')).to.have.length(1);
    expect(keysAtSubmit).to.include(snapshotKey);
    const submit = endpoint.calls('SubmitJob')[0]?.body as Record<string, unknown>;
    expect(submit.jobDefinition).to.equal('arn:aws:batch:us-east-1:123456789012:job-definition/cdr-summary:3');
    expect((submit.containerOverrides as { command: string[] }).command).to.deep.equal([
      'run',
      '--source',
      `s3://${BUCKET}`,
      '--prices',
      `s3://${BUCKET}/${snapshotKey}`,
      '--frequency',
      'Monthly',
      '--end',
      '2020-01-31',
      '--service',
      'AmazonChimeVoiceConnector',
    ]);
    const object = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: snapshotKey }));
    const snapshot = parseSnapshot(await (object.Body as { transformToString(): Promise<string> }).transformToString());
    expect(snapshot.versions.map((v) => v.id)).to.deep.equal([FIRST_VERSION, SECOND_VERSION]);
    const submitted = logLines(out.stdout).find((line) => line.msg === 'job submitted');
    expect(submitted, out.stdout).to.include({ jobId: NEW_JOB_ID, priceSnapshot: `s3://${BUCKET}/${snapshotKey}` });
    expect(submitted?.level, 'level by name').to.equal('info');
    expect(String(submitted?.time), 'ISO 8601 UTC time').to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('a scheduled event {} → the period ending yesterday at JOB_FREQUENCY', async () => {
    historicPricing(endpoint);
    batchIdle(endpoint);
    const out = await invoke({});
    expect(out.error, out.stderr).to.equal(undefined);
    const end = yesterdayUtc();
    const period = (out.result?.period ?? {}) as { end?: string; frequency?: string };
    expect(period.end).to.equal(end);
    expect(period.frequency).to.equal('Weekly');
    expect(out.result?.jobName).to.equal(`cdr-summary-AmazonChimeVoiceConnector-Weekly-${end}`);
  });

  it('a job of that name still active → returned, nothing submitted or stored', async () => {
    historicPricing(endpoint);
    batchRunning(endpoint, 'cdr-summary-AmazonChimeVoiceConnector-Monthly-2020-01-31');
    const out = await invoke({ year: 2020, month: 1, day: 31, job_frequency: 'Monthly' });
    expect(out.result).to.include({ jobId: RUNNING_JOB_ID, existing: true, status: 'RUNNING' });
    expect(endpoint.ops()).to.deep.equal(['ListJobs', 'ListJobs']);
    expect(await bucketKeys(s3.client, BUCKET)).to.deep.equal([]);
  });

  const bad: [string, unknown, RegExp][] = [
    ['month 13', { year: '2020', month: '13', day: '1' }, /month 13 does not exist/],
    ['2021-02-29', { year: '2021', month: '2', day: '29' }, /2021-02 has no day 29/],
    ['an unknown frequency', { year: '2020', month: '1', day: '31', job_frequency: 'Yearly' }, /unknown frequency/],
    ['a future date', { year: '2999', month: '1', day: '1' }, /in the future/],
  ];
  for (const [what, event, message] of bad) {
    it(`${what} → the invocation fails with one clear error; nothing asked, submitted or stored`, async () => {
      historicPricing(endpoint);
      batchIdle(endpoint);
      const out = await invoke(event);
      expect(out.code).to.equal(1);
      expect(out.error?.name).to.equal('EventError');
      expect(out.error?.message).to.match(message);
      expect(endpoint.requests).to.deep.equal([]);
      expect(await bucketKeys(s3.client, BUCKET)).to.deep.equal([]);
      const logged = logLines(out.stdout).find((line) => line.level === 'error');
      expect(logged?.msg).to.match(message);
    });
  }
});
