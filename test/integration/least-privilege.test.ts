/**
 * The scheduler and the job run with exactly the IAM policies the stack synthesizes for their roles:
 * every S3 request goes through a policy-enforcing endpoint in front of s3rver that answers as S3
 * does (403 for denied requests and for missing keys the role may not list). A grant that is missing
 * fails a flow; a grant that no flow uses fails the last test (it is wider than needed).
 */

import { expect } from 'chai';
import pino from 'pino';
import { parseDate, periodEndingOn } from '../../job/core/period';
import { schemaFor } from '../../job/core/schema';
import { generateCorpus } from '../../job/generate/corpus';
import { acquireLease, LeaseHeldError } from '../../job/pipeline/lease';
import type { SchedulerConfig } from '../../job/scheduler/config';
import { runScheduler } from '../../job/scheduler/handler';
import { ObjectNotFoundError } from '../../job/store/object-store';
import { S3Store } from '../../job/store/s3';
import { createS3Client } from '../../job/store/s3-client';
import { BASE_ENV, rolePolicyDocuments, synthesize } from '../infra/synth';
import { AwsEndpoint, type RecordedRequest } from '../support/aws-endpoint';
import { runCli, startCli } from '../support/cli';
import { evaluatePolicies, type IamPolicy } from '../support/iam-evaluator';
import { type PolicyS3Endpoint, startPolicyS3Endpoint } from '../support/policy-s3-endpoint';
import { type S3rver, startS3rver } from '../support/s3rver';
import { setEnv } from '../support/scheduler-env';
import { batchIdle, historicPricing, NEW_JOB_ID } from '../support/scheduler-scenario';

const BUCKET = 'lp-cdr-bucket';
const SERVICE = 'AmazonChimeVoiceConnector';
const SCHEMA = schemaFor(SERVICE);
const SILENT = pino({ level: 'silent' });

interface Submission {
  readonly command: string[];
  readonly environment: Record<string, string>;
}

function submissions(endpoint: AwsEndpoint): Submission[] {
  return endpoint.calls('SubmitJob').map((request: RecordedRequest) => {
    const body = request.body as {
      containerOverrides?: { command?: string[]; environment?: { name: string; value: string }[] };
    };
    const environment: Record<string, string> = {};
    for (const { name, value } of body.containerOverrides?.environment ?? []) environment[name] = value;
    return { command: body.containerOverrides?.command ?? [], environment };
  });
}

