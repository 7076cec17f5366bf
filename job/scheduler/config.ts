/**
 * The scheduler's configuration, read from the environment. AWS endpoints are NOT configured here:
 * the SDK clients read the standard `AWS_ENDPOINT_URL_<SERVICE>` variables.
 */

import { isBucketName } from '../core/bucket-name';
import { ConfigError, type Env, EnvReader, parseFlag, parseWholeNumber } from '../core/env';
import { type Frequency, PeriodError, parseFrequency } from '../core/period';
import { SCHEDULER_ENV } from '../core/scheduler-env';
import { isServiceCode, SERVICES, type ServiceCode } from '../core/schema';

export { ConfigError, parseFlag };

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
    throw new ConfigError(source, `${JSON.stringify(value)} is not a valid S3 bucket name`);
  }
  return bucket;
}

/** Parses a service code; throws ConfigError naming the allowed values. */
export function parseService(value: string, source = 'SERVICE_NAME'): ServiceCode {
  const service = value.trim();
  if (!isServiceCode(service)) {
    throw new ConfigError(source, `${JSON.stringify(value)} is not one of ${SERVICES.join(', ')}`);
  }
  return service;
}

/** Parses an array size (1 … 10000). */
export function parseArraySize(value: string, source = 'ARRAY_SIZE'): number {
  return parseWholeNumber(value, source, 1, MAX_ARRAY_SIZE);
}

/** Parses a frequency, reporting errors as ConfigError. */
export function parseConfigFrequency(value: string, source = 'JOB_FREQUENCY'): Frequency {
  try {
    return parseFrequency(value);
  } catch (error) {
    if (error instanceof PeriodError) throw new ConfigError(source, error.message, `${source}: ${error.message}`);
    throw error;
  }
}

/** The optional charge settings: `RATE_DECK_KEY`, `CONNECTORS_KEY`, `REFRESH_CONNECTORS` (true/false). */
export function chargeConfigFromEnv(
  env: Env,
  service: ServiceCode,
): Pick<SchedulerConfig, 'rateDeckKey' | 'connectorsKey' | 'refreshConnectors'> {
  const read = new EnvReader(env);
  const key = (name: string) => read.text(name)?.replace(/^\/+/, '') || undefined;
  const refreshConnectors = read.flag(SCHEDULER_ENV.refreshConnectors);
  if (refreshConnectors && service !== 'AmazonChimeVoiceConnector')
    throw new ConfigError(
      'REFRESH_CONNECTORS',
      'applies to AmazonChimeVoiceConnector only (Business Calling has accounts)',
    );
  const rateDeckKey = key(SCHEDULER_ENV.rateDeckKey);
  const connectorsKey = key(SCHEDULER_ENV.connectorsKey);
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
export function configFromEnv(env: Env = process.env): SchedulerConfig {
  const read = new EnvReader(env);
  const name = SCHEDULER_ENV;
  const service = parseService(read.required(name.service));
  const scheduleName = read.text(name.scheduleName);
  return {
    bucket: parseBucket(read.required(name.bucket)),
    service,
    frequency: parseConfigFrequency(read.required(name.frequency)),
    jobQueue: read.required(name.jobQueue),
    jobDefinition: read.required(name.jobDefinition),
    arraySize: read.integer(name.arraySize, 1, 1, MAX_ARRAY_SIZE),
    jobNamePrefix: read.text(name.jobNamePrefix) ?? DEFAULT_JOB_NAME_PREFIX,
    allowCurrentPrices: read.flag(name.allowCurrentPrices),
    ...(scheduleName ? { scheduleName } : {}),
    ...(read.flag(name.checkJobImage) ? { checkJobImage: true } : {}),
    ...chargeConfigFromEnv(env, service),
    ...(read.flag(name.allowEmptyPeriods) ? { allowEmptyPeriods: true } : {}),
  };
}
