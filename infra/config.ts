/**
 * Configuration of the CDKTF app, read from environment variables, every one with a documented
 * default so that `npm run synth` works with no configuration at all. Everything is validated up
 * front: each bad variable yields one clear line, and all of them are reported together.
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `CDR_BUCKET` | `example-chime-cdr-bucket` | EXISTING bucket Amazon Chime writes CDRs to (looked up, never created) |
 * | `SERVICE_NAME` | `AmazonChimeVoiceConnector` | or `AmazonChimeBusinessCalling` |
 * | `JOB_FREQUENCY` | `Daily` | `Daily`, `Weekly` or `Monthly` (schedule and report period) |
 * | `AWS_REGION` | `AWS_DEFAULT_REGION`, else `us-east-1` | region of the stack (the bucket's region) |
 * | `IMAGE_TAG` | package.json version | tag of the job image in the stack's ECR repository |
 * | `NAME_PREFIX` | `chime-<vc|bc>-<frequency>` | prefix of every resource name (and the stack name) |
 * | `VPC_ID`, `SUBNET_IDS` | default VPC, its default subnets | where the Fargate tasks run (both or neither) |
 * | `SECURITY_GROUP_IDS` | one created, HTTPS egress only | security groups of the tasks |
 * | `ASSIGN_PUBLIC_IP` | `ENABLED` on the default VPC, else `DISABLED` | public IP for tasks (needed without NAT) |
 * | `JOB_VCPU`, `JOB_MEMORY` | `1`, `2048` | task size, a valid Fargate combination (MiB) |
 * | `MAX_VCPUS` | max(16, vCPU × ARRAY_SIZE) | ceiling of each compute environment |
 * | `ARRAY_SIZE` | `1` | shards per run (> 1 submits an array job) |
 * | `FARGATE_SPOT` | `true` | put a Fargate Spot environment first in the queue |
 * | `JOB_ATTEMPTS` | `3` | attempts per job (retried on infrastructure failures only) |
 * | `JOB_TIMEOUT_SECONDS` | `14400` | attempt timeout |
 * | `LOG_RETENTION_DAYS` | `30` | retention of the job's and the Lambda's log groups |
 * | `ATHENA_BYTES_SCANNED_CUTOFF` | `10737418240` (10 GiB) | per-query scan limit of the workgroup |
 * | `ECR_KEEP_IMAGES` | `10` | images kept by the repository's lifecycle policy |
 * | `ECR_FORCE_DELETE` | `false` | let `cdktf destroy` delete a repository that still holds images |
 * | `SCHEDULE_STATE` | `ENABLED` | or `DISABLED` (deploy without running on the schedule) |
 * | `SCHEDULER_RESERVED_CONCURRENCY` | `1` | reserved concurrency of the Lambda, or `none` |
 * | `KMS_KEY_ARN` | none | customer-managed KMS key of the bucket, if it uses SSE-KMS |
 * | `ANOMALY_NOTICES` | false | the job tells the stack's alarm topic about cost anomalies (opt-in) |
 * | `ANOMALY_TOPIC_ARN` | none | another existing SNS topic for those notices (implies `ANOMALY_NOTICES`) |
 * | `SCHEDULER_BUNDLE_DIR` | `dist/scheduler` | folder holding the built Lambda bundle (`index.js`) |
 * | `VPC_ENDPOINTS` | `none` | `create` (S3 gateway + ECR API/Docker + Logs interface endpoints) or `existing` (require the VPC's own); needs VPC_ID |
 * | `VPC_ENDPOINT_SUBNET_IDS` | `SUBNET_IDS` | subnets of created interface endpoints (one per Availability Zone) |
 * | `ROUTE_TABLE_IDS` | each task subnet's route table | route tables of the created S3 gateway endpoint |
 * | `ALARM_EMAIL` | none | e-mail address subscribed to the stack's alarm topic |
 * | `RATE_DECK_KEY` | none | your rate deck, a key under `<Service>-Pricing/` in the bucket; each job charges with a copy |
 * | `CONNECTORS_KEY` | none | a connectors file (names, tags), a key under `<Service>-Pricing/` |
 * | `REFRESH_CONNECTORS` | `false` | refresh the connectors from the Chime SDK Voice API before each job (Voice Connector) |
 */

