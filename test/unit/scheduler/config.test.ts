import { expect } from 'chai';
import { schedulerEnvironment } from '../../../job/core/scheduler-env';
import { ConfigError, configFromEnv } from '../../../job/scheduler/config';

const ENV = {
  CDR_BUCKET: 'my-cdr-bucket',
  SERVICE_NAME: 'AmazonChimeBusinessCalling',
  JOB_FREQUENCY: 'weekly',
  JOB_QUEUE: 'cdr-summary-queue',
  JOB_DEFINITION: 'cdr-summary:4',
};

describe('scheduler configuration from the environment', () => {
  it('reads the variables, with ARRAY_SIZE 1 and the default name prefix unless given', () => {
    expect(configFromEnv(ENV)).to.deep.equal({
      bucket: 'my-cdr-bucket',
      service: 'AmazonChimeBusinessCalling',
      frequency: 'Weekly',
      jobQueue: 'cdr-summary-queue',
      jobDefinition: 'cdr-summary:4',
      arraySize: 1,
      jobNamePrefix: 'cdr-summary',
      allowCurrentPrices: false,
    });
    expect(
      configFromEnv({ ...ENV, ARRAY_SIZE: '8', JOB_NAME_PREFIX: 'stack2', ALLOW_CURRENT_PRICES: 'true' }),
    ).to.include({
      arraySize: 8,
      jobNamePrefix: 'stack2',
      allowCurrentPrices: true,
    });
  });

  it('refuses missing or invalid values with one line naming the variable', () => {
    const cases: [Record<string, string | undefined>, RegExp][] = [
      [{ CDR_BUCKET: undefined }, /^environment variable CDR_BUCKET is not set$/],
      [{ JOB_QUEUE: ' ' }, /JOB_QUEUE is not set/],
      [{ CDR_BUCKET: 'Bad_Bucket' }, /CDR_BUCKET "Bad_Bucket" is not a valid S3 bucket name/],
      [{ SERVICE_NAME: 'AmazonChime' }, /SERVICE_NAME "AmazonChime" is not one of/],
      [{ JOB_FREQUENCY: 'Yearly' }, /JOB_FREQUENCY: unknown frequency/],
      [{ ARRAY_SIZE: '0' }, /ARRAY_SIZE "0" must be a whole number from 1 to 10000/],
      [{ ARRAY_SIZE: '2.5' }, /ARRAY_SIZE/],
      [{ ARRAY_SIZE: '10001' }, /ARRAY_SIZE/],
      [{ ALLOW_CURRENT_PRICES: 'maybe' }, /^ALLOW_CURRENT_PRICES "maybe" must be true or false$/],
    ];
    for (const [change, message] of cases) {
      const env: Record<string, string | undefined> = { ...ENV, ...change };
      expect(() => configFromEnv(env), JSON.stringify(change))
        .to.throw(ConfigError)
        .with.property('message')
        .that.matches(message);
    }
  });

  it('reads back exactly what the stack writes (one list of variable names)', () => {
    const settings = {
      bucket: 'my-cdr-bucket',
      service: 'AmazonChimeVoiceConnector' as const,
      frequency: 'Monthly' as const,
      jobQueue: 'q',
      jobDefinition: 'd',
      arraySize: 4,
      jobNamePrefix: 'stack2',
      scheduleName: 'stack2-schedule',
      checkJobImage: true,
      rateDeckKey: 'decks/deck.csv',
      connectorsKey: 'connectors.csv',
      refreshConnectors: true,
      allowCurrentPrices: true,
      allowEmptyPeriods: true,
    };
    expect(configFromEnv(schedulerEnvironment(settings))).to.deep.equal(settings);
    expect(schedulerEnvironment({ bucket: 'b', checkJobImage: false })).to.deep.equal({ CDR_BUCKET: 'b' });
  });
});
