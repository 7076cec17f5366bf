/**
 * `cdr-summary prices fetch` and `cdr-summary submit` (registered by registerSchedulerCommands) with
 * the real SDK clients against the local AWS endpoint and s3rver.
 */

import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Command } from 'commander';
import pino from 'pino';
import { registerSchedulerCommands } from '../../../job/cli/scheduler-commands';
import { EXIT, InputError } from '../../../job/core/errors';
import { parseSnapshot } from '../../../job/prices/snapshot';
import { type AwsEndpoint, fixtureText } from '../../support/aws-endpoint';
import type { S3rver } from '../../support/s3rver';
import { bucketKeys, emptyBucket, type LocalAws, rejection, startLocalAws } from '../../support/scheduler-env';
import {
  batchIdle,
  currentPricing,
  FIRST_VERSION,
  historicPricing,
  NEW_JOB_ID,
  SECOND_VERSION,
} from '../../support/scheduler-scenario';

const BUCKET = 'cdr-bucket-cli';
const NOW = new Date('2026-11-26T04:00:00Z');
const SNAPSHOT = 'Amazon-Chime-Voice-Connector-Pricing/snapshots/2020-01-01_2020-01-31.json';

describe('scheduler CLI commands: prices fetch, submit', function () {
  this.timeout(60_000);
  let s3: S3rver;
  let endpoint: AwsEndpoint;
  let local: LocalAws | undefined;
  let output: string[];
  let tmp: string;

  function program(): Command {
    const root = new Command('cdr-summary')
      .exitOverride()
      .configureOutput({ writeOut: (s) => output.push(s), writeErr: (s) => output.push(s) });
    registerSchedulerCommands(root, {
      write: (text) => output.push(text),
      now: () => NOW,
      logger: pino({ level: 'silent' }),
    });
    return root;
  }

  async function run(...args: string[]): Promise<string> {
    await program().parseAsync(args, { from: 'user' });
    return output.join('');
  }

  before(async () => {
    local = await startLocalAws(BUCKET, {
      CDR_BUCKET: undefined,
      JOB_QUEUE: undefined,
      JOB_DEFINITION: undefined,
      JOB_FREQUENCY: undefined,
      SERVICE_NAME: undefined,
      ARRAY_SIZE: undefined,
      JOB_NAME_PREFIX: undefined,
    });
    ({ s3, endpoint } = local);
    tmp = await mkdtemp(path.join(os.tmpdir(), 'scheduler-cli-'));
  });

  after(async () => {
    await local?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  beforeEach(async () => {
    endpoint.reset();
    output = [];
    await emptyBucket(s3.client, BUCKET);
  });

  it('submit (direct): stores the snapshot, submits once, prints the job id and how to follow it', async () => {
    historicPricing(endpoint);
    batchIdle(endpoint);
    const text = await run(
      'submit',
      '--end',
      '2020-1-31',
      '--frequency',
      'Monthly',
      '--bucket',
      BUCKET,
      '--queue',
      'cdr-summary-queue',
      '--definition',
      'cdr-summary',
    );
    expect(text).to.include(`submitted job ${NEW_JOB_ID} (cdr-summary-AmazonChimeVoiceConnector-Monthly-2020-01-31)`);
    expect(text).to.include('period: 2020-01-01 … 2020-01-31 (Monthly)');
    expect(text).to.include(`prices: s3://${BUCKET}/${SNAPSHOT}`);
    expect(text).to.include(`aws batch describe-jobs --jobs ${NEW_JOB_ID} --region us-east-1`);
    expect(text).to.include(
      `https://us-east-1.console.aws.amazon.com/batch/home?region=us-east-1#jobs/detail/${NEW_JOB_ID}`,
    );
    expect(endpoint.calls('SubmitJob')).to.have.length(1);
    expect(await bucketKeys(s3.client, BUCKET)).to.include(SNAPSHOT);
  });

  it('submit --json prints the handler result', async () => {
    historicPricing(endpoint);
    batchIdle(endpoint);
    const text = await run(
      'submit',
      '--json',
      '--end',
      '2020-01-31',
      '--frequency',
      'daily',
      '--bucket',
      BUCKET,
      '--queue',
      'q',
      '--definition',
      'd',
      '--array-size',
      '3',
    );
    expect(JSON.parse(text)).to.deep.include({ jobId: NEW_JOB_ID, existing: false });
    expect(((endpoint.calls('SubmitJob')[0]?.body ?? {}) as Record<string, unknown>).arrayProperties).to.deep.equal({
      size: 3,
    });
  });

  it('submit --invoke: invokes the Lambda with the manual event and prints its job', async () => {
    const result = {
      jobId: NEW_JOB_ID,
      jobName: 'cdr-summary-AmazonChimeVoiceConnector-Monthly-2020-01-31',
      period: { frequency: 'Monthly', start: '2020-01-01', end: '2020-01-31' },
      priceSnapshot: `s3://${BUCKET}/${SNAPSHOT}`,
      existing: false,
      status: 'SUBMITTED',
    };
    endpoint.on('Invoke', { headers: { 'x-amz-executed-version': '$LATEST' }, body: result });
    const text = await run(
      'submit',
      '--invoke',
      'cdr-summary-scheduler',
      '--end',
      '2020-01-31',
      '--frequency',
      'Monthly',
    );
    expect(endpoint.ops()).to.deep.equal(['Invoke']);
    const invoke = endpoint.calls('Invoke')[0];
    expect(invoke?.path).to.equal('/2015-03-31/functions/cdr-summary-scheduler/invocations');
    expect(invoke?.headers['x-amz-invocation-type']).to.equal('RequestResponse');
    expect(invoke?.body).to.deep.equal({ year: '2020', month: '1', day: '31', job_frequency: 'Monthly' });
    expect(text).to.include(`submitted job ${NEW_JOB_ID}`);
    expect(text).to.include(`aws batch describe-jobs --jobs ${NEW_JOB_ID}`);
  });

  it('submit --invoke: a function error becomes one clear line', async () => {
    endpoint.on('Invoke', {
      headers: { 'x-amz-function-error': 'Unhandled' },
      body: fixtureText('lambda/invoke-error.json'),
    });
    const error = await rejection(
      run(
        'submit',
        '--invoke',
        'fn',
        '--end',
        '2020-01-31',
        '--frequency',
        'Daily',
        '--service',
        'AmazonChimeVoiceConnector',
      ),
    );
    expect(error).to.be.instanceOf(InputError).with.property('exitCode', EXIT.usage);
    expect(error.message).to.equal('function fn failed: EventError: 2021-02 has no day 29 (1–28)');
    expect(endpoint.calls('Invoke')[0]?.body).to.deep.include({ service: 'AmazonChimeVoiceConnector' });
  });

  const bad: [string, string[], RegExp][] = [
    ['an impossible date', ['--end', '2021-02-29', '--frequency', 'Daily'], /^--end: 2021-02 has no day 29/],
    [
      'today',
      ['--end', '2026-11-26', '--frequency', 'Daily'],
      /^--end: end date 2026-11-26 is in the future or not over yet/,
    ],
    ['an unknown frequency', ['--end', '2020-01-31', '--frequency', 'Hourly'], /^--frequency: unknown frequency/],
    ['no frequency', ['--end', '2020-01-31'], /--frequency \(or JOB_FREQUENCY\) is required/],
    ['no queue', ['--end', '2020-01-31', '--frequency', 'Daily', '--bucket', BUCKET, '--definition', 'd'], /--queue/],
    [
      'direct options with --invoke',
      ['--end', '2020-01-31', '--frequency', 'Daily', '--invoke', 'fn', '--queue', 'q'],
      /do not apply with --invoke/,
    ],
    [
      'an unknown service',
      ['--end', '2020-01-31', '--frequency', 'Daily', '--service', 'AmazonChime', '--invoke', 'fn'],
      /--service "AmazonChime" is not one of/,
    ],
  ];
  for (const [what, args, message] of bad) {
    it(`submit refuses ${what} with one line, asking nothing`, async () => {
      historicPricing(endpoint);
      batchIdle(endpoint);
      const error = await rejection(run('submit', ...args));
      // Unusable input of any kind (a date, a setting, an option): one class family, exit code 2.
      expect(error).to.be.instanceOf(InputError).with.property('exitCode', EXIT.usage);
      expect(error.message).to.match(message);
      expect(error.message).to.not.include('\n');
      expect(endpoint.requests).to.deep.equal([]);
    });
  }

  it('prices fetch --out <dir>: the same snapshot and raw files, in a local folder', async () => {
    historicPricing(endpoint);
    const out = path.join(tmp, 'prices');
    const text = await run(
      'prices',
      'fetch',
      '--service',
      'AmazonChimeVoiceConnector',
      '--date',
      '2020-01-31',
      '--frequency',
      'Monthly',
      '--out',
      out,
    );
    const file = path.join(out, SNAPSHOT);
    expect(text.split('\n')[0]).to.equal(file);
    expect(text).to.include('source: ListPriceLists');
    const snapshot = parseSnapshot(await readFile(file, 'utf8'));
    expect(snapshot.versions.map((v) => v.id)).to.deep.equal([FIRST_VERSION, SECOND_VERSION]);
    expect(
      existsSync(
        path.join(
          out,
          'Amazon-Chime-Voice-Connector-Pricing/raw/AmazonChimeVoiceConnector',
          FIRST_VERSION,
          'us-west-2/index.json',
        ),
      ),
    ).to.equal(true);
    expect(endpoint.calls('SubmitJob')).to.have.length(0);
  });

  it('prices fetch --out s3://…: stores into the bucket; GetProducts fallback when ListPriceLists lists nothing', async () => {
    endpoint.on('ListPriceLists', { body: { PriceLists: [] } });
    currentPricing(endpoint);
    const text = await run(
      'prices',
      'fetch',
      '--service',
      'AmazonChimeVoiceConnector',
      '--date',
      '2026-11-26',
      '--out',
      `s3://${BUCKET}`,
    );
    const key = 'Amazon-Chime-Voice-Connector-Pricing/snapshots/2026-11-26_2026-11-26.json';
    expect(text.split('\n')[0]).to.equal(`s3://${BUCKET}/${key}`);
    expect(text).to.include('source: GetProducts');
    expect(await bucketKeys(s3.client, BUCKET)).to.include(key);
    expect(endpoint.ops()).to.deep.equal(['ListPriceLists', 'GetProducts', 'GetProducts']);
  });

  it('prices fetch for a past period fails rather than take newer current prices, unless --allow-current-prices', async () => {
    endpoint.on('ListPriceLists', { body: { PriceLists: [] } });
    currentPricing(endpoint);
    const args = ['prices', 'fetch', '--service', 'AmazonChimeVoiceConnector', '--date', '2020-01-31', '--out', tmp];
    const error = await rejection(run(...args));
    expect(error.message).to.match(/^prices fetch: ListPriceLists unusable .* refusing them for a past period/);
    const key = 'Amazon-Chime-Voice-Connector-Pricing/snapshots/2020-01-31_2020-01-31.json';
    expect(existsSync(path.join(tmp, key))).to.equal(false);
    const text = await run(...args, '--allow-current-prices');
    expect(text).to.include('source: GetProducts');
    const snapshot = JSON.parse(readFileSync(path.join(tmp, key), 'utf8')) as { versions: { publishedAt?: string }[] };
    expect(snapshot.versions[0]?.publishedAt).to.equal('2020-11-01T00:00:00Z');
  });

  it('prices fetch refuses a future date and an unknown service', async () => {
    const future = await rejection(
      run('prices', 'fetch', '--service', 'AmazonChimeVoiceConnector', '--date', '2026-11-27', '--out', tmp),
    );
    expect(future.message).to.equal('--date 2026-11-27 is in the future (today is 2026-11-26 UTC)');
    const service = await rejection(run('prices', 'fetch', '--service', 'Chime', '--date', '2020-01-01', '--out', tmp));
    expect(service.message).to.match(/^--service "Chime" is not one of/);
    expect(endpoint.requests).to.deep.equal([]);
  });

  it('--help describes both commands', async () => {
    for (const args of [
      ['submit', '--help'],
      ['prices', 'fetch', '--help'],
    ]) {
      output = [];
      const error = await rejection(run(...args));
      expect((error as Error & { code?: string }).code).to.equal('commander.helpDisplayed');
      const help = output.join('');
      expect(help).to.include('Usage: cdr-summary');
      expect(help).to.include(args[0] === 'submit' ? '--invoke <function>' : '--out <dir|s3://bucket[/prefix]>');
    }
  });
});