import * as path from 'node:path';
import { isBucketName } from '../job/core/bucket-name';
import { DEFAULT_REGION, type Env, EnvReader, ConfigError as VariableError } from '../job/core/env';
import { FREQUENCIES, type Frequency } from '../job/core/period';
import { isServiceCode, SERVICES, type ServiceCode, schemaFor } from '../job/core/schema';
import packageJson from '../package.json';
import { describeMemoryChoices, FARGATE_SIZES, fargateSize } from './fargate';

/** The scheduler's rate deck and connectors settings (keys relative to the bucket). */
export interface ChargeInputsConfig {
  readonly rateDeckKey?: string;
  readonly connectorsKey?: string;
  readonly refreshConnectors: boolean;
}

/** How often the job runs, and the length of the period it summarizes (the job's own list). */
export { FREQUENCIES, type Frequency } from '../job/core/period';

/** How the stack provides the VPC endpoints a task in a private subnet (no NAT) needs. */
export const VPC_ENDPOINTS_MODES = ['none', 'create', 'existing'] as const;
export type VpcEndpointsMode = (typeof VPC_ENDPOINTS_MODES)[number];

/** The bucket name used when `CDR_BUCKET` is not set (synth only; deploying it fails the lookup). */
export const EXAMPLE_BUCKET = 'example-chime-cdr-bucket';
export { DEFAULT_REGION };
/** Retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_CHOICES = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
/** Longest accepted NAME_PREFIX: the longest derived name (an IAM role, 64 chars max) must fit. */
export const MAX_NAME_PREFIX_LENGTH = 32;
/** Athena's minimum per-query bytes-scanned cutoff (10 MB). */
export const MIN_ATHENA_CUTOFF = 10_485_760;

/** Everything the stack is built from. */
export interface InfraConfig {
  readonly cdrBucket: string;
  /** True when `CDR_BUCKET` was not set and the example name is used. */
  readonly exampleBucket: boolean;
  readonly service: ServiceCode;
  readonly frequency: Frequency;
  readonly region: string;
  readonly imageTag: string;
  readonly namePrefix: string;
  /** Custom network; undefined means the default VPC and its default subnets. */
  readonly network?: { readonly vpcId: string; readonly subnetIds: readonly string[] };
  /** Security groups given by the user; undefined means the stack creates one. */
  readonly securityGroupIds?: readonly string[];
  readonly assignPublicIp: boolean;
  /** vCPU exactly as Batch expects it (`'0.25'`, `'1'`, …). */
  readonly jobVcpu: string;
  readonly jobMemoryMiB: number;
  readonly maxVcpus: number;
  readonly arraySize: number;
  readonly useFargateSpot: boolean;
  readonly jobAttempts: number;
  readonly jobTimeoutSeconds: number;
  readonly logRetentionDays: number;
  readonly athenaBytesScannedCutoff: number;
  readonly ecrKeepImages: number;
  readonly ecrForceDelete: boolean;
  readonly scheduleEnabled: boolean;
  /** Reserved concurrency of the scheduler Lambda; undefined leaves it unreserved. */
  readonly schedulerReservedConcurrency?: number;
  readonly kmsKeyArn?: string;
  /** SNS topic for cost-anomaly notices (opt-in). */
  readonly anomalyTopicArn?: string;
  /** Send cost-anomaly notices to the stack's alarm topic when no `anomalyTopicArn` is given. */
  readonly anomalyNotices: boolean;
  readonly schedulerBundleDir: string;
  /** VPC endpoints for private subnets: none, created by the stack, or the VPC's existing ones. */
  readonly vpcEndpoints: VpcEndpointsMode;
  /** Subnets of created interface endpoints; undefined means the task subnets. */
  readonly vpcEndpointSubnetIds?: readonly string[];
  /** Route tables of the created S3 gateway endpoint; undefined means each task subnet's. */
  readonly routeTableIds?: readonly string[];
  /** Address subscribed to the alarm topic. */
  readonly alarmEmail?: string;
  /** Rate deck and connector names the scheduler hands each job (see job/scheduler/charge-inputs.ts). */
  readonly chargeInputs: ChargeInputsConfig;
}

