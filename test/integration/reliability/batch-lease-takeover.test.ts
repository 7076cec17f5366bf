import { promises as fs } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { AwsEndpoint, type RecordedRequest } from '../../support/aws-endpoint';
import { generateArgs, runCli } from '../../support/cli';
import { dailyLeaseRecord } from '../../support/lease-records';
import { filesBelow } from '../../support/outputs';

const SUMMARY = 'Amazon-Chime-Voice-Connector-Summary/';
const DAY = '2025-01-03';
const PERIOD_LEASE = `${SUMMARY}leases/Daily-${DAY}.json`;
const DAY_LEASE = `${SUMMARY}leases/days/${DAY}.json`;
const MANIFEST = `${SUMMARY}csv/Daily/2025/01/03/manifest.json`;
const KILLED_JOB = 'a1b2c3d4-0000-4000-8000-000000000001';

/** DescribeJobs answered with the killed job in `status`. */
function describeJobs(status: string) {
  return (request: RecordedRequest) => {
    const asked = (request.body as { jobs?: string[] }).jobs ?? [];
    return {
      body: {
        jobs: asked
          .filter((id) => id === KILLED_JOB)
          .map((jobId) => ({
            jobId,
            jobName: 'chime-vc-daily-2025-01-03',
            jobQueue: 'arn:aws:batch:us-east-1:111122223333:job-queue/cdr-summary',
            jobDefinition: 'arn:aws:batch:us-east-1:111122223333:job-definition/cdr-summary:1',
            status,
            startedAt: 1_735_869_600_000,
          })),
      },
    };
  };
}

describe('a lease left by a Batch job that FAILED is taken over at once', function () {
  this.timeout(120_000);
  let scratch: string;
  let source: string;
  let endpoint: AwsEndpoint;
  let env: Record<string, string>;

  const run = (dest: string, extraEnv: Record<string, string> = {}) =>
    runCli(
      [
        'run',
        '--source',
        source,
        '--dest',
        dest,
        '--prices',
        path.join(source, 'prices', 'AmazonChimeVoiceConnector-offer.json'),
        '--frequency',
        'Daily',
        '--end',
        DAY,
        '--quiet',
      ],
      { ...env, ...extraEnv },
    );

  /** The period lease and the day lease a Daily Batch job killed mid-commit left behind (unexpired). */
  async function plantKilledJobLeases(dest: string): Promise<void> {
    const record = JSON.stringify(dailyLeaseRecord(DAY, { owner: `batch:${KILLED_JOB}`, host: 'ip-10-0-0-1' }));
    for (const key of [PERIOD_LEASE, DAY_LEASE]) {
      await fs.mkdir(path.dirname(path.join(dest, key)), { recursive: true });
      await fs.writeFile(path.join(dest, key), record);
    }
  }

  before(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'cdr-batch-lease-'));
    source = path.join(scratch, 'bucket');
    const generated = await runCli(generateArgs({ out: source, calls: 600, days: 1, end: DAY }));
    expect(generated.code, generated.stderr).to.equal(0);
    endpoint = await AwsEndpoint.start();
    env = {
      ...endpoint.env,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
  });

  after(async () => {
    await endpoint?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  beforeEach(() => endpoint.reset());

  it('while the job may still run (RUNNABLE for its next attempt) the lease is respected: exit 3', async () => {
    const dest = path.join(scratch, 'retrying');
    await plantKilledJobLeases(dest);
    endpoint.on('DescribeJobs', describeJobs('RUNNABLE'));
    const result = await run(dest);
    expect(result.code, result.stderr).to.equal(3);
    expect(result.stderr).to.contain(`owner batch:${KILLED_JOB}`);
    expect(endpoint.calls('DescribeJobs').map((r) => r.body)).to.deep.equal([{ jobs: [KILLED_JOB] }]);
    expect(await filesBelow(dest)).to.not.include(MANIFEST);
  });

  it('once DescribeJobs says FAILED, the period lease and the day lease are taken over and the run completes', async () => {
    const dest = path.join(scratch, 'failed');
    await plantKilledJobLeases(dest);
    endpoint.on('DescribeJobs', describeJobs('FAILED'));
    const result = await run(dest);
    expect(result.code, result.stderr).to.equal(0);
    // Asked once: the answer FAILED is final, so the day lease at commit needs no second request.
    expect(endpoint.calls('DescribeJobs')).to.have.length(1);
    const left = await filesBelow(dest);
    expect(left).to.include(MANIFEST);
    expect(left.filter((key) => key.includes('/leases/') && key.endsWith('.json'))).to.deep.equal([]);
  });

  it('without an answer (no Batch endpoint reachable) the lease is respected, as before', async () => {
    const dest = path.join(scratch, 'unreachable');
    await plantKilledJobLeases(dest);
    const result = await run(dest, { AWS_ENDPOINT_URL_BATCH: 'http://127.0.0.1:9' });
    expect(result.code, result.stderr).to.equal(3);
  });
});