describe('least privilege: the scheduler and the job under their synthesized IAM policies', function () {
  this.timeout(300_000);
  let s3: S3rver;
  let gate: PolicyS3Endpoint;
  let aws: AwsEndpoint;
  let restoreEnv: () => void;
  let jobPolicies: IamPolicy[];
  let schedulerPolicies: IamPolicy[];
  let admin: S3Store;

  function config(arraySize: number): SchedulerConfig {
    return {
      bucket: BUCKET,
      service: SERVICE,
      frequency: 'Daily',
      jobQueue: 'lp-queue',
      jobDefinition: 'lp-job',
      arraySize,
      jobNamePrefix: 'lp',
    };
  }

  async function storeAs(role: string): Promise<S3Store> {
    const client = createS3Client({
      endpoint: gate.endpoint,
      region: 'us-east-1',
      credentials: gate.credentials(role),
      maxAttempts: 2,
    });
    return S3Store.open(BUCKET, '', { client });
  }

  /** The scheduler (in process, scheduler role) for the period ending the day before `now`. */
  async function schedule(now: string, arraySize: number): Promise<Submission[]> {
    aws.reset();
    historicPricing(aws);
    batchIdle(aws);
    const store = await storeAs('scheduler');
    try {
      const result = await runScheduler({}, { config: config(arraySize), now: new Date(now), logger: SILENT, store });
      expect(result.jobId).to.equal(NEW_JOB_ID);
    } finally {
      await store.close();
    }
    return submissions(aws);
  }

  before(async () => {
    const synthesized = synthesize({ ...BASE_ENV, CDR_BUCKET: BUCKET });
    jobPolicies = rolePolicyDocuments(synthesized.json, 'batch_job-role', BUCKET);
    schedulerPolicies = rolePolicyDocuments(synthesized.json, 'scheduler_function-role', BUCKET);
    s3 = await startS3rver();
    await s3.createBucket(BUCKET);
    gate = await startPolicyS3Endpoint({
      target: s3.endpoint,
      roles: [
        { name: 'job', accessKeyId: 'JOBROLEKEY', policies: jobPolicies },
        { name: 'scheduler', accessKeyId: 'SCHEDULERROLEKEY', policies: schedulerPolicies },
        // May list the summary prefix but read nothing: an existing key must stay "denied", never "missing".
        {
          name: 'lister',
          accessKeyId: 'LISTERROLEKEY',
          policies: [
            {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Action: 's3:ListBucket',
                  Resource: `arn:aws:s3:::${BUCKET}`,
                  Condition: { StringLike: { 's3:prefix': `${SCHEMA.summaryPrefix}*` } },
                },
              ],
            },
          ],
        },
      ],
    });
    aws = await AwsEndpoint.start();
    restoreEnv = setEnv({
      ...aws.env,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'unused',
      AWS_SECRET_ACCESS_KEY: 'unused',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PROFILE: undefined,
      AWS_ENDPOINT_URL: undefined,
    });
    admin = await S3Store.open(BUCKET, '', { client: s3.client });
    for (const end of ['2020-01-31', '2020-01-29']) {
      await generateCorpus({
        store: admin,
        service: SERVICE,
        calls: 120,
        days: 1,
        connectors: 2,
        seed: end === '2020-01-31' ? 3 : 4,
        end: parseDate(end),
        pricesKey: `${SCHEMA.pricingPrefix}generated-${end}.json`,
      });
    }
  });

  after(async () => {
    restoreEnv?.();
    await aws?.close();
    await gate?.stop();
    await s3?.stop();
  });

  it('holds the job role to its grants: no access outside its prefixes, no writes to CDRs or prices', async () => {
    const job = await storeAs('job');
    try {
      const cdr = `${SCHEMA.cdrPrefix}x/2020/01/31/forged`;
      let denied = await job.write(cdr, 'x').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(String(denied)).to.match(/AccessDenied|Access Denied/);
      denied = await job.write(`${SCHEMA.pricingPrefix}forged.json`, '{}').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(String(denied)).to.match(/AccessDenied|Access Denied/);
      denied = await job.read('private/secret.txt').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(denied, 'a key outside the grants is denied, never reported missing').to.not.be.instanceOf(
        ObjectNotFoundError,
      );
      expect(String(denied)).to.match(/AccessDenied|Access Denied|denied/i);
      // A lease can only be created (If-None-Match: *), never overwritten.
      denied = await job.write(`${SCHEMA.summaryPrefix}leases/Daily-2020-01-03.json`, '{}').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(String(denied)).to.match(/AccessDenied|Access Denied/);
      expect(await job.createExclusive(`${SCHEMA.summaryPrefix}leases/Daily-2020-01-03.json`, '{}')).to.equal(true);
      await job.deleteTagged(
        `${SCHEMA.summaryPrefix}leases/Daily-2020-01-03.json`,
        (await job.readTagged(`${SCHEMA.summaryPrefix}leases/Daily-2020-01-03.json`)).tag,
      );
      const listed = await job.listFolder('private/').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(String(listed)).to.match(/AccessDenied|Access Denied|denied/i);
    } finally {
      await job.close();
    }
  });

  it('tells a missing key from a denied one under the job role (lease, snapshot, partials, manifests)', async () => {
    const job = await storeAs('job');
    try {
      const lease = `${SCHEMA.summaryPrefix}leases/Daily-2020-01-01.json`;
      const snapshot = `${SCHEMA.pricingPrefix}snapshots/2020-01-01_2020-01-01.json`;
      const partial = `${SCHEMA.summaryPrefix}partials/Daily/2020/01/01/shard-00001-of-00002/manifest.json`;
      const manifest = `${SCHEMA.summaryPrefix}csv/Daily/2019/12/31/manifest.json`;
      for (const key of [lease, snapshot, partial, manifest]) {
        expect(await job.exists(key), key).to.equal(false);
        const read = await job.read(key).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(read, key).to.be.instanceOf(ObjectNotFoundError);
        const capped = await job.readCapped(key, 100).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(capped, key).to.be.instanceOf(ObjectNotFoundError);
        const stream = await job.readStream(key).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(stream, key).to.be.instanceOf(ObjectNotFoundError);
      }
      const tagged = await job.readTagged(lease).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(tagged).to.be.instanceOf(ObjectNotFoundError);
      expect(await job.deleteTagged(lease, '"0"')).to.equal(false);
      // S3 itself answered 403 for those reads: the endpoint enforces what S3 enforces.
      expect(gate.denied().filter((d) => d.operation.endsWith('of a missing key')).length).to.be.greaterThan(0);
    } finally {
      await job.close();
    }
  });

  it('never reports an existing key it may not read as missing (the listing shows it exists)', async () => {
    const key = `${SCHEMA.summaryPrefix}csv/Daily/2019/12/30/manifest.json`;
    await admin.write(key, '{}');
    const lister = await storeAs('lister');
    try {
      const read = await lister.read(key).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(read).to.not.equal(undefined);
      expect(read).to.not.be.instanceOf(ObjectNotFoundError);
      expect(String(read)).to.match(/AccessDenied|Access Denied|denied/i);
      expect(
        await lister.exists(key).then(
          () => 'answered',
          () => 'denied',
        ),
      ).to.equal('denied');
      const missing = await lister.read(`${key}.missing`).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(missing).to.be.instanceOf(ObjectNotFoundError);
    } finally {
      await lister.close();
      await admin.delete([key]);
    }
  });

  it('a lease race under the job role: one owner wins, the other is refused as locked (not denied)', async () => {
    const a = await storeAs('job');
    const b = await storeAs('job');
    const period = periodEndingOn('Daily', parseDate('2020-01-02'));
    const options = (store: S3Store, owner: string) => ({
      store,
      service: SERVICE,
      summaryPrefix: SCHEMA.summaryPrefix,
      period,
      owner,
    });
    try {
      const results = await Promise.allSettled([acquireLease(options(a, 'run:a')), acquireLease(options(b, 'run:b'))]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).to.have.length(1);
      expect(lost).to.have.length(1);
      expect(lost[0]?.reason).to.be.instanceOf(LeaseHeldError);
      await (won[0] as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
      expect(await a.exists(`${SCHEMA.summaryPrefix}leases/Daily-2020-01-02.json`)).to.equal(false);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('scheduled run: the scheduler stores the snapshot and submits; the submitted command succeeds; a re-run succeeds', async () => {
    const [job] = await schedule('2020-02-01T01:00:07Z', 1);
    expect(job?.command.slice(0, 1)).to.deep.equal(['run']);
    const first = await runCli([...(job?.command ?? []), '--quiet'], gate.env('job'));
    expect(first.code, first.stderr).to.equal(0);
    const manifest = `${SCHEMA.summaryPrefix}csv/Daily/2020/01/31/manifest.json`;
    expect(await admin.exists(manifest)).to.equal(true);
    const again = await runCli([...(job?.command ?? []), '--quiet'], gate.env('job'));
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stderr).to.not.match(/denied/i);
  });

  it('two runs of one period race for the lease under the job role: each ends 0 or 3 (locked), never denied', async () => {
    const [job] = await schedule('2020-02-01T01:00:07Z', 1);
    const command = [...(job?.command ?? []), '--quiet'];
    const [one, two] = await Promise.all([
      startCli(command, gate.env('job')).result,
      startCli(command, gate.env('job')).result,
    ]);
    for (const result of [one, two]) {
      expect([0, 3], result.stderr).to.include(result.code);
      expect(result.stderr).to.not.match(/denied/i);
    }
    expect([one?.code, two?.code]).to.include(0);
  });

  it('array job + finalize: three shards and the finalize job, as submitted, under the job role', async () => {
    const [shards, finalize] = await schedule('2020-01-30T01:00:00Z', 3);
    expect(shards?.command[0]).to.equal('run');
    expect(finalize?.command[0]).to.equal('finalize');
    for (let index = 0; index < 3; index++) {
      const shard = await runCli([...(shards?.command ?? []), '--quiet'], {
        ...gate.env('job'),
        AWS_BATCH_JOB_ID: `${NEW_JOB_ID}:${index}`,
        AWS_BATCH_JOB_ARRAY_SIZE: '3',
        AWS_BATCH_JOB_ARRAY_INDEX: String(index),
        CDR_LEASE_OWNER: `batch:${NEW_JOB_ID}`,
      });
      expect(shard.code, shard.stderr).to.equal(0);
    }
    const merged = await runCli([...(finalize?.command ?? []), '--quiet'], {
      ...gate.env('job'),
      ...finalize?.environment,
    });
    expect(merged.code, merged.stderr).to.equal(0);
    expect(await admin.exists(`${SCHEMA.summaryPrefix}csv/Daily/2020/01/29/manifest.json`)).to.equal(true);
  });

  it('a missing price snapshot is reported as missing (exit 2), not as an access error', async () => {
    const missing = `s3://${BUCKET}/${SCHEMA.pricingPrefix}snapshots/2019-06-01_2019-06-01.json`;
    const result = await runCli(
      [
        'run',
        '--source',
        `s3://${BUCKET}`,
        '--prices',
        missing,
        '--frequency',
        'Daily',
        '--end',
        '2020-01-31',
        '--service',
        SERVICE,
      ],
      gate.env('job'),
    );
    expect(result.code, result.stderr).to.equal(2);
    // S3 answered 403 (the job role may not list that key unconditioned); the store tells it is missing.
    expect(result.stderr.trim()).to.equal(`cdr-summary: --prices: ${missing}: not found`);
  });

  it('every request the flows made was allowed, except reads of missing keys; every S3 grant was used', () => {
    const denials = gate.denied().filter((d) => d.role !== 'lister' && !d.operation.endsWith('of a missing key'));
    const expectedDenials = denials.filter(
      (d) =>
        d.role === 'job' &&
        (d.resource.includes('/private/') ||
          d.statement === 'LeasesCreateOnly' ||
          d.resource.endsWith('/forged') ||
          d.resource.endsWith('forged.json') ||
          d.context['s3:prefix']?.startsWith('private/')),
    );
    expect(denials, JSON.stringify(denials, null, 1)).to.deep.equal(expectedDenials);

    // Which (statement, action) pairs allowed at least one request: an S3 grant no flow needed is too wide.
    const used = new Set(
      gate.decisions.filter((d) => d.decision === 'allow').map((d) => `${d.role}:${d.statement}:${d.action}`),
    );
    const granted = (role: string, policies: IamPolicy[]) =>
      policies.flatMap((policy) =>
        (Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement])
          .filter((s) => s.Effect === 'Allow')
          .flatMap((s) =>
            (typeof s.Action === 'string' ? [s.Action] : (s.Action ?? []))
              .filter((action: string) => action.startsWith('s3:'))
              .map((action: string) => `${role}:${s.Sid}:${action}`),
          ),
      );
    const unused = [...granted('job', jobPolicies), ...granted('scheduler', schedulerPolicies)].filter(
      (g) => !used.has(g),
    );
    // Only needed when a multipart upload fails part-way (exercised by the S3 fault tests, not here).
    expect(unused).to.deep.equal(['job:WriteReports:s3:AbortMultipartUpload']);
    // And the evaluator agrees the grants cover what the job needs for its own lease keys.
    const leaseWrite = evaluatePolicies(jobPolicies, {
      action: 's3:PutObject',
      resource: `arn:aws:s3:::${BUCKET}/${SCHEMA.summaryPrefix}leases/x.json`,
      context: { 's3:if-none-match': '*' },
    });
    expect(leaseWrite.decision).to.equal('allow');
  });
});