/** Thrown by loadConfig: the job's ConfigError for every bad variable at once; `problems` holds one line each. */
export class ConfigError extends VariableError {
  constructor(readonly problems: readonly string[]) {
    super(
      'configuration',
      problems.join('; '),
      `invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}

/** Short service tag used in default names. */
export function serviceTag(service: ServiceCode): 'vc' | 'bc' {
  return service === 'AmazonChimeVoiceConnector' ? 'vc' : 'bc';
}

/** Default NAME_PREFIX: `chime-vc-daily`, `chime-bc-monthly`, … */
export function defaultNamePrefix(service: ServiceCode, frequency: Frequency): string {
  return `chime-${serviceTag(service)}-${frequency.toLowerCase()}`;
}

/**
 * Reads variables with the job's own reader (job/core/env.ts), collecting its problems instead of
 * stopping at the first, so every bad variable is reported at once.
 */
class Reader {
  readonly problems: string[] = [];
  private readonly read: EnvReader;
  constructor(env: Env) {
    this.read = new EnvReader(env);
  }

  /** The trimmed value, or undefined when unset or blank. */
  raw(name: string): string | undefined {
    return this.read.text(name);
  }

  fail<T>(name: string, message: string, fallback: T): T {
    this.problems.push(`${name}: ${message}`);
    return fallback;
  }

  private collect<T>(fallback: T, read: () => T): T {
    try {
      return read();
    } catch (error) {
      if (error instanceof VariableError) return this.fail(error.variable, error.problem, fallback);
      throw error;
    }
  }

  oneOf<T extends string>(name: string, choices: readonly T[], fallback: T): T {
    return this.collect(fallback, () => this.read.oneOf(name, choices, fallback));
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    return this.collect(fallback, () => this.read.integer(name, fallback, min, max));
  }

  boolean(name: string, fallback: boolean): boolean {
    return this.collect(fallback, () => this.read.flag(name, fallback));
  }

  list(name: string): string[] | undefined {
    return this.read.list(name);
  }
}

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d$/;
const IMAGE_TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const NAME_PREFIX_PATTERN = /^[a-z][a-z0-9-]*[a-z0-9]$/;

function readBucket(r: Reader): { bucket: string; example: boolean } {
  const value = r.raw('CDR_BUCKET');
  if (value === undefined) return { bucket: EXAMPLE_BUCKET, example: true };
  if (value.startsWith('s3://')) {
    return r.fail('CDR_BUCKET', `give the bucket name only, without "s3://" (got ${JSON.stringify(value)})`, {
      bucket: EXAMPLE_BUCKET,
      example: false,
    });
  }
  if (!isBucketName(value)) {
    return r.fail('CDR_BUCKET', `${JSON.stringify(value)} is not a valid S3 bucket name`, {
      bucket: EXAMPLE_BUCKET,
      example: false,
    });
  }
  return { bucket: value, example: false };
}

function readService(r: Reader): ServiceCode {
  const value = r.raw('SERVICE_NAME');
  if (value === undefined) return 'AmazonChimeVoiceConnector';
  if (isServiceCode(value)) return value;
  return r.fail('SERVICE_NAME', `${JSON.stringify(value)} is not one of ${SERVICES.join(', ')}`, SERVICES[0]);
}

function readRegion(r: Reader): string {
  const name = r.raw('AWS_REGION') !== undefined ? 'AWS_REGION' : 'AWS_DEFAULT_REGION';
  const value = r.raw(name);
  if (value === undefined) return DEFAULT_REGION;
  if (!REGION_PATTERN.test(value)) return r.fail(name, `${JSON.stringify(value)} is not an AWS region`, DEFAULT_REGION);
  return value;
}

function readSize(r: Reader): { vcpu: string; memory: number } {
  const vcpuText = r.raw('JOB_VCPU') ?? '1';
  const size = fargateSize(vcpuText.replace(/^0?\.(25|5)$/, '0.$1').replace(/\.0+$/, ''));
  if (size === undefined) {
    const choices = FARGATE_SIZES.map((s) => s.vcpu).join(', ');
    return r.fail('JOB_VCPU', `${JSON.stringify(vcpuText)} is not a Fargate vCPU value (${choices})`, {
      vcpu: '1',
      memory: 2048,
    });
  }
  const memoryText = r.raw('JOB_MEMORY');
  if (memoryText === undefined) {
    // 2048 MiB when the vCPU value allows it, else the smallest memory it allows.
    return { vcpu: size.vcpu, memory: size.memoryMiB.includes(2048) ? 2048 : (size.memoryMiB[0] ?? 2048) };
  }
  const mib = /^\d+$/.test(memoryText) ? Number(memoryText) : Number.NaN;
  if (!size.memoryMiB.includes(mib)) {
    return r.fail(
      'JOB_MEMORY',
      `${JSON.stringify(memoryText)} MiB is not valid with ${size.vcpu} vCPU on Fargate (allowed: ${describeMemoryChoices(size)} MiB)`,
      { vcpu: size.vcpu, memory: size.memoryMiB[0] ?? 2048 },
    );
  }
  return { vcpu: size.vcpu, memory: mib };
}

function readNetwork(r: Reader): InfraConfig['network'] {
  const vpcId = r.raw('VPC_ID');
  const subnetIds = r.list('SUBNET_IDS');
  if (vpcId === undefined && subnetIds === undefined) return undefined;
  if (vpcId === undefined) return r.fail('VPC_ID', 'must be set when SUBNET_IDS is set', undefined);
  if (subnetIds === undefined || subnetIds.length === 0) {
    return r.fail('SUBNET_IDS', 'must list at least one subnet ID when VPC_ID is set', undefined);
  }
  if (!/^vpc-[0-9a-f]+$/.test(vpcId)) return r.fail('VPC_ID', `${JSON.stringify(vpcId)} is not a VPC ID`, undefined);
  const bad = subnetIds.filter((id) => !/^subnet-[0-9a-f]+$/.test(id));
  if (bad.length > 0) return r.fail('SUBNET_IDS', `not subnet IDs: ${bad.join(', ')}`, undefined);
  return { vpcId, subnetIds };
}

function readSecurityGroups(r: Reader): readonly string[] | undefined {
  const ids = r.list('SECURITY_GROUP_IDS');
  if (ids === undefined) return undefined;
  const bad = ids.filter((id) => !/^sg-[0-9a-f]+$/.test(id));
  if (ids.length === 0 || bad.length > 0) {
    return r.fail('SECURITY_GROUP_IDS', `not security group IDs: ${bad.join(', ') || '(empty)'}`, undefined);
  }
  return ids;
}

function readEndpoints(r: Reader, network: InfraConfig['network']) {
  const mode = r.oneOf('VPC_ENDPOINTS', VPC_ENDPOINTS_MODES, 'none');
  const subnetIds = r.list('VPC_ENDPOINT_SUBNET_IDS');
  const routeTableIds = r.list('ROUTE_TABLE_IDS');
  if (mode !== 'none' && network === undefined) {
    r.fail('VPC_ENDPOINTS', `${mode} needs VPC_ID and SUBNET_IDS (the default VPC's subnets are public)`, 0);
  }
  if (mode !== 'create' && (subnetIds !== undefined || routeTableIds !== undefined)) {
    r.fail('VPC_ENDPOINTS', 'VPC_ENDPOINT_SUBNET_IDS and ROUTE_TABLE_IDS apply only with VPC_ENDPOINTS=create', 0);
  }
  const badSubnets = (subnetIds ?? []).filter((id) => !/^subnet-[0-9a-f]+$/.test(id));
  if (badSubnets.length > 0) r.fail('VPC_ENDPOINT_SUBNET_IDS', `not subnet IDs: ${badSubnets.join(', ')}`, 0);
  const badTables = (routeTableIds ?? []).filter((id) => !/^rtb-[0-9a-f]+$/.test(id));
  if (badTables.length > 0) r.fail('ROUTE_TABLE_IDS', `not route table IDs: ${badTables.join(', ')}`, 0);
  return {
    vpcEndpoints: mode,
    ...(subnetIds && subnetIds.length > 0 ? { vpcEndpointSubnetIds: subnetIds } : {}),
    ...(routeTableIds && routeTableIds.length > 0 ? { routeTableIds } : {}),
  };
}

function readEmail(r: Reader): string | undefined {
  const email = r.raw('ALARM_EMAIL');
  if (email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    return r.fail('ALARM_EMAIL', `${JSON.stringify(email)} is not an e-mail address`, undefined);
  }
  return email;
}

/**
 * RATE_DECK_KEY, CONNECTORS_KEY (under `<Service>-Pricing/`, which the scheduler and the job may read
 * already: no new S3 grant) and REFRESH_CONNECTORS (Voice Connector only).
 */
function readChargeInputs(r: Reader, service: ServiceCode): ChargeInputsConfig {
  const pricing = schemaFor(service).pricingPrefix;
  const key = (name: string): string | undefined => {
    const value = r.raw(name)?.replace(/^\/+/, '');
    if (value === undefined) return undefined;
    if (!value.startsWith(pricing) || value === pricing)
      return r.fail(name, `${JSON.stringify(value)} must be a key under ${pricing} in the CDR bucket`, undefined);
    return value;
  };
  const rateDeckKey = key('RATE_DECK_KEY');
  const connectorsKey = key('CONNECTORS_KEY');
  const refreshConnectors = r.boolean('REFRESH_CONNECTORS', false);
  if (refreshConnectors && service !== 'AmazonChimeVoiceConnector')
    r.fail('REFRESH_CONNECTORS', 'applies to AmazonChimeVoiceConnector only', 0);
  return { ...(rateDeckKey ? { rateDeckKey } : {}), ...(connectorsKey ? { connectorsKey } : {}), refreshConnectors };
}

/**
 * Reads and validates the configuration from `env` (default: `process.env`). Throws ConfigError
 * listing every bad variable, one line each.
 */
export function loadConfig(env: Env = process.env, repoRoot = path.resolve(__dirname, '..')): InfraConfig {
  const r = new Reader(env);
  const { bucket, example } = readBucket(r);
  const service = readService(r);
  const frequency = r.oneOf('JOB_FREQUENCY', FREQUENCIES, 'Daily');
  const region = readRegion(r);

  const imageTag = r.raw('IMAGE_TAG') ?? packageJson.version;
  if (!IMAGE_TAG_PATTERN.test(imageTag)) r.fail('IMAGE_TAG', `${JSON.stringify(imageTag)} is not a valid image tag`, 0);

  const namePrefix = r.raw('NAME_PREFIX') ?? defaultNamePrefix(service, frequency);
  if (!NAME_PREFIX_PATTERN.test(namePrefix) || namePrefix.length > MAX_NAME_PREFIX_LENGTH) {
    r.fail(
      'NAME_PREFIX',
      `${JSON.stringify(namePrefix)} must be 2 to ${MAX_NAME_PREFIX_LENGTH} lowercase letters, digits or hyphens, starting with a letter`,
      0,
    );
  }

  const network = readNetwork(r);
  const securityGroupIds = readSecurityGroups(r);
  const publicIp = r.oneOf('ASSIGN_PUBLIC_IP', ['ENABLED', 'DISABLED'] as const, network ? 'DISABLED' : 'ENABLED');

  const size = readSize(r);
  const arraySize = r.integer('ARRAY_SIZE', 1, 1, 10_000);
  const minVcpus = Math.ceil(Number(size.vcpu));
  const maxVcpus = r.integer('MAX_VCPUS', Math.max(16, Math.ceil(Number(size.vcpu) * arraySize)), 1, 10_000);
  if (maxVcpus < minVcpus) r.fail('MAX_VCPUS', `${maxVcpus} is below JOB_VCPU (${size.vcpu}): no job could run`, 0);

  const retention = r.integer('LOG_RETENTION_DAYS', 30, 1, 3653);
  if (!(LOG_RETENTION_CHOICES as readonly number[]).includes(retention)) {
    r.fail('LOG_RETENTION_DAYS', `${retention} is not one of ${LOG_RETENTION_CHOICES.join(', ')}`, 0);
  }

  const concurrencyText = r.raw('SCHEDULER_RESERVED_CONCURRENCY');
  const reserved =
    concurrencyText?.toLowerCase() === 'none' ? undefined : r.integer('SCHEDULER_RESERVED_CONCURRENCY', 1, 1, 1000);

  const kmsKeyArn = r.raw('KMS_KEY_ARN');
  if (kmsKeyArn !== undefined && !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/.test(kmsKeyArn)) {
    r.fail(
      'KMS_KEY_ARN',
      `${JSON.stringify(kmsKeyArn)} is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)`,
      0,
    );
  }

  const endpoints = readEndpoints(r, network);
  const alarmEmail = readEmail(r);
  const anomalyTopicArn = r.raw('ANOMALY_TOPIC_ARN');
  if (
    anomalyTopicArn !== undefined &&
    !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/.test(anomalyTopicArn)
  ) {
    r.fail(
      'ANOMALY_TOPIC_ARN',
      `${JSON.stringify(anomalyTopicArn)} is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)`,
      0,
    );
  }

  const config: InfraConfig = {
    cdrBucket: bucket,
    exampleBucket: example,
    service,
    frequency,
    region,
    imageTag,
    namePrefix,
    ...(network ? { network } : {}),
    ...(securityGroupIds ? { securityGroupIds } : {}),
    assignPublicIp: publicIp === 'ENABLED',
    jobVcpu: size.vcpu,
    jobMemoryMiB: size.memory,
    maxVcpus,
    arraySize,
    useFargateSpot: r.boolean('FARGATE_SPOT', true),
    jobAttempts: r.integer('JOB_ATTEMPTS', 3, 1, 10),
    jobTimeoutSeconds: r.integer('JOB_TIMEOUT_SECONDS', 14_400, 60, 1_209_600),
    logRetentionDays: retention,
    athenaBytesScannedCutoff: r.integer(
      'ATHENA_BYTES_SCANNED_CUTOFF',
      10 * 1024 ** 3,
      MIN_ATHENA_CUTOFF,
      Number.MAX_SAFE_INTEGER,
    ),
    ecrKeepImages: r.integer('ECR_KEEP_IMAGES', 10, 1, 1000),
    ecrForceDelete: r.boolean('ECR_FORCE_DELETE', false),
    scheduleEnabled: r.oneOf('SCHEDULE_STATE', ['ENABLED', 'DISABLED'] as const, 'ENABLED') === 'ENABLED',
    ...(reserved !== undefined ? { schedulerReservedConcurrency: reserved } : {}),
    ...(kmsKeyArn !== undefined ? { kmsKeyArn } : {}),
    ...(anomalyTopicArn !== undefined ? { anomalyTopicArn } : {}),
    anomalyNotices: r.boolean('ANOMALY_NOTICES', false),
    schedulerBundleDir: path.resolve(repoRoot, r.raw('SCHEDULER_BUNDLE_DIR') ?? path.join('dist', 'scheduler')),
    ...endpoints,
    ...(alarmEmail !== undefined ? { alarmEmail } : {}),
    chargeInputs: readChargeInputs(r, service),
  };
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}
