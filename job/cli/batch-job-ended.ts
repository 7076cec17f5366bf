import type { BatchClient } from '@aws-sdk/client-batch';
import type { HolderEndedCheck } from '../pipeline/lease';

/** A lease owner that is a Batch job: `batch:<job id>` (see defaultLeaseOwner). */
const BATCH_OWNER = /^batch:([A-Za-z0-9-]{1,128})$/;
/** A job not yet known to have failed is asked about again after this long (a run may poll a day lease every second). */
const RECHECK_MS = 30_000;
/** Longest wait for one DescribeJobs answer. */
const TIMEOUT_MS = 5_000;

/**
 * A HolderEndedCheck for leases held by a Batch job (owner `batch:<job id>`): the holder ended for
 * good when DescribeJobs says its job FAILED — every attempt is spent, and Batch fails the jobs that
 * depend on it (an array job's finalize), so none of its processes will run again. SUCCEEDED is not
 * enough (an array job's finalize may still be to run under the same owner). Any other owner, an
 * unknown job or a failed request answers false: the lease is then respected until it expires.
 * The Batch client (region and credentials from the standard AWS configuration) is made on first use.
 */
export function batchJobEndedCheck(makeClient: () => Promise<BatchClient> = defaultBatchClient): HolderEndedCheck {
  let client: Promise<BatchClient> | undefined;
  const failed = new Set<string>();
  const askedAt = new Map<string, number>();
  return async (holder) => {
    const jobId = BATCH_OWNER.exec(holder.owner)?.[1];
    if (jobId === undefined) return false;
    if (failed.has(jobId)) return true;
    if (Date.now() - (askedAt.get(jobId) ?? Number.NEGATIVE_INFINITY) < RECHECK_MS) return false;
    askedAt.set(jobId, Date.now());
    client ??= makeClient();
    const { DescribeJobsCommand } = await import('@aws-sdk/client-batch');
    const answer = await (await client).send(new DescribeJobsCommand({ jobs: [jobId] }), {
      abortSignal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const ended = answer.jobs?.some((job) => job.jobId === jobId && job.status === 'FAILED') ?? false;
    if (ended) failed.add(jobId);
    return ended;
  };
}

async function defaultBatchClient(): Promise<BatchClient> {
  const { BatchClient } = await import('@aws-sdk/client-batch');
  return new BatchClient({ maxAttempts: 2 });
}
