/**
 * The scheduler Lambda: event → period → price snapshot stored in the CDR bucket → one
 * Batch job for the period (or the one already active). Also the code path of `cdr-summary submit`.
 */

import type { BatchClient } from '@aws-sdk/client-batch';
import type { ChimeSDKVoiceClient } from '@aws-sdk/client-chime-sdk-voice';
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { PricingClient } from '@aws-sdk/client-pricing';
import pino, { type Logger } from 'pino';
import { EnvReader } from '../core/env';
import { createJsonLogger } from '../core/logger';
import { type Frequency, formatDate, type Period } from '../core/period';
import { schemaFor } from '../core/schema';
import { createPricingClient, refreshPrices, snapshotKeyFor } from '../prices/refresh';
import type { ObjectStore } from '../store/object-store';
import { S3Store } from '../store/s3';
import { type ChargeInputs, prepareChargeInputs } from './charge-inputs';
import { configFromEnv, type SchedulerConfig } from './config';
import { parseSchedulerEvent } from './event';
import { assertJobImageExists } from './image-check';
import { lateArrivalReruns } from './late-reruns';
import { createBatchClient, findActiveJob, jobNameFor, type SubmittedJob, submitJob } from './submit';
import { createChimeVoiceClient } from './voice-connectors';

/** What the handler returns (and logs). */
export interface SchedulerResult {
  readonly jobId: string;
  readonly jobName: string;
  readonly period: { readonly frequency: Frequency; readonly start: string; readonly end: string };
  /** `s3://<bucket>/<pricingPrefix>snapshots/<start>_<end>.json` */
  readonly priceSnapshot: string;
  /** True when a job of that name was still active and nothing new was submitted. */
  readonly existing: boolean;
  /** `s3://…` copies of the rate deck and connectors file the job was given (when configured). */
  readonly rateDeck?: string;
  readonly connectors?: string;
  /** Batch status of the job (SUBMITTED for a new one). */
  readonly status: string;
  /** Scheduled invocations only: re-runs of periods that late-filed CDRs belong to (absent when none). */
  readonly lateArrivalReruns?: readonly SchedulerResult[];
}

/** Everything `runScheduler` talks to; clients default to ones built from the environment. */
export interface SchedulerDeps {
  readonly config: SchedulerConfig;
  /** The current time (tests inject it). */
  readonly now?: Date;
  readonly logger?: Logger;
  readonly pricing?: PricingClient;
  readonly batch?: BatchClient;
  /** Chime SDK Voice client, for REFRESH_CONNECTORS (default: one from the environment). */
  readonly chime?: ChimeSDKVoiceClient;
  /** Store over the CDR bucket (default: an S3Store over `s3://<bucket>`). */
  readonly store?: ObjectStore;
  readonly fetch?: typeof fetch;
  /** ECR client for a region (image check; default: one from the environment). */
  readonly ecrFor?: (region: string) => ECRClient;
}

/**
 * Works out the period from the event (throwing EventError before any request when it is invalid),
 * returns the active job of the same name if there is one, otherwise stores the price snapshot and
 * then submits the job. A scheduled invocation then re-runs the periods of its frequency that late
 * CDRs named in recent manifests belong to (see late-reruns.ts), listed in `lateArrivalReruns`.
 */
export async function runScheduler(event: unknown, deps: SchedulerDeps): Promise<SchedulerResult> {
  const { config } = deps;
  const now = deps.now ?? new Date();
  const logger = deps.logger ?? pino({ level: 'silent' });
  const request = parseSchedulerEvent(event, config, now);
  const batch = deps.batch ?? createBatchClient();
  let opened: ObjectStore | undefined;
  const store = async (): Promise<ObjectStore> => {
    if (deps.store) return deps.store;
    opened ??= await S3Store.open(config.bucket);
    return opened;
  };
  try {
    logger.info({ event, kind: request.kind }, 'event received');
    const main = await submitPeriod(request.period, deps, batch, store, now, logger);
    if (request.kind !== 'scheduled') return main;
    const { due, waiting } = await lateArrivalReruns(await store(), schemaFor(config.service), config.frequency, now);
    if (due.length === 0) return main;
    logger.warn(
      { periods: due.map((p) => `${p.frequency} ${formatDate(p.end)}`), waiting },
      'late-filed CDRs: re-running the periods they belong to',
    );
    const reruns: SchedulerResult[] = [];
    for (const period of due) reruns.push(await submitPeriod(period, deps, batch, store, now, logger));
    return { ...main, lateArrivalReruns: reruns };
  } finally {
    await opened?.close();
  }
}

