/**
 * Image before schedule: the scheduler asks Batch which image its job definition runs and ECR
 * whether that image exists (real SDK clients against the local AWS endpoint) before storing
 * anything or submitting. A missing image fails the invocation loudly with nothing submitted.
 */

import { expect } from 'chai';
import pino from 'pino';
import { ConfigError, configFromEnv, type SchedulerConfig } from '../../../job/scheduler/config';
import { runScheduler } from '../../../job/scheduler/handler';
import { ImageMissingError, parseEcrImage } from '../../../job/scheduler/image-check';
import { type AwsEndpoint, fixtureJson } from '../../support/aws-endpoint';
import type { S3rver } from '../../support/s3rver';
import { bucketKeys, emptyBucket, type LocalAws, rejection, startLocalAws } from '../../support/scheduler-env';
import { batchIdle, historicPricing, NEW_JOB_ID } from '../../support/scheduler-scenario';

const BUCKET = 'image-check-bucket';
const REPOSITORY = 'chime-vc-daily';
const TAG = '1.2.3';
const SILENT = pino({ level: 'silent' });
const CONFIG: SchedulerConfig = {
  bucket: BUCKET,
  service: 'AmazonChimeVoiceConnector',
  frequency: 'Daily',
  jobQueue: 'chime-vc-daily-queue',
  jobDefinition: 'chime-vc-daily-job',
  arraySize: 1,
  jobNamePrefix: 'chime-vc-daily',
  checkJobImage: true,
};

describe('scheduler: the job image must exist before anything is submitted', function () {
  this.timeout(60_000);
  let s3: S3rver;
  let aws: AwsEndpoint;
  let local: LocalAws | undefined;

  function jobDefinitions(): void {
    aws.on('DescribeJobDefinitions', {
      body: fixtureJson('batch/describe-job-definitions.json', {
        name: CONFIG.jobDefinition,
        repository: REPOSITORY,
        tag: TAG,
      }),
    });
  }

  before(async () => {
    local = await startLocalAws(BUCKET);
    ({ s3, endpoint: aws } = local);
  });

  after(async () => {
    await local?.stop();
  });

  beforeEach(async () => {
    aws.reset();
    await emptyBucket(s3.client, BUCKET);
  });

  it('image present: checks the latest ACTIVE revision’s image in ECR, then stores prices and submits', async () => {
    historicPricing(aws);
    batchIdle(aws);
    jobDefinitions();
    aws.on('DescribeImages', { body: fixtureJson('ecr/describe-images.json', { repository: REPOSITORY, tag: TAG }) });
    const result = await runScheduler({}, { config: CONFIG, now: new Date('2020-02-01T01:00:07Z'), logger: SILENT });
    expect(result.jobId).to.equal(NEW_JOB_ID);
    const ops = aws.ops().filter((op) => op !== 'GET');
    expect(ops.slice(0, 3)).to.deep.equal(['ListJobs', 'DescribeJobDefinitions', 'DescribeImages']);
    expect(ops.at(-1)).to.equal('SubmitJob');
    expect(aws.calls('DescribeJobDefinitions')[0]?.body).to.deep.equal({
      jobDefinitionName: CONFIG.jobDefinition,
      status: 'ACTIVE',
    });
    // Revision 3 (the latest) runs tag 1.2.3; revision 2's 0.9.0 is not asked about.
    expect(aws.calls('DescribeImages')[0]?.body).to.deep.equal({
      registryId: '123456789012',
      repositoryName: REPOSITORY,
      imageIds: [{ imageTag: TAG }],
    });
    expect(aws.calls('DescribeImages')[0]?.headers['x-amz-target']).to.equal(
      'AmazonEC2ContainerRegistry_V20150921.DescribeImages',
    );
  });

  it('image missing: one-line ImageMissingError naming the image; nothing stored, nothing submitted', async () => {
    historicPricing(aws);
    batchIdle(aws);
    jobDefinitions();
    aws.on('DescribeImages', {
      status: 400,
      body: fixtureJson('ecr/error-image-not-found.json', { repository: REPOSITORY, tag: TAG }),
    });
    const error = await rejection(
      runScheduler({}, { config: CONFIG, now: new Date('2020-02-01T01:00:07Z'), logger: SILENT }),
    );
    expect(error).to.be.instanceOf(ImageMissingError);
    expect(error.message).to.equal(
      `image 123456789012.dkr.ecr.us-east-1.amazonaws.com/${REPOSITORY}:${TAG} of job definition ${CONFIG.jobDefinition} ` +
        "is not in ECR: push it (see the README's deploy steps); nothing submitted",
    );
    expect(aws.calls('SubmitJob')).to.deep.equal([]);
    expect(aws.calls('ListPriceLists')).to.deep.equal([]);
    expect(await bucketKeys(s3.client, BUCKET)).to.deep.equal([]);
  });

  it('the Lambda configuration turns the check on (CHECK_JOB_IMAGE=true) and refuses a bad flag', async () => {
    batchIdle(aws);
    jobDefinitions();
    aws.on('DescribeImages', {
      status: 400,
      body: fixtureJson('ecr/error-image-not-found.json', { repository: REPOSITORY, tag: TAG }),
    });
    const env = {
      CDR_BUCKET: BUCKET,
      SERVICE_NAME: 'AmazonChimeVoiceConnector',
      JOB_FREQUENCY: 'Daily',
      JOB_QUEUE: CONFIG.jobQueue,
      JOB_DEFINITION: CONFIG.jobDefinition,
    };
    const config = configFromEnv({ ...env, CHECK_JOB_IMAGE: 'true' });
    expect(config.checkJobImage).to.equal(true);
    expect(configFromEnv(env).checkJobImage).to.equal(undefined);
    expect(() => configFromEnv({ ...env, CHECK_JOB_IMAGE: 'maybe' })).to.throw(ConfigError, /CHECK_JOB_IMAGE/);
    const error = await rejection(runScheduler({}, { config, now: new Date('2020-02-01T01:00:07Z'), logger: SILENT }));
    expect(error).to.be.instanceOf(ImageMissingError);
    expect(aws.calls('SubmitJob')).to.deep.equal([]);
  });

  it('parses private ECR references (tag, digest, default tag) and leaves other registries unchecked', () => {
    expect(parseEcrImage('123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/chime:1.2.3')).to.deep.equal({
      uri: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/chime:1.2.3',
      registryId: '123456789012',
      region: 'eu-west-1',
      repositoryName: 'team/chime',
      tag: '1.2.3',
    });
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(parseEcrImage(`123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/chime@${digest}`)).to.include({
      digest,
      region: 'cn-north-1',
    });
    expect(parseEcrImage('123456789012.dkr.ecr.us-east-1.amazonaws.com/chime')).to.include({ tag: 'latest' });
    expect(parseEcrImage('public.ecr.aws/docker/library/node:22')).to.equal(undefined);
    expect(parseEcrImage('node:22')).to.equal(undefined);
  });
});
