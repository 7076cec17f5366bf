import { rm } from 'node:fs/promises';
import { expect } from 'chai';
import { Command } from 'commander';
import { addInsightOptions, type InsightArguments, insightFromArguments } from '../../../job/cli/insight-options';
import { InputError } from '../../../job/core/errors';
import { parseDate } from '../../../job/core/period';
import { AwsEndpoint, snsError, snsPublished } from '../../support/aws-endpoint';
import { generateHistory, type History, runPeriods } from './history';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:cdr-summary-alarms';

describe('anomaly notification through SNS (real client, local SNS-speaking endpoint)', function () {
  this.timeout(300_000);
  let endpoint: AwsEndpoint;
  let history: History;
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    endpoint = await AwsEndpoint.start();
    const env: Record<string, string> = {
      ...endpoint.env,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_REGION: 'us-east-1',
    };
    for (const [name, value] of Object.entries(env)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
    // Two days; the second has a burst of short night calls to one prefix.
    history = await generateHistory({
      end: '2025-03-02',
      days: 2,
      connectors: 2,
      perConnectorDay: 100,
      seed: 3,
      spike: { day: parseDate('2025-03-02'), connector: 0, hour: 2, calls: 25 },
    });
  });

  after(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await endpoint.close();
    await rm(history.root, { recursive: true, force: true });
  });

  beforeEach(() => endpoint.reset());

  it('publishes one message for a run that found anomalies (counts, top items, dashboard key), none otherwise', async () => {
    endpoint.on('Publish', snsPublished('msg-1'));
    const [quiet, spiky] = await runPeriods(history, 'Daily', [parseDate('2025-03-01'), parseDate('2025-03-02')], {
      anomalyTopic: TOPIC,
    });
    expect(quiet?.manifest.anomalies).to.deep.equal([]);
    expect(spiky?.manifest.anomalies.map((a) => a.kind)).to.deep.equal(['short-call-burst']);
    const publishes = endpoint.calls('Publish');
    expect(publishes).to.have.length(1);
    const fields = publishes[0]?.body as Record<string, string>;
    expect(fields.TopicArn).to.equal(TOPIC);
    expect(fields.Subject).to.equal('Chime Voice Connector: 1 cost anomaly Daily 2025-03-02');
    expect(fields.Message).to.include('short-call-burst: 1');
    expect(fields.Message).to.include(`Dashboard: ${spiky?.manifest.dashboardKey}`);
    expect(fields.Message).to.include('25 calls');
    expect(String(publishes[0]?.headers.authorization)).to.match(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/sns\//,
    );
    const written = spiky?.lines.find((l) => l.msg === 'insight written');
    expect(written?.notificationId).to.equal('msg-1');
  });

  it('sends nothing without a topic (opt-in)', async () => {
    await runPeriods(history, 'Daily', [parseDate('2025-03-02')]);
    expect(endpoint.ops('sns')).to.deep.equal([]);
  });

  it('logs an error when the topic refuses, and the run still completes with its outputs', async () => {
    endpoint.on('Publish', snsError('AuthorizationError', 'not authorized to publish', 403));
    const [run] = await runPeriods(history, 'Daily', [parseDate('2025-03-02')], { anomalyTopic: TOPIC });
    expect(run?.manifest.anomalies).to.have.length(1);
    const failure = run?.lines.find((l) => l.msg === 'anomaly notification failed');
    expect(failure?.level).to.equal(50);
    expect(failure?.topic).to.equal(TOPIC);
    expect(endpoint.calls('Publish')).to.have.length(1);
  });

  it('refuses a topic that is not an SNS ARN before the run starts; the options default to the environment', () => {
    expect(() => insightFromArguments({ anomalyTopic: 'cdr-alarms' })).to.throw(
      InputError,
      /^--anomaly-topic: not an SNS topic ARN/,
    );
    // Commander fills the options from CDR_ANOMALY_THRESHOLDS / CDR_ANOMALY_TOPIC_ARN when not given.
    const parsed = (env: Record<string, string>) => {
      const saved = { ...process.env };
      Object.assign(process.env, env);
      try {
        return addInsightOptions(new Command('x').exitOverride()).parse([], { from: 'user' }).opts<InsightArguments>();
      } finally {
        for (const name of Object.keys(env)) {
          if (saved[name] === undefined) delete process.env[name];
          else process.env[name] = saved[name];
        }
      }
    };
    expect(() => insightFromArguments(parsed({ CDR_ANOMALY_THRESHOLDS: 'burstMinCalls=0' }))).to.throw(
      InputError,
      /^--anomaly-thresholds: .*burstMinCalls/,
    );
    expect(insightFromArguments(parsed({ CDR_ANOMALY_TOPIC_ARN: TOPIC })).notifier?.target).to.equal(TOPIC);
  });
});
