/**
 * The scheduler end to end in-process: the real SDK clients (Pricing, Batch, S3) talk to a local
 * recorder speaking the AWS wire protocols and to s3rver. Asserts what was asked, in what order, and
 * what was stored.
 */

import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import pino from 'pino';
import { parseSnapshot } from '../../../job/prices/snapshot';
import type { PriceSnapshotDocument } from '../../../job/prices/snapshot-format';
import type { SchedulerConfig } from '../../../job/scheduler/config';
import { EventError } from '../../../job/scheduler/event';
import { handler, runScheduler } from '../../../job/scheduler/handler';
import type { AwsEndpoint, RecordedRequest } from '../../support/aws-endpoint';
import type { S3rver } from '../../support/s3rver';
import { bucketKeys, emptyBucket, type LocalAws, rejection, setEnv, startLocalAws } from '../../support/scheduler-env';
import {
  askedDates,
  batchFinished,
  batchIdle,
  batchRunning,
  currentPricing,
  FIRST_VERSION,
  historicPricing,
  listPriceListsDenied,
  NEW_JOB_ID,
  RUNNING_JOB_ID,
  SECOND_VERSION,
} from '../../support/scheduler-scenario';

const BUCKET = 'cdr-bucket';
const PRICING = 'Amazon-Chime-Voice-Connector-Pricing/';
const SILENT = pino({ level: 'silent' });

const CONFIG: SchedulerConfig = {
  bucket: BUCKET,
  service: 'AmazonChimeVoiceConnector',
  frequency: 'Daily',
  jobQueue: 'cdr-summary-queue',
  jobDefinition: 'cdr-summary:3',
  arraySize: 1,
  jobNamePrefix: 'cdr-summary',
};

function body(request: RecordedRequest | undefined): Record<string, unknown> {
  expect(request, 'request').to.not.equal(undefined);
  return (request?.body ?? {}) as Record<string, unknown>;
}

function priceOf(doc: PriceSnapshotDocument, versionIndex: number, usageType: string): string | undefined {
  return doc.versions[versionIndex]?.prices.find((p) => p.usageType === usageType)?.pricePerUnit;
}

