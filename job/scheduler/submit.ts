/**
 * Submitting the period's job to AWS Batch — once. The job name is deterministic (service,
 * frequency, end date), so a job of that name still active means the period is already being
 * summarized and nothing new is submitted.
 */

import { BatchClient, type JobStatus, paginateListJobs, SubmitJobCommand } from '@aws-sdk/client-batch';
import { type JobParameterValues, runJobArguments } from '../core/job-command';
import { type Frequency, formatDate, type Period } from '../core/period';
import type { ServiceCode } from '../core/schema';

/** Batch job statuses in which a job still counts as running for duplicate refusal. */
export const ACTIVE_JOB_STATUSES: readonly JobStatus[] = ['SUBMITTED', 'PENDING', 'RUNNABLE', 'STARTING', 'RUNNING'];

/** AWS Batch's job name limit. */
export const MAX_JOB_NAME_LENGTH = 128;

/** Batch client with region/credentials/endpoint from the standard SDK sources (`AWS_ENDPOINT_URL_BATCH`). */
export function createBatchClient(): BatchClient {
  return new BatchClient({});
}

/**
 * Makes a name acceptable to Batch: letters, digits, `-` and `_` only (anything else becomes `-`),
 * an alphanumeric first character, at most 128 characters.
 */
export function sanitizeJobName(text: string): string {
  let name = text.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  if (name === '') name = 'job';
  return name.slice(0, MAX_JOB_NAME_LENGTH);
}

/** The deterministic job name `<prefix>-<service>-<frequency>-<yyyy-mm-dd>` of a period. */
export function jobNameFor(prefix: string, service: ServiceCode, period: Period): string {
  return sanitizeJobName(`${prefix}-${service}-${period.frequency}-${formatDate(period.end)}`);
}

/** What the container is told to do. */
export interface JobSpec {
  readonly bucket: string;
  readonly service: ServiceCode;
  readonly frequency: Frequency;
  /** Zero-padded end date (included). */
  readonly end: string;
  /** `s3://bucket/key` of the price snapshot. */
  readonly prices: string;
  /** `s3://bucket/key` of the rate deck copy, if the stack has a deck. */
  readonly rateDeck?: string;
  /** `s3://bucket/key` of the connectors file copy, if any. */
  readonly connectors?: string;
  /** Report a period with no CDR object as empty (`--allow-empty`) instead of failing. */
  readonly allowEmpty?: boolean;
}

/** The container command of the job: `runJobArguments` (job/core/job-command.ts) with this job's parameters. */
export function jobCommand(spec: JobSpec): string[] {
  return runJobArguments(jobParameters(spec), { allowEmpty: spec.allowEmpty });
}

/** `--frequency <F> --end <D> --service <S>`: the period and service, as every job command names them. */
function periodArguments(spec: JobSpec): string[] {
  return ['--frequency', spec.frequency, '--end', spec.end, '--service', spec.service];
}

/**
 * The command of the job that merges an array job's shards once they all succeeded:
 * `finalize --dest s3://<bucket> --frequency <F> --end <D> --service <S> --shards <N>`.
 */
export function finalizeCommand(spec: JobSpec, shards: number): string[] {
  return ['finalize', '--dest', `s3://${spec.bucket}`, ...periodArguments(spec), '--shards', String(shards)];
}

/** The same contract as SubmitJob `parameters` (usable as `Ref::end` etc. in a job definition). */
export function jobParameters(spec: JobSpec): JobParameterValues {
  return {
    source: `s3://${spec.bucket}`,
    prices: spec.prices,
    frequency: spec.frequency,
    end: spec.end,
    service: spec.service,
    ...(spec.rateDeck ? { rateDeck: spec.rateDeck } : {}),
    ...(spec.connectors ? { connectors: spec.connectors } : {}),
  };
}

/** A job found or submitted. */
export interface SubmittedJob {
  readonly jobId: string;
  readonly jobName: string;
  readonly jobArn?: string;
  /** True when an active job of that name already existed and nothing was submitted. */
  readonly existing: boolean;
  /** Status of the existing job (`SUBMITTED` for a new one). */
  readonly status: string;
  /** For a new array job: the finalize job submitted to run after every shard succeeded. */
  readonly finalizeJobId?: string;
}

/**
 * Finds a job named exactly `jobName` in `jobQueue` that is still active. ListJobs with a `JOB_NAME`
 * filter ignores `jobStatus` and returns every status (newest first), so the statuses are filtered
 * here; all pages are read.
 */
export async function findActiveJob(
  batch: BatchClient,
  jobQueue: string,
  jobName: string,
): Promise<SubmittedJob | undefined> {
  // The SDK's paginator reads every page; `stopOnSameToken` ends a server that repeats its token.
  const pages = paginateListJobs(
    { client: batch, stopOnSameToken: true },
    { jobQueue, filters: [{ name: 'JOB_NAME', values: [jobName] }] },
  );
  for await (const page of pages) {
    for (const job of page.jobSummaryList ?? []) {
      if (job.jobName !== jobName || job.jobId === undefined || job.status === undefined) continue;
      if (!ACTIVE_JOB_STATUSES.includes(job.status)) continue;
      return { jobId: job.jobId, jobName, jobArn: job.jobArn, existing: true, status: job.status };
    }
  }
  return undefined;
}

/** What `submitJob` needs besides the command. */
export interface SubmitOptions {
  readonly jobQueue: string;
  readonly jobDefinition: string;
  readonly jobName: string;
  /** > 1 submits an array job of that many shards (`AWS_BATCH_JOB_ARRAY_INDEX` in each). */
  readonly arraySize: number;
}

/**
 * Submits the job unless a job of the same name is still active, in which case that one is returned.
 * With `arraySize` > 1 the job is an array job (one shard per child, `AWS_BATCH_JOB_ARRAY_INDEX`),
 * followed by a `<name>-finalize` job that depends on it and merges the shards.
 */
export async function submitJob(batch: BatchClient, spec: JobSpec, options: SubmitOptions): Promise<SubmittedJob> {
  const active = await findActiveJob(batch, options.jobQueue, options.jobName);
  if (active) return active;
  const response = await batch.send(
    new SubmitJobCommand({
      jobName: options.jobName,
      jobQueue: options.jobQueue,
      jobDefinition: options.jobDefinition,
      parameters: jobParameters(spec),
      containerOverrides: { command: jobCommand(spec) },
      ...(options.arraySize > 1 ? { arrayProperties: { size: options.arraySize } } : {}),
    }),
  );
  if (!response.jobId) throw new Error(`SubmitJob returned no jobId for ${options.jobName}`);
  let finalizeJobId: string | undefined;
  if (options.arraySize > 1) {
    const finalize = await batch.send(
      new SubmitJobCommand({
        jobName: sanitizeJobName(`${options.jobName}-finalize`),
        jobQueue: options.jobQueue,
        jobDefinition: options.jobDefinition,
        dependsOn: [{ jobId: response.jobId }],
        parameters: jobParameters(spec),
        containerOverrides: {
          command: finalizeCommand(spec, options.arraySize),
          // The shards hold the period's lease under the array job's id; finalize releases it as that owner.
          environment: [{ name: 'CDR_LEASE_OWNER', value: `batch:${response.jobId}` }],
        },
      }),
    );
    finalizeJobId = finalize.jobId;
  }
  return {
    jobId: response.jobId,
    jobName: response.jobName ?? options.jobName,
    jobArn: response.jobArn,
    existing: false,
    status: 'SUBMITTED',
    ...(finalizeJobId ? { finalizeJobId } : {}),
  };
}