/** Submits one period's job (or returns the active one of that name), its price snapshot stored first. */
async function submitPeriod(
  period: Period,
  deps: SchedulerDeps,
  batch: BatchClient,
  store: () => Promise<ObjectStore>,
  now: Date,
  logger: Logger,
): Promise<SchedulerResult> {
  const { config } = deps;
  const jobName = jobNameFor(config.jobNamePrefix, config.service, period);
  const snapshotKey = snapshotKeyFor(config.service, period);
  const priceSnapshot = `s3://${config.bucket}/${snapshotKey}`;
  const periodOut = { frequency: period.frequency, start: formatDate(period.start), end: formatDate(period.end) };
  const result = (job: SubmittedJob, inputs: ChargeInputs = {}): SchedulerResult => ({
    jobId: job.jobId,
    jobName: job.jobName,
    period: periodOut,
    priceSnapshot,
    existing: job.existing,
    status: job.status,
    ...inputs,
  });
  logger.info({ period: periodOut, jobName }, 'period resolved');

  // Checked first so that the snapshot a running job reads is not rewritten under it.
  const active = await findActiveJob(batch, config.jobQueue, jobName);
  if (active) {
    const out = result(active);
    logger.info(out, 'job of that name still active; nothing submitted');
    return out;
  }

  // Image before schedule: a job whose image was never pushed is not submitted (nothing stored either).
  if (config.checkJobImage) {
    const image = await assertJobImageExists(batch, config.jobDefinition, deps.ecrFor);
    logger.info({ image: image?.uri ?? 'not in private ECR (not checked)' }, 'job image present');
  }

  const prices = await refreshPrices({
    pricing: deps.pricing ?? createPricingClient(),
    store: await store(),
    service: config.service,
    period,
    now,
    logger,
    allowCurrentPrices: config.allowCurrentPrices === true,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  // The stack's rate deck and connectors file, copied next to the snapshot (every report reproducible).
  const inputs = await prepareChargeInputs({
    config,
    store: await store(),
    period,
    logger,
    chime: () => deps.chime ?? createChimeVoiceClient(),
  });
  // submitJob asks ListJobs again right before submitting, narrowing the window for a concurrent run.
  const job = await submitJob(
    batch,
    {
      bucket: config.bucket,
      service: config.service,
      frequency: period.frequency,
      end: formatDate(period.end),
      prices: priceSnapshot,
      ...(config.allowEmptyPeriods ? { allowEmpty: true } : {}),
      ...inputs,
    },
    {
      jobQueue: config.jobQueue,
      jobDefinition: config.jobDefinition,
      jobName,
      arraySize: config.arraySize,
    },
  );
  const out = result(job, inputs);
  logger.info(
    { ...out, priceMethod: prices.method, priceVersions: prices.document.versions.map((v) => v.id) },
    job.existing ? 'job of that name became active meanwhile; nothing submitted' : 'job submitted',
  );
  return out;
}

let sharedClients: { pricing: PricingClient; batch: BatchClient } | undefined;

/**
 * The Lambda entry point. Configuration from the environment (`CDR_BUCKET`, `SERVICE_NAME`,
 * `JOB_FREQUENCY`, `JOB_QUEUE`, `JOB_DEFINITION`, optional `ARRAY_SIZE`, `JOB_NAME_PREFIX`,
 * `SCHEDULE_NAME`, `CHECK_JOB_IMAGE`, `LOG_LEVEL`); endpoints from the SDK's `AWS_ENDPOINT_URL_<SERVICE>` variables. Returns
 * `{jobId, jobName, period, priceSnapshot, existing, status}`; throws (one-line message) on a bad
 * event or configuration, with nothing submitted.
 */
export async function handler(event: unknown): Promise<SchedulerResult> {
  const logger = createJsonLogger({
    app: 'cdr-summary-scheduler',
    level: new EnvReader().text('LOG_LEVEL') ?? 'info',
    destination: pino.destination({ fd: 1, sync: true }),
  });
  try {
    const config = configFromEnv(process.env);
    sharedClients ??= { pricing: createPricingClient(), batch: createBatchClient() };
    return await runScheduler(event, { config, logger, ...sharedClients });
  } catch (error) {
    logger.error({ err: error, event }, error instanceof Error ? error.message : String(error));
    throw error;
  }
}
