/** Defaults of {@link SummaryAlarms} (see alarms.ts), in one place. */

/** Seconds over which the dead-letter queue's depth is looked at. */
export const DEFAULT_DLQ_ALARM_PERIOD_SECONDS = 300;

/** Batch statuses that mean "this run failed for good" (every attempt used, or cancelled before running). */
export const FAILED_JOB_STATUSES: readonly string[] = ['FAILED'];

/** Message sent for a failed job: EventBridge fills `<name>` from the input paths below. */
export const FAILED_JOB_MESSAGE =
  '"CDR summary job <jobName> (<jobId>) in queue <jobQueue> FAILED after <attempts> attempt(s): <statusReason>"';

/** Paths of the Batch "Job State Change" event the message uses. */
export const FAILED_JOB_INPUT_PATHS: Readonly<Record<string, string>> = {
  jobName: '$.detail.jobName',
  jobId: '$.detail.jobId',
  jobQueue: '$.detail.jobQueue',
  statusReason: '$.detail.statusReason',
  attempts: '$.detail.retryStrategy.attempts',
};

/** Name of the stack's alarm topic (also where opted-in cost-anomaly notices go). */
export function alarmTopicName(namePrefix: string): string {
  return `${namePrefix}-alarms`;
}
