import { InputError } from '../core/errors';
/**
 * The scheduler's configuration, read from the environment (issue 3). AWS endpoints are NOT
 * configured here: the SDK clients read the standard `AWS_ENDPOINT_URL_<SERVICE>` variables.
 */

import { isBucketName } from '../core/bucket-name';
import { type Frequency, PeriodError, parseFrequency } from '../core/period';
import { isServiceCode, SERVICES, type ServiceCode } from '../core/schema';

/** Thrown for missing or invalid configuration; the message is one line for the user. */
export class ConfigError extends InputError {
  override readonly name = 'ConfigError';
}

/** Everything the scheduler needs besides the event. */
export interface SchedulerConfig {
  /** Bucket holding the CDRs, the price snapshots and the reports (`CDR_BUCKET`). */
  readonly bucket: string;
  /** `SERVICE_NAME`. */
  readonly service: ServiceCode;
  /** Frequency of scheduled runs (`JOB_FREQUENCY`). */
  readonly frequency: Frequency;
  /** Batch job queue name or ARN (`JOB_QUEUE`). */
  readonly jobQueue: string;
  /** Batch job definition name, name:revision or ARN (`JOB_DEFINITION`). */
  readonly jobDefinition: string;
  /** Number of shards; > 1 submits an array job (`ARRAY_SIZE`, default 1). */
  readonly arraySize: number;
  /** First part of the job name (`JOB_NAME_PREFIX`, default `cdr-summary`). */
  readonly jobNamePrefix: string;
  /**
   * Whether current prices may rate a period that began before they were published, when
   * ListPriceLists cannot serve it (`ALLOW_CURRENT_PRICES`, default false: the run is refused).
   */
  readonly allowCurrentPrices?: boolean;
  /**
   * Name of the EventBridge schedule that invokes the function (`SCHEDULE_NAME`): only its events
   * count as scheduled; other EventBridge-looking events are validated like manual ones.
   */
  readonly scheduleName?: string;
  /**
   * Check that the job definition's image exists in ECR before submitting (`CHECK_JOB_IMAGE`,
   * default false; the stack's Lambda sets it): a missing image fails the invocation, nothing submitted.
   */
  readonly checkJobImage?: boolean;
  /** Key of the rate deck in the bucket (`RATE_DECK_KEY`); the job charges with a copy of it. */
  readonly rateDeckKey?: string;
  /** Key of a connectors file in the bucket (`CONNECTORS_KEY`). */
  readonly connectorsKey?: string;
  /** Refresh the connectors file from the Chime SDK Voice API before each job (`REFRESH_CONNECTORS=true`). */
  readonly refreshConnectors?: boolean;
  /**
   * Whether jobs report a period with no CDR object as empty (`ALLOW_EMPTY_PERIODS`, default false:
   * such a job fails with exit 2, so a stopped CDR delivery is noticed).
   */
  readonly allowEmptyPeriods?: boolean;
}

/** Default first part of the job names. */
export const DEFAULT_JOB_NAME_PREFIX = 'cdr-summary';
/** AWS Batch's limit on array job size. */
export const MAX_ARRAY_SIZE = 10_000;

/** Validates a bucket name (the plain S3 naming rules; no `s3://`). */
export function parseBucket(value: string, source = 'CDR_BUCKET'): string {
  const bucket = value
    .trim()
    .replace(/^s3:\/\//, '')
    .replace(/\/+$/, '');
  if (!isBucketName(bucket)) {
    throw new ConfigError(`${source} ${JSON.stringify(value)} is not a valid S3 bucket name`);
  }
  return bucket;
}

/** Parses a service code; throws ConfigError naming the allowed values. */
export function parseService(value: string, source = 'SERVICE_NAME'): ServiceCode {
  const service = value.trim();
  if (!isServiceCode(service)) {
    throw new ConfigError(`${source} ${JSON.stringify(value)} is not one of ${SERVICES.join(', ')}`);
  }
  return service;
}

/** Parses an array size (1 … 10000). */
export function parseArraySize(value: string, source = 'ARRAY_SIZE'): number {
  const text = value.trim();
  const size = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(size) || size < 1 || size > MAX_ARRAY_SIZE) {
    throw new ConfigError(`${source} ${JSON.stringify(value)} must be a whole number from 1 to ${MAX_ARRAY_SIZE}`);
  }
  return size;
}

