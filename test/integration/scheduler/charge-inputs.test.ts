/**
 * The scheduler with a rate deck and connector names: the deck configured in the stack and the
 * connectors (refreshed from the Chime SDK Voice API through the real SDK client, or a file) are copied
 * next to the price snapshot before SubmitJob, and the job is told to use those copies.
 */

import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import pino from 'pino';
import { parseConnectors } from '../../../job/report/connectors';
import { ConfigError, configFromEnv, type SchedulerConfig } from '../../../job/scheduler/config';
import { runScheduler } from '../../../job/scheduler/handler';
import type { AwsEndpoint, RecordedRequest } from '../../support/aws-endpoint';
import type { S3rver } from '../../support/s3rver';
import { bucketKeys, emptyBucket, type LocalAws, rejection, startLocalAws } from '../../support/scheduler-env';
import { batchIdle, historicPricing } from '../../support/scheduler-scenario';

const BUCKET = 'cdr-bucket';
const SNAPSHOTS = 'Amazon-Chime-Voice-Connector-Pricing/snapshots/';
const DECK_KEY = 'Amazon-Chime-Voice-Connector-Pricing/rate-decks/carrier-a.csv';
const SILENT = pino({ level: 'silent' });
const NOW = new Date('2020-02-01T01:00:07Z');

const DECK = [
  'prefix,direction,rate_per_minute,connection_fee,initial_increment,subsequent_increment,effective_from,effective_to,currency,description',
  '1,outbound,0.006,0.01,60,6,,,USD,North America',
  '44,any,0.03,0,60,60,,,USD,United Kingdom',
].join('\n');

const CONFIG: SchedulerConfig = {
  bucket: BUCKET,
  service: 'AmazonChimeVoiceConnector',
  frequency: 'Daily',
  jobQueue: 'cdr-summary-queue',
  jobDefinition: 'cdr-summary:3',
  arraySize: 1,
  jobNamePrefix: 'cdr-summary',
};

const arn = (id: string) => `arn:aws:chime:us-east-1:111122223333:vc/${id}`;

function voiceConnector(id: string, name: string) {
  return {
    VoiceConnectorId: id,
    AwsRegion: 'us-east-1',
    Name: name,
    OutboundHostName: `${id}.voiceconnector.chime.aws`,
    RequireEncryption: true,
    CreatedTimestamp: '2019-08-01T10:00:00.000Z',
    UpdatedTimestamp: '2019-08-01T10:00:00.000Z',
    VoiceConnectorArn: arn(id),
  };
}

/** Two pages of Voice Connectors, and their tags. */
function chimeConnectors(endpoint: AwsEndpoint): void {
  endpoint.on('ListVoiceConnectors', (request) =>
    request.query['next-token'] === 'page-2'
      ? { body: { VoiceConnectors: [voiceConnector('vc2bbbbbbbbbbbbbbbbbbb', 'Support')] } }
      : { body: { VoiceConnectors: [voiceConnector('vc1aaaaaaaaaaaaaaaaaaa', 'Sales, EMEA')], NextToken: 'page-2' } },
  );
  endpoint.on('ListTagsForResource', (request) => ({
    body: {
      Tags:
        request.query.arn === arn('vc1aaaaaaaaaaaaaaaaaaa')
          ? [
              { Key: 'team', Value: 'sales' },
              { Key: 'cost-center', Value: '4711' },
            ]
          : [{ Key: 'team', Value: 'support' }],
    },
  }));
}

function submitted(endpoint: AwsEndpoint): { command: string[]; parameters: Record<string, string> } {
  const request = endpoint.calls('SubmitJob')[0] as RecordedRequest;
  const body = request.body as { containerOverrides: { command: string[] }; parameters: Record<string, string> };
  return { command: body.containerOverrides.command, parameters: body.parameters };
}

