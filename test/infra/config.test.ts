import { expect } from 'chai';
import { ConfigError, EXAMPLE_BUCKET, type InfraConfig, loadConfig } from '../../infra/config';
import { FARGATE_SIZES, isValidFargateSize } from '../../infra/fargate';

/** The problems loadConfig reports for `env` (fails the test when it accepts it). */
function problems(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('infra: configuration', () => {
  it('works with no configuration at all, with documented defaults', () => {
    const c: InfraConfig = loadConfig({});
    expect(c).to.deep.include({
      cdrBucket: EXAMPLE_BUCKET,
      exampleBucket: true,
      service: 'AmazonChimeVoiceConnector',
      frequency: 'Daily',
      region: 'us-east-1',
      namePrefix: 'chime-vc-daily',
      assignPublicIp: true,
      jobVcpu: '1',
      jobMemoryMiB: 2048,
      maxVcpus: 16,
      arraySize: 1,
      useFargateSpot: true,
      jobAttempts: 3,
      logRetentionDays: 30,
      scheduleEnabled: true,
      schedulerReservedConcurrency: 1,
    });
    expect(c.imageTag).to.match(/^\d+\.\d+\.\d+/);
    expect(c.network).to.equal(undefined);
    expect(c.schedulerBundleDir).to.match(/dist[/\\]scheduler$/);
  });

  it('derives the name prefix from service and frequency', () => {
    expect(loadConfig({ SERVICE_NAME: 'AmazonChimeBusinessCalling', JOB_FREQUENCY: 'Monthly' }).namePrefix).to.equal(
      'chime-bc-monthly',
    );
    expect(loadConfig({ JOB_FREQUENCY: 'weekly' }).frequency).to.equal('Weekly');
    expect(loadConfig({ NAME_PREFIX: 'acme-vc' }).namePrefix).to.equal('acme-vc');
  });

  it('takes a custom network, and keeps tasks private there by default', () => {
    const c = loadConfig({ VPC_ID: 'vpc-0abc', SUBNET_IDS: 'subnet-01, subnet-02', SECURITY_GROUP_IDS: 'sg-1' });
    expect(c.network).to.deep.equal({ vpcId: 'vpc-0abc', subnetIds: ['subnet-01', 'subnet-02'] });
    expect(c.securityGroupIds).to.deep.equal(['sg-1']);
    expect(c.assignPublicIp).to.equal(false);
  });

  it('accepts every Fargate size and refuses anything else', () => {
    for (const size of FARGATE_SIZES) {
      for (const memory of size.memoryMiB) {
        const c = loadConfig({ JOB_VCPU: size.vcpu, JOB_MEMORY: String(memory) });
        expect(isValidFargateSize(c.jobVcpu, c.jobMemoryMiB)).to.equal(true);
      }
    }
    expect(loadConfig({ JOB_VCPU: '.5' }).jobVcpu).to.equal('0.5');
    expect(loadConfig({ JOB_VCPU: '16' }).jobMemoryMiB).to.equal(32768);
    expect(isValidFargateSize('8', 18432)).to.equal(false);
    expect(isValidFargateSize('16', 40960)).to.equal(true);
  });

  it('refuses a bad service', () => {
    expect(problems({ SERVICE_NAME: 'AmazonChime' })).to.deep.equal([
      'SERVICE_NAME: "AmazonChime" is not one of AmazonChimeVoiceConnector, AmazonChimeBusinessCalling',
    ]);
  });

  it('refuses a bad frequency', () => {
    expect(problems({ JOB_FREQUENCY: 'Hourly' })).to.deep.equal([
      'JOB_FREQUENCY: "Hourly" is not one of Daily, Weekly, Monthly',
    ]);
  });

  it('refuses a vCPU/memory combination Fargate does not run', () => {
    const [line] = problems({ JOB_VCPU: '1', JOB_MEMORY: '1024' });
    expect(line).to.match(/^JOB_MEMORY: "1024" MiB is not valid with 1 vCPU on Fargate \(allowed: 2048 to 8192/);
    expect(problems({ JOB_VCPU: '3' })[0]).to.match(/^JOB_VCPU: "3" is not a Fargate vCPU value/);
    expect(problems({ JOB_VCPU: '8', JOB_MEMORY: '18432' })[0]).to.match(/steps of 4096/);
  });

  it('refuses bucket URIs and invalid bucket names', () => {
    expect(problems({ CDR_BUCKET: 's3://my-bucket' })[0]).to.match(/^CDR_BUCKET: give the bucket name only/);
    expect(problems({ CDR_BUCKET: 'My_Bucket' })[0]).to.match(/^CDR_BUCKET: "My_Bucket" is not a valid S3 bucket name/);
  });

  it('refuses inconsistent or malformed network settings', () => {
    expect(problems({ SUBNET_IDS: 'subnet-1' })).to.deep.equal(['VPC_ID: must be set when SUBNET_IDS is set']);
    expect(problems({ VPC_ID: 'vpc-1' })[0]).to.match(/^SUBNET_IDS: must list at least one subnet/);
    expect(problems({ VPC_ID: 'vpc-1', SUBNET_IDS: 'sn-1' })[0]).to.match(/^SUBNET_IDS: not subnet IDs: sn-1/);
    expect(problems({ SECURITY_GROUP_IDS: 'group' })[0]).to.match(/^SECURITY_GROUP_IDS/);
  });

  it('refuses other bad values, one line per variable, all at once', () => {
    const lines = problems({
      AWS_REGION: 'Europe',
      IMAGE_TAG: 'has space',
      NAME_PREFIX: 'Chime_VC',
      ARRAY_SIZE: '0',
      LOG_RETENTION_DAYS: '31',
      MAX_VCPUS: '0',
      FARGATE_SPOT: 'maybe',
      SCHEDULE_STATE: 'PAUSED',
      KMS_KEY_ARN: 'alias/x',
      ATHENA_BYTES_SCANNED_CUTOFF: '1000',
    });
    const variables = lines.map((l) => l.split(':')[0]);
    expect(variables).to.have.members([
      'AWS_REGION',
      'IMAGE_TAG',
      'NAME_PREFIX',
      'ARRAY_SIZE',
      'LOG_RETENTION_DAYS',
      'MAX_VCPUS',
      'FARGATE_SPOT',
      'SCHEDULE_STATE',
      'KMS_KEY_ARN',
      'ATHENA_BYTES_SCANNED_CUTOFF',
    ]);
    expect(new Set(variables).size).to.equal(lines.length);
    const error = (() => {
      try {
        loadConfig({ SERVICE_NAME: 'x', JOB_FREQUENCY: 'y' });
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error?.message.split('\n')).to.have.lengthOf(3);
  });

  it('refuses a name prefix too long for the derived IAM role names', () => {
    expect(problems({ NAME_PREFIX: `a${'b'.repeat(32)}` })[0]).to.match(/^NAME_PREFIX: .* must be 2 to 32/);
  });

  it('can leave the scheduler concurrency unreserved', () => {
    expect(loadConfig({ SCHEDULER_RESERVED_CONCURRENCY: 'none' }).schedulerReservedConcurrency).to.equal(undefined);
  });
});