/** Parses a frequency, reporting errors as ConfigError. */
export function parseConfigFrequency(value: string, source = 'JOB_FREQUENCY'): Frequency {
  try {
    return parseFrequency(value);
  } catch (error) {
    if (error instanceof PeriodError) throw new ConfigError(`${source}: ${error.message}`);
    throw error;
  }
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') throw new ConfigError(`environment variable ${name} is not set`);
  return value;
}

/** Parses a boolean setting: `true`/`false`/`1`/`0`/`yes`/`no` (any case), empty = false. */
export function parseFlag(value: string | undefined, source: string): boolean {
  const text = (value ?? '').trim().toLowerCase();
  if (text === '' || text === 'false' || text === '0' || text === 'no') return false;
  if (text === 'true' || text === '1' || text === 'yes') return true;
  throw new ConfigError(`${source} ${JSON.stringify(value)} must be true or false`);
}

/** The optional charge settings: `RATE_DECK_KEY`, `CONNECTORS_KEY`, `REFRESH_CONNECTORS` (true/false). */
export function chargeConfigFromEnv(
  env: NodeJS.ProcessEnv,
  service: ServiceCode,
): Pick<SchedulerConfig, 'rateDeckKey' | 'connectorsKey' | 'refreshConnectors'> {
  const key = (name: string) => {
    const value = env[name]?.trim().replace(/^\/+/, '');
    return value ? value : undefined;
  };
  const refreshConnectors = parseFlag(env.REFRESH_CONNECTORS, 'REFRESH_CONNECTORS');
  if (refreshConnectors && service !== 'AmazonChimeVoiceConnector')
    throw new ConfigError(
      'REFRESH_CONNECTORS applies to AmazonChimeVoiceConnector only (Business Calling has accounts)',
    );
  const rateDeckKey = key('RATE_DECK_KEY');
  const connectorsKey = key('CONNECTORS_KEY');
  return {
    ...(rateDeckKey ? { rateDeckKey } : {}),
    ...(connectorsKey ? { connectorsKey } : {}),
    ...(refreshConnectors ? { refreshConnectors } : {}),
  };
}

/**
 * Reads the configuration: `CDR_BUCKET`, `SERVICE_NAME`, `JOB_FREQUENCY`, `JOB_QUEUE`,
 * `JOB_DEFINITION` (required), `ARRAY_SIZE`, `JOB_NAME_PREFIX`, `ALLOW_CURRENT_PRICES`, `SCHEDULE_NAME`,
 * `CHECK_JOB_IMAGE`, `RATE_DECK_KEY`, `CONNECTORS_KEY`, `REFRESH_CONNECTORS`, `ALLOW_EMPTY_PERIODS` (optional).
 * Throws ConfigError.
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): SchedulerConfig {
  const prefix = env.JOB_NAME_PREFIX?.trim() || DEFAULT_JOB_NAME_PREFIX;
  const service = parseService(required(env, 'SERVICE_NAME'));
  return {
    bucket: parseBucket(required(env, 'CDR_BUCKET')),
    service,
    frequency: parseConfigFrequency(required(env, 'JOB_FREQUENCY')),
    jobQueue: required(env, 'JOB_QUEUE').trim(),
    jobDefinition: required(env, 'JOB_DEFINITION').trim(),
    arraySize: env.ARRAY_SIZE?.trim() ? parseArraySize(env.ARRAY_SIZE) : 1,
    jobNamePrefix: prefix,
    allowCurrentPrices: parseFlag(env.ALLOW_CURRENT_PRICES, 'ALLOW_CURRENT_PRICES'),
    ...(env.SCHEDULE_NAME?.trim() ? { scheduleName: env.SCHEDULE_NAME.trim() } : {}),
    ...(parseFlag(env.CHECK_JOB_IMAGE, 'CHECK_JOB_IMAGE') ? { checkJobImage: true } : {}),
    ...chargeConfigFromEnv(env, service),
    ...(parseFlag(env.ALLOW_EMPTY_PERIODS, 'ALLOW_EMPTY_PERIODS') ? { allowEmptyPeriods: true } : {}),
  };
}