describe('scheduler: rate deck and connectors next to the price snapshot', function () {
  this.timeout(60_000);
  let s3: S3rver;
  let endpoint: AwsEndpoint;
  let local: LocalAws | undefined;

  const read = async (key: string) => {
    const object = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return (object.Body as { transformToString(): Promise<string> }).transformToString();
  };
  const put = (key: string, body: string) =>
    s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));

  before(async () => {
    local = await startLocalAws(BUCKET);
    ({ s3, endpoint } = local);
  });

  after(async () => {
    await local?.stop();
  });

  beforeEach(async () => {
    endpoint.reset();
    await emptyBucket(s3.client, BUCKET);
  });

  it('copies the deck, refreshes the connectors from Chime SDK Voice (all pages, tags), then submits with both', async () => {
    historicPricing(endpoint);
    let keysAtSubmit: string[] = [];
    batchIdle(endpoint, async () => {
      keysAtSubmit = await bucketKeys(s3.client, BUCKET);
    });
    chimeConnectors(endpoint);
    await put(DECK_KEY, DECK);
    const result = await runScheduler(
      {},
      { config: { ...CONFIG, rateDeckKey: DECK_KEY, refreshConnectors: true }, now: NOW, logger: SILENT },
    );
    const deckCopy = `${SNAPSHOTS}2020-01-31_2020-01-31.rate-deck.csv`;
    const connectorsCopy = `${SNAPSHOTS}2020-01-31_2020-01-31.connectors.csv`;
    expect(result.rateDeck).to.equal(`s3://${BUCKET}/${deckCopy}`);
    expect(result.connectors).to.equal(`s3://${BUCKET}/${connectorsCopy}`);
    expect(keysAtSubmit).to.include.members([deckCopy, connectorsCopy, `${SNAPSHOTS}2020-01-31_2020-01-31.json`]);
    expect(await read(deckCopy)).to.equal(DECK);
    expect(parseConnectors(await read(connectorsCopy))).to.deep.equal([
      { id: 'vc1aaaaaaaaaaaaaaaaaaa', name: 'Sales, EMEA', tags: { 'cost-center': '4711', team: 'sales' } },
      { id: 'vc2bbbbbbbbbbbbbbbbbbb', name: 'Support', tags: { team: 'support' } },
    ]);
    expect(endpoint.ops('chime')).to.deep.equal([
      'ListVoiceConnectors',
      'ListVoiceConnectors',
      'ListTagsForResource',
      'ListTagsForResource',
    ]);
    expect(endpoint.calls('ListTagsForResource').map((r) => r.query.arn)).to.deep.equal([
      arn('vc1aaaaaaaaaaaaaaaaaaa'),
      arn('vc2bbbbbbbbbbbbbbbbbbb'),
    ]);
    // Connectors are refreshed before the job is submitted.
    expect(endpoint.ops().indexOf('ListTagsForResource')).to.be.lessThan(endpoint.ops().lastIndexOf('SubmitJob'));
    const { command, parameters } = submitted(endpoint);
    expect(command.slice(-4)).to.deep.equal([
      '--rate-deck',
      `s3://${BUCKET}/${deckCopy}`,
      '--connectors',
      `s3://${BUCKET}/${connectorsCopy}`,
    ]);
    expect(parameters).to.deep.include({
      rateDeck: `s3://${BUCKET}/${deckCopy}`,
      connectors: `s3://${BUCKET}/${connectorsCopy}`,
    });
  });

  it('copies a connectors file kept in the bucket when it is configured instead of the refresh', async () => {
    historicPricing(endpoint);
    batchIdle(endpoint);
    const file = 'VoiceConnectorId,Name,team\r\nvc1aaaaaaaaaaaaaaaaaaa,Sales,sales\r\n';
    await put('Amazon-Chime-Voice-Connector-Pricing/connectors.csv', file);
    const result = await runScheduler(
      {},
      {
        config: { ...CONFIG, connectorsKey: 'Amazon-Chime-Voice-Connector-Pricing/connectors.csv' },
        now: NOW,
        logger: SILENT,
      },
    );
    expect(result.rateDeck).to.equal(undefined);
    expect(await read(`${SNAPSHOTS}2020-01-31_2020-01-31.connectors.csv`)).to.equal(file);
    expect(submitted(endpoint).command).to.not.include('--rate-deck');
    expect(endpoint.ops('chime')).to.deep.equal([]);
  });

  it('a bad deck fails the invocation with the line named, and nothing is submitted', async () => {
    historicPricing(endpoint);
    batchIdle(endpoint);
    await put(DECK_KEY, `${DECK}\n1,outbound,-0.5,0,60,6,,,USD,negative`);
    const error = await rejection(
      runScheduler({}, { config: { ...CONFIG, rateDeckKey: DECK_KEY }, now: NOW, logger: SILENT }),
    );
    expect(error).to.be.instanceOf(ConfigError);
    expect(error.message).to.equal(`RATE_DECK_KEY ${DECK_KEY}: line 4: rate_per_minute -0.5 is negative`);
    expect(endpoint.calls('SubmitJob')).to.deep.equal([]);
    const missing = await rejection(
      runScheduler({}, { config: { ...CONFIG, rateDeckKey: 'nowhere.csv' }, now: NOW, logger: SILENT }),
    );
    expect(missing.message).to.match(/RATE_DECK_KEY nowhere.csv: no such object/);
  });

  it('reads RATE_DECK_KEY, CONNECTORS_KEY and REFRESH_CONNECTORS from the environment', () => {
    const base = {
      CDR_BUCKET: BUCKET,
      SERVICE_NAME: 'AmazonChimeVoiceConnector',
      JOB_FREQUENCY: 'Daily',
      JOB_QUEUE: 'q',
      JOB_DEFINITION: 'd',
    };
    expect(configFromEnv({ ...base, RATE_DECK_KEY: '/decks/a.csv', REFRESH_CONNECTORS: 'TRUE' })).to.deep.include({
      rateDeckKey: 'decks/a.csv',
      refreshConnectors: true,
    });
    expect(configFromEnv(base)).to.not.have.any.keys('rateDeckKey', 'connectorsKey', 'refreshConnectors');
    expect(() => configFromEnv({ ...base, REFRESH_CONNECTORS: 'maybe' })).to.throw(ConfigError, /true or false/);
    expect(() =>
      configFromEnv({ ...base, SERVICE_NAME: 'AmazonChimeBusinessCalling', REFRESH_CONNECTORS: 'true' }),
    ).to.throw(ConfigError, /Voice Connector only|AmazonChimeVoiceConnector only/);
  });
});