describe('scheduler handler (local Pricing/Batch endpoint + s3rver)', function () {
  this.timeout(60_000);
  let s3: S3rver;
  let endpoint: AwsEndpoint;
  let local: LocalAws | undefined;

  async function readSnapshot(key: string): Promise<PriceSnapshotDocument> {
    const object = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return parseSnapshot(await (object.Body as { transformToString(): Promise<string> }).transformToString());
  }

  /** SubmitJob hook: what was in the bucket at the moment the job was submitted. */
  let keysAtSubmit: string[] | undefined;
  const recordBucketAtSubmit = async (): Promise<void> => {
    keysAtSubmit = await bucketKeys(s3.client, BUCKET);
  };

  before(async () => {
    local = await startLocalAws(BUCKET);
    ({ s3, endpoint } = local);
  });

  after(async () => {
    await local?.stop();
  });

  beforeEach(async () => {
    endpoint.reset();
    keysAtSubmit = undefined;
    await emptyBucket(s3.client, BUCKET);
  });

  it('scheduled {} → the period ending yesterday (UTC) at the configured frequency; snapshot stored before SubmitJob', async () => {
    historicPricing(endpoint);
    batchIdle(endpoint, recordBucketAtSubmit);
    const result = await runScheduler({}, { config: CONFIG, now: new Date('2020-02-01T01:00:07Z'), logger: SILENT });

    const jobName = 'cdr-summary-AmazonChimeVoiceConnector-Daily-2020-01-31';
    const snapshotKey = `${PRICING}snapshots/2020-01-31_2020-01-31.json`;
    expect(result).to.deep.equal({
      jobId: NEW_JOB_ID,
      jobName,
      period: { frequency: 'Daily', start: '2020-01-31', end: '2020-01-31' },
      priceSnapshot: `s3://${BUCKET}/${snapshotKey}`,
      existing: false,
      status: 'SUBMITTED',
    });
    // Order of the conversation: duplicate check, prices (2 pages), 2 regions' files, re-check, submit.
    expect(endpoint.ops()).to.deep.equal([
      'ListJobs',
      'ListPriceLists',
      'ListPriceLists',
      'GetPriceListFileUrl',
      'GET',
      'GetPriceListFileUrl',
      'GET',
      'ListJobs',
      'SubmitJob',
    ]);
    const listJobs = body(endpoint.calls('ListJobs')[0]);
    expect(listJobs).to.deep.equal({
      jobQueue: 'cdr-summary-queue',
      filters: [{ name: 'JOB_NAME', values: [jobName] }],
    });
    const list = body(endpoint.calls('ListPriceLists')[0]);
    expect(list).to.include({ ServiceCode: 'AmazonChimeVoiceConnector', CurrencyCode: 'USD' });
    expect(list.EffectiveDate).to.equal(Date.UTC(2020, 0, 31) / 1000);
    expect(body(endpoint.calls('ListPriceLists')[1]).NextToken).to.equal(`${SECOND_VERSION}-page-2-token`);
    expect(endpoint.calls('GetPriceListFileUrl').map((r) => body(r))).to.deep.equal([
      {
        PriceListArn: `arn:aws:pricing:::price-list/aws/AmazonChimeVoiceConnector/USD/${SECOND_VERSION}/us-east-1`,
        FileFormat: 'json',
      },
      {
        PriceListArn: `arn:aws:pricing:::price-list/aws/AmazonChimeVoiceConnector/USD/${SECOND_VERSION}/us-west-2`,
        FileFormat: 'json',
      },
    ]);
    expect(endpoint.calls('GET').map((r) => r.path)).to.deep.equal([
      `/offers/v1.0/aws/AmazonChimeVoiceConnector/${SECOND_VERSION}/us-east-1/index.json`,
      `/offers/v1.0/aws/AmazonChimeVoiceConnector/${SECOND_VERSION}/us-west-2/index.json`,
    ]);

    const submit = body(endpoint.calls('SubmitJob')[0]);
    expect(submit).to.deep.equal({
      jobName,
      jobQueue: 'cdr-summary-queue',
      jobDefinition: 'cdr-summary:3',
      parameters: {
        source: `s3://${BUCKET}`,
        prices: `s3://${BUCKET}/${snapshotKey}`,
        frequency: 'Daily',
        end: '2020-01-31',
        service: 'AmazonChimeVoiceConnector',
      },
      containerOverrides: {
        command: [
          'run',
          '--source',
          `s3://${BUCKET}`,
          '--prices',
          `s3://${BUCKET}/${snapshotKey}`,
          '--frequency',
          'Daily',
          '--end',
          '2020-01-31',
          '--service',
          'AmazonChimeVoiceConnector',
        ],
      },
    });
    // The snapshot (and the raw files) were in the bucket when SubmitJob arrived.
    const raw = [
      `${PRICING}raw/AmazonChimeVoiceConnector/${SECOND_VERSION}/us-east-1/index.json`,
      `${PRICING}raw/AmazonChimeVoiceConnector/${SECOND_VERSION}/us-west-2/index.json`,
    ];
    expect(keysAtSubmit).to.deep.equal([...raw, snapshotKey].sort());

    const snapshot = await readSnapshot(snapshotKey);
    expect(snapshot.service).to.equal('AmazonChimeVoiceConnector');
    expect(snapshot.versions).to.have.length(1);
    expect(snapshot.versions[0]).to.include({
      id: SECOND_VERSION,
      effectiveFrom: '2020-01-31T00:00:00Z',
      effectiveUntil: '2020-02-01T00:00:00Z',
    });
    expect(priceOf(snapshot, 0, 'USE1-US-US-outbound-minutes')).to.equal('0.005');
    expect(priceOf(snapshot, 0, 'USW2-US-US-outbound-minutes')).to.equal('0.005');
    expect(priceOf(snapshot, 0, 'USE1-US-inbound-minutes')).to.equal('0.0022');
    expect(snapshot.versions[0]?.prices).to.have.length(4);
  });

  it('EventBridge scheduled event → yesterday relative to the event time, configured frequency (Weekly)', async () => {
    historicPricing(endpoint);
    batchIdle(endpoint);
    const event = {
      version: '0',
      id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      time: '2020-02-01T01:00:00Z',
      region: 'us-east-1',
      resources: ['arn:aws:events:us-east-1:123456789012:rule/cdr-summary-weekly'],
      detail: {},
    };
    // Delivered (retried) after midnight: still the period ending 2020-01-31.
    const result = await runScheduler(event, {
      config: { ...CONFIG, frequency: 'Weekly' },
      now: new Date('2020-02-02T00:30:00Z'),
      logger: SILENT,
    });
    expect(result.period).to.deep.equal({ frequency: 'Weekly', start: '2020-01-25', end: '2020-01-31' });
    expect(result.jobName).to.equal('cdr-summary-AmazonChimeVoiceConnector-Weekly-2020-01-31');
    expect(askedDates(endpoint)).to.deep.equal(['2020-01-25', '2020-01-31']);
  });

  it("the original's manual event → 2020-01-01…2020-01-31 Monthly, with both price versions in effect", async () => {
    historicPricing(endpoint);
    batchIdle(endpoint, recordBucketAtSubmit);
    const result = await runScheduler(
      { year: '2020', month: '1', day: '31', job_frequency: 'Monthly' },
      { config: CONFIG, now: new Date('2026-11-26T04:00:00Z'), logger: SILENT },
    );
    const snapshotKey = `${PRICING}snapshots/2020-01-01_2020-01-31.json`;
    expect(result).to.deep.include({
      jobId: NEW_JOB_ID,
      jobName: 'cdr-summary-AmazonChimeVoiceConnector-Monthly-2020-01-31',
      period: { frequency: 'Monthly', start: '2020-01-01', end: '2020-01-31' },
      priceSnapshot: `s3://${BUCKET}/${snapshotKey}`,
    });
    const submit = body(endpoint.calls('SubmitJob')[0]);
    expect(submit.parameters).to.include({ frequency: 'Monthly', end: '2020-01-31' });
    expect(submit).to.not.have.property('arrayProperties');

    // Versions change once (2020-01-15): found by bisection, each day asked at most once.
    const dates = askedDates(endpoint);
    expect(dates[0]).to.equal('2020-01-01');
    expect(dates[1]).to.equal('2020-01-31');
    expect(dates).to.include.members(['2020-01-14', '2020-01-15']);
    expect(new Set(dates).size).to.equal(dates.length);
    expect(dates.length).to.be.lessThan(10);

    expect(keysAtSubmit).to.include(snapshotKey);
    expect(keysAtSubmit).to.include.members([
      `${PRICING}raw/AmazonChimeVoiceConnector/${FIRST_VERSION}/us-east-1/index.json`,
      `${PRICING}raw/AmazonChimeVoiceConnector/${FIRST_VERSION}/us-west-2/index.json`,
      `${PRICING}raw/AmazonChimeVoiceConnector/${SECOND_VERSION}/us-east-1/index.json`,
      `${PRICING}raw/AmazonChimeVoiceConnector/${SECOND_VERSION}/us-west-2/index.json`,
    ]);
    const snapshot = await readSnapshot(snapshotKey);
    expect(snapshot.versions.map((v) => [v.id, v.effectiveFrom, v.effectiveUntil])).to.deep.equal([
      [FIRST_VERSION, '2020-01-01T00:00:00Z', '2020-01-15T00:00:00Z'],
      [SECOND_VERSION, '2020-01-15T00:00:00Z', '2020-02-01T00:00:00Z'],
    ]);
    expect(priceOf(snapshot, 0, 'USE1-US-US-outbound-minutes')).to.equal('0.0048');
    expect(priceOf(snapshot, 1, 'USE1-US-US-outbound-minutes')).to.equal('0.005');
    expect(snapshot.sources.join('\n')).to.include(`USD/${FIRST_VERSION}/us-east-1`);
  });

  it('accepts numbers and unpadded or zero-padded strings, any frequency case', async () => {
    historicPricing(endpoint);
    batchIdle(endpoint);
    const now = new Date('2026-11-26T04:00:00Z');
    const a = await runScheduler(
      { year: 2020, month: 1, day: 31, job_frequency: 'monthly' },
      { config: CONFIG, now, logger: SILENT },
    );
    expect(a.period).to.deep.equal({ frequency: 'Monthly', start: '2020-01-01', end: '2020-01-31' });
    const b = await runScheduler({ year: '2020', month: '02', day: '9' }, { config: CONFIG, now, logger: SILENT });
    expect(b.period).to.deep.equal({ frequency: 'Daily', start: '2020-02-09', end: '2020-02-09' });
    expect(b.jobName).to.equal('cdr-summary-AmazonChimeVoiceConnector-Daily-2020-02-09');
  });

  it('refuses a duplicate while a job of that name is active: returns it, no prices fetched, nothing submitted or stored', async () => {
    const jobName = 'cdr-summary-AmazonChimeVoiceConnector-Monthly-2020-01-31';
    historicPricing(endpoint);
    batchRunning(endpoint, jobName);
    const result = await runScheduler(
      { year: '2020', month: '1', day: '31', job_frequency: 'Monthly' },
      { config: CONFIG, now: new Date('2026-11-26T04:00:00Z'), logger: SILENT },
    );
    expect(result).to.deep.equal({
      jobId: RUNNING_JOB_ID,
      jobName,
      period: { frequency: 'Monthly', start: '2020-01-01', end: '2020-01-31' },
      priceSnapshot: `s3://${BUCKET}/${PRICING}snapshots/2020-01-01_2020-01-31.json`,
      existing: true,
      status: 'RUNNING',
    });
    // Both ListJobs pages were read (the first only held a SUCCEEDED job of that name).
    expect(endpoint.ops()).to.deep.equal(['ListJobs', 'ListJobs']);
    expect(body(endpoint.calls('ListJobs')[1]).nextToken).to.equal('eyJqb2JJZCI6IjBjN2U1YjFhIn0=');
    expect(await bucketKeys(s3.client, BUCKET)).to.deep.equal([]);
  });

  it('submits again when the job of that name has finished', async () => {
    historicPricing(endpoint);
    batchFinished(endpoint, 'cdr-summary-AmazonChimeVoiceConnector-Daily-2020-01-31');
    const result = await runScheduler(
      { year: '2020', month: '1', day: '31' },
      { config: CONFIG, now: new Date('2026-11-26T04:00:00Z'), logger: SILENT },
    );
    expect(result).to.include({ jobId: NEW_JOB_ID, existing: false });
    expect(endpoint.calls('SubmitJob')).to.have.length(1);
  });

  it('a scheduled invocation re-runs periods of its frequency whose report lacks a late-filed CDR named for it', async () => {
    historicPricing(endpoint);
    batchIdle(endpoint);
    const SUMMARY = 'Amazon-Chime-Voice-Connector-Summary/';
    const put = (key: string, doc: unknown) =>
      s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${SUMMARY}${key}`, Body: JSON.stringify(doc) }));
    const late = (key: string, startDay: string, periods: [string, string][]) => ({
      key,
      callIdField: 'TransactionId',
      callId: key.split('_').pop(),
      startDay,
      folderDay: '2020-01-30',
      periods: periods.map(([frequency, end]) => ({ frequency, end })),
    });
    const manifest = (frequency: string, end: string, startedAt: string, lateArrivals: unknown[]) => ({
      frequency,
      periodStart: end,
      periodEnd: end,
      startedAt,
      finishedAt: startedAt.replace('T01:00', 'T01:10'),
      lateArrivals,
      lateArrivalsTotal: lateArrivals.length,
    });
    const k1 = 'Amazon-Chime-Voice-Connector-CDRs/json/vc1/2020/01/30/10.00.00.000_k1';
    const k2 = 'Amazon-Chime-Voice-Connector-CDRs/json/vc1/2020/01/30/10.00.00.000_k2';
    const k3 = 'Amazon-Chime-Voice-Connector-CDRs/json/vc1/2020/01/30/10.00.00.000_k3';
    // The Daily run of 01-30 found k1 (a call of 01-27), k2 (of 01-20) and k3 (of 01-15).
    await put(
      'csv/Daily/2020/01/30/manifest.json',
      manifest('Daily', '2020-01-30', '2020-01-31T01:00:00Z', [
        late(k1, '2020-01-27', [
          ['Daily', '2020-01-27'],
          ['Weekly', '2020-02-02'],
          ['Monthly', '2020-01-31'],
        ]),
        late(k2, '2020-01-20', [
          ['Daily', '2020-01-20'],
          ['Weekly', '2020-01-26'],
          ['Monthly', '2020-01-31'],
        ]),
        late(k3, '2020-01-15', [
          ['Daily', '2020-01-15'],
          ['Weekly', '2020-01-19'],
          ['Monthly', '2020-01-31'],
        ]),
      ]),
    );
    // 01-27 was reported without k1; 01-20 was already re-run and holds k2; 01-15 was never reported.
    await put('csv/Daily/2020/01/27/manifest.json', manifest('Daily', '2020-01-27', '2020-01-28T01:00:00Z', []));
    await put(
      'csv/Daily/2020/01/20/manifest.json',
      manifest('Daily', '2020-01-20', '2020-01-31T02:00:00Z', [late(k2, '2020-01-20', [['Daily', '2020-01-20']])]),
    );
    const result = await runScheduler({}, { config: CONFIG, now: new Date('2020-02-01T01:00:07Z'), logger: SILENT });
    expect(result.jobName).to.equal('cdr-summary-AmazonChimeVoiceConnector-Daily-2020-01-31');
    expect(result.lateArrivalReruns?.map((r) => [r.jobName, r.period.end])).to.deep.equal([
      ['cdr-summary-AmazonChimeVoiceConnector-Daily-2020-01-27', '2020-01-27'],
    ]);
    expect(endpoint.calls('SubmitJob').map((r) => body(r).jobName)).to.deep.equal([
      'cdr-summary-AmazonChimeVoiceConnector-Daily-2020-01-31',
      'cdr-summary-AmazonChimeVoiceConnector-Daily-2020-01-27',
    ]);
    expect(await bucketKeys(s3.client, BUCKET)).to.include(`${PRICING}snapshots/2020-01-27_2020-01-27.json`);

    // Once 01-27's report holds k1, the next invocation re-runs nothing; a manual event never does.
    await put(
      'csv/Daily/2020/01/27/manifest.json',
      manifest('Daily', '2020-01-27', '2020-02-01T02:00:00Z', [late(k1, '2020-01-27', [['Daily', '2020-01-27']])]),
    );
    endpoint.reset();
    historicPricing(endpoint);
    batchIdle(endpoint);
    const next = await runScheduler({}, { config: CONFIG, now: new Date('2020-02-02T01:00:07Z'), logger: SILENT });
    expect(next).to.not.have.property('lateArrivalReruns');
    expect(endpoint.calls('SubmitJob')).to.have.length(1);
  });

  const now = new Date('2026-11-26T04:00:00Z');
  const badEvents: [string, unknown, RegExp][] = [
    ['month 13', { year: '2020', month: '13', day: '1', job_frequency: 'Monthly' }, /month 13 does not exist/],
    ['2021-02-29', { year: '2021', month: '2', day: '29', job_frequency: 'Daily' }, /2021-02 has no day 29/],
    [
      'an unknown frequency',
      { year: '2020', month: '1', day: '31', job_frequency: 'Fortnightly' },
      /unknown frequency/,
    ],
    ['a future date', { year: '2026', month: '11', day: '27' }, /in the future or not over yet.*2026-11-25/],
    ['today (not over yet)', { year: 2026, month: 11, day: 26 }, /not over yet/],
    ['a misspelt field', { year: '2020', month: '1', dya: '31' }, /unknown event field.*"dya"/],
    ['a partial date', { year: '2020', month: '1' }, /give year, month and day/],
    ['a non-numeric day', { year: '2020', month: '1', day: 'last' }, /day must be a whole number/],
    ['a non-object', 'yesterday', /event must be a JSON object/],
    ['another service', { service: 'AmazonChimeBusinessCalling' }, /summarizes AmazonChimeVoiceConnector/],
  ];
  for (const [what, event, message] of badEvents) {
    it(`refuses ${what} with one clear line; nothing asked, submitted or stored`, async () => {
      historicPricing(endpoint);
      batchIdle(endpoint);
      const error = await rejection(runScheduler(event, { config: CONFIG, now, logger: SILENT }));
      expect(error).to.be.instanceOf(EventError);
      expect(error.message).to.match(message);
      expect(error.message).to.not.include('\n');
      expect(endpoint.requests).to.deep.equal([]);
      expect(await bucketKeys(s3.client, BUCKET)).to.deep.equal([]);
    });
  }

  it('falls back to GetProducts (all pages) when ListPriceLists is refused', async () => {
    listPriceListsDenied(endpoint);
    currentPricing(endpoint);
    batchIdle(endpoint, recordBucketAtSubmit);
    const result = await runScheduler(
      { year: '2020', month: '11', day: '30', job_frequency: 'Weekly' },
      { config: CONFIG, now: new Date('2026-11-26T04:00:00Z'), logger: SILENT },
    );
    expect(endpoint.ops()).to.deep.equal([
      'ListJobs',
      'ListPriceLists',
      'GetProducts',
      'GetProducts',
      'ListJobs',
      'SubmitJob',
    ]);
    const [first, second] = endpoint.calls('GetProducts').map((r) => body(r));
    expect(first).to.deep.equal({
      ServiceCode: 'AmazonChimeVoiceConnector',
      FormatVersion: 'aws_v1',
      Filters: [{ Type: 'TERM_MATCH', Field: 'ServiceCode', Value: 'AmazonChimeVoiceConnector' }],
      MaxResults: 100,
    });
    expect(second).to.deep.include({ NextToken: 'eyJrZXkiOiJwYWdlLTIifQ==' });
    const snapshotKey = `${PRICING}snapshots/2020-11-24_2020-11-30.json`;
    expect(result.priceSnapshot).to.equal(`s3://${BUCKET}/${snapshotKey}`);
    expect(keysAtSubmit).to.deep.equal([
      `${PRICING}raw/get-products/20261126T040000Z/page-0001.json`,
      `${PRICING}raw/get-products/20261126T040000Z/page-0002.json`,
      snapshotKey,
    ]);
    const snapshot = await readSnapshot(snapshotKey);
    expect(snapshot.versions.map((v) => [v.id, v.effectiveFrom, v.effectiveUntil])).to.deep.equal([
      ['20201101000000', '2020-11-24T00:00:00Z', '2020-12-01T00:00:00Z'],
    ]);
    // Prices from both pages are in the snapshot.
    expect(priceOf(snapshot, 0, 'USE1-US-US-outbound-minutes')).to.equal('0.0051');
    expect(priceOf(snapshot, 0, 'USW2-US-US-outbound-minutes')).to.equal('0.0051');
    expect(snapshot.sources.join('\n')).to.match(/ListPriceLists unusable \(.*AccessDenied/);
  });

  it('refuses current prices newer than a past period when ListPriceLists lists nothing; nothing submitted', async () => {
    endpoint.on('ListPriceLists', { body: { PriceLists: [] } });
    currentPricing(endpoint);
    batchIdle(endpoint);
    // The current prices (published 2020-11-01) may not be those of January 2020.
    const error = await rejection(
      runScheduler({ year: '2020', month: '1', day: '31' }, { config: CONFIG, now, logger: SILENT }),
    );
    expect(error.message).to.match(
      /^ListPriceLists unusable \(ListPriceLists lists nothing for 2020-01-31\); the current prices \(version 20201101000000, published 2020-11-01T00:00:00Z\) are not known to be the prices of 2020-01-31 … 2020-01-31: refusing them for a past period/,
    );
    expect(error.message).to.not.include('\n');
    expect(endpoint.ops()).to.deep.equal(['ListJobs', 'ListPriceLists', 'GetProducts', 'GetProducts']);
    expect(endpoint.calls('SubmitJob')).to.have.length(0);
  });

  it('uses them when ALLOW_CURRENT_PRICES is set, recording their publication for the job to count', async () => {
    endpoint.on('ListPriceLists', { body: { PriceLists: [] } });
    currentPricing(endpoint);
    batchIdle(endpoint);
    const result = await runScheduler(
      { year: '2020', month: '1', day: '31' },
      { config: { ...CONFIG, allowCurrentPrices: true }, now, logger: SILENT },
    );
    expect(endpoint.ops()).to.deep.equal([
      'ListJobs',
      'ListPriceLists',
      'GetProducts',
      'GetProducts',
      'ListJobs',
      'SubmitJob',
    ]);
    const snapshot = await readSnapshot(`${PRICING}snapshots/2020-01-31_2020-01-31.json`);
    expect(result.priceSnapshot).to.match(/2020-01-31_2020-01-31\.json$/);
    expect(snapshot.versions[0]).to.deep.include({
      id: '20201101000000',
      effectiveFrom: '2020-01-31T00:00:00Z',
      publishedAt: '2020-11-01T00:00:00Z',
    });
    expect(snapshot.sources.join('\n')).to.include('allowed for a period that began earlier');
  });

  it('does not submit when a listed offer file cannot be downloaded', async () => {
    historicPricing(endpoint);
    endpoint.on('GetPriceListFileUrl', { body: { Url: `${endpoint.url}/offers/v1.0/aws/missing/index.json` } });
    batchIdle(endpoint);
    const error = await rejection(
      runScheduler({ year: '2020', month: '1', day: '31' }, { config: CONFIG, now, logger: SILENT }),
    );
    expect(error.message).to.match(/cannot download .*HTTP 404/);
    expect(endpoint.calls('SubmitJob')).to.have.length(0);
    expect(endpoint.calls('GetProducts')).to.have.length(0);
  });

  it('ARRAY_SIZE > 1 submits an array job, then a finalize job that depends on it', async () => {
    historicPricing(endpoint);
    batchIdle(endpoint);
    await runScheduler(
      { year: '2020', month: '1', day: '31' },
      { config: { ...CONFIG, arraySize: 4 }, now, logger: SILENT },
    );
    const [array = {}, finalize = {}] = endpoint.calls('SubmitJob').map(body);
    expect(array.arrayProperties).to.deep.equal({ size: 4 });
    expect(finalize.jobName).to.equal(`${array.jobName}-finalize`);
    expect(finalize).to.not.have.property('arrayProperties');
    expect(finalize.dependsOn).to.have.length(1);
    expect((finalize.containerOverrides as { environment: unknown[] }).environment).to.deep.equal([
      { name: 'CDR_LEASE_OWNER', value: `batch:${(finalize.dependsOn as { jobId: string }[])[0]?.jobId}` },
    ]);
    expect((finalize.containerOverrides as { command: string[] }).command).to.deep.equal([
      'finalize',
      '--dest',
      `s3://${BUCKET}`,
      '--frequency',
      (array.parameters as Record<string, string>).frequency,
      '--end',
      '2020-01-31',
      '--service',
      'AmazonChimeVoiceConnector',
      '--shards',
      '4',
    ]);
  });

  it('handler(): configuration from the environment; a missing variable is one clear error with nothing asked', async () => {
    historicPricing(endpoint);
    batchIdle(endpoint);
    const restore = setEnv({
      CDR_BUCKET: BUCKET,
      SERVICE_NAME: 'AmazonChimeVoiceConnector',
      JOB_FREQUENCY: 'Monthly',
      JOB_QUEUE: 'cdr-summary-queue',
      JOB_DEFINITION: 'cdr-summary',
      ARRAY_SIZE: '2',
      LOG_LEVEL: 'silent',
    });
    try {
      const result = await handler({ year: '2020', month: '1', day: '31' });
      expect(result.period).to.deep.equal({ frequency: 'Monthly', start: '2020-01-01', end: '2020-01-31' });
      const submit = body(endpoint.calls('SubmitJob')[0]);
      expect(submit).to.include({ jobQueue: 'cdr-summary-queue', jobDefinition: 'cdr-summary' });
      expect(submit.arrayProperties).to.deep.equal({ size: 2 });

      endpoint.reset();
      delete process.env.JOB_QUEUE;
      const error = await rejection(handler({}));
      expect(error.message).to.equal('environment variable JOB_QUEUE is not set');
      expect(endpoint.requests).to.deep.equal([]);
    } finally {
      restore();
    }
  });
});
