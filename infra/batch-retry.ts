/**
 * The job definition's retry strategy and AWS Batch's rules for it, as a pure function so the
 * rules can be tested against the status reasons AWS documents.
 *
 * Batch's rules (AWS Batch User Guide, "Automated job retries", and the `EvaluateOnExit` API
 * reference): at most 5 conditions, evaluated in order, the first whose every given pattern matches
 * decides; if none matches, the job is RETRIED — hence a final `EXIT` on `onReason: "*"`. A pattern
 * holds up to 512 letters, digits, periods, colons and white space, and may end with `*`, in which
 * case only the start of the text must match exactly; otherwise the whole text must.
 */

/** One `evaluateOnExit` condition. */
export interface RetryCondition {
  readonly action: 'RETRY' | 'EXIT';
  readonly onStatusReason?: string;
  readonly onReason?: string;
  readonly onExitCode?: string;
}

/** What Batch knows about a failed attempt. */
export interface AttemptExit {
  /** The attempt's status reason (for Fargate: the ECS task's stopped reason). */
  readonly statusReason?: string;
  /** The container's reason (e.g. `CannotPullContainerError: …`). */
  readonly reason?: string;
  readonly exitCode?: number;
}

/**
 * Status reason of a Fargate Spot task reclaimed by AWS. Source: Amazon ECS Developer Guide, "AWS
 * Fargate capacity providers"
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html):
 * "The following is a snippet of a task state change event displaying the stopped reason and stop
 * code for a Fargate Spot interruption" — `"stoppedReason": "Your Spot Task was interrupted."`,
 * `"stopCode": "TerminationNotice"` (the AWS Knowledge Center article "How do I handle Spot
 * termination notices in AWS Fargate Spot tasks?" shows the same text). AWS Batch reports the
 * task's stopped reason as the attempt's status reason, which `onStatusReason` matches.
 */
export const FARGATE_SPOT_INTERRUPTED_REASON = 'Your Spot Task was interrupted.';

/**
 * Prefix of the status reason AWS Batch gives an attempt whose EC2 host was lost
 * (`Host EC2 (instance i-…) terminated.`), the `Host EC2*` rule in wide use with Batch retry
 * strategies; not verified here against an AWS page, and irrelevant on Fargate, where the Spot
 * rule below applies. Kept so an EC2 compute environment added later retries lost hosts too.
 */
export const HOST_TERMINATED_REASON_PREFIX = 'Host EC2';

/**
 * Retry only what the infrastructure broke (an attempt lost with its host, an image pull or task
 * initialisation failure, a Fargate Spot reclamation); any other failure is the job's own verdict
 * on its input and is not retried.
 */
export const RETRY_CONDITIONS: readonly RetryCondition[] = [
  { action: 'RETRY', onStatusReason: `${HOST_TERMINATED_REASON_PREFIX}*` },
  { action: 'RETRY', onStatusReason: 'CannotPullContainerError*' },
  { action: 'RETRY', onStatusReason: 'ResourceInitializationError*' },
  { action: 'RETRY', onStatusReason: 'Your Spot Task was interrupted*' },
  { action: 'EXIT', onReason: '*' },
];

const PATTERN = /^[A-Za-z0-9.: \t]{0,511}\*?$/;

/** Whether a Batch glob pattern matches a text (exact, or a prefix when it ends with `*`). */
export function batchPatternMatches(pattern: string, text: string | undefined): boolean {
  if (text === undefined) return false;
  return pattern.endsWith('*') ? text.startsWith(pattern.slice(0, -1)) : text === pattern;
}

/** Refuses conditions Batch would reject, or that would retry what no condition names. */
export function validateRetryConditions(conditions: readonly RetryCondition[]): void {
  if (conditions.length === 0 || conditions.length > 5) throw new Error('evaluateOnExit holds 1 to 5 conditions');
  for (const condition of conditions) {
    const patterns = [condition.onStatusReason, condition.onReason].filter((p): p is string => p !== undefined);
    if (patterns.length === 0 && condition.onExitCode === undefined) {
      throw new Error('every evaluateOnExit condition needs a pattern');
    }
    for (const pattern of patterns) {
      if (!PATTERN.test(pattern)) throw new Error(`pattern ${JSON.stringify(pattern)} is not a valid Batch pattern`);
    }
  }
  const last = conditions[conditions.length - 1];
  if (last?.action !== 'EXIT' || last.onReason !== '*' || last.onStatusReason !== undefined) {
    throw new Error('the last evaluateOnExit condition must be EXIT on reason "*" (unmatched failures are retried)');
  }
}

/** What Batch does with a failed attempt under `conditions` (attempts left permitting). */
export function retryDecision(conditions: readonly RetryCondition[], exit: AttemptExit): 'RETRY' | 'EXIT' {
  for (const condition of conditions) {
    const matches =
      (condition.onStatusReason === undefined || batchPatternMatches(condition.onStatusReason, exit.statusReason)) &&
      (condition.onReason === undefined || batchPatternMatches(condition.onReason, exit.reason)) &&
      (condition.onExitCode === undefined ||
        batchPatternMatches(condition.onExitCode, exit.exitCode === undefined ? undefined : String(exit.exitCode)));
    if (matches) return condition.action;
  }
  return 'RETRY';
}
