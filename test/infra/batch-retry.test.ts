import { expect } from 'chai';
import {
  FARGATE_SPOT_INTERRUPTED_REASON,
  RETRY_CONDITIONS,
  type RetryCondition,
  retryDecision,
  validateRetryConditions,
} from '../../infra/batch-retry';
import { BASE_ENV, onlyResource, synthesize } from './synth';

describe('infra: Batch retry strategy', () => {
  it('retries an attempt whose Fargate Spot task was reclaimed (the documented stopped reason)', () => {
    expect(FARGATE_SPOT_INTERRUPTED_REASON).to.equal('Your Spot Task was interrupted.');
    expect(
      retryDecision(RETRY_CONDITIONS, {
        statusReason: FARGATE_SPOT_INTERRUPTED_REASON,
        reason: 'Essential container in task exited',
      }),
    ).to.equal('RETRY');
  });

  it('retries infrastructure failures: lost host, image pull, task initialisation', () => {
    for (const statusReason of [
      'Host EC2 (instance i-0123456789abcdef0) terminated.',
      'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref',
      'ResourceInitializationError: failed to validate logger args: : signal: killed',
    ]) {
      expect(retryDecision(RETRY_CONDITIONS, { statusReason, reason: 'x' }), statusReason).to.equal('RETRY');
    }
  });

  it('does not retry the job’s own verdict (exit 1, 2, 3) nor a timeout or a cancellation', () => {
    for (const exit of [
      { statusReason: 'Essential container in task exited', reason: 'Essential container in task exited', exitCode: 2 },
      { statusReason: 'Essential container in task exited', reason: 'Essential container in task exited', exitCode: 3 },
      { statusReason: 'Job attempt duration exceeded timeout', reason: 'Job attempt duration exceeded timeout' },
      { statusReason: 'Terminated by user', reason: 'Terminated by user' },
    ]) {
      expect(retryDecision(RETRY_CONDITIONS, exit), exit.statusReason).to.equal('EXIT');
    }
  });

  it('applies Batch’s rules: first match wins, `*` only as a suffix, no match means RETRY', () => {
    const conditions: RetryCondition[] = [
      { action: 'EXIT', onStatusReason: 'Your Spot Task*' },
      { action: 'RETRY', onStatusReason: 'Your Spot Task was interrupted*' },
    ];
    expect(retryDecision(conditions, { statusReason: FARGATE_SPOT_INTERRUPTED_REASON })).to.equal('EXIT');
    // Without the catch-all, anything unmatched (here a wrong-case text) is retried.
    expect(retryDecision(conditions, { statusReason: 'your spot task was interrupted.' })).to.equal('RETRY');
    expect(
      retryDecision([{ action: 'EXIT', onStatusReason: 'Your Spot Task was interrupted' }], {
        statusReason: FARGATE_SPOT_INTERRUPTED_REASON,
      }),
    ).to.equal('RETRY');
    // A condition with several patterns needs all of them.
    const both: RetryCondition[] = [
      { action: 'RETRY', onStatusReason: 'Host EC2*', onExitCode: '137' },
      { action: 'EXIT', onReason: '*' },
    ];
    expect(
      retryDecision(both, { statusReason: 'Host EC2 (instance i-1) terminated.', reason: 'x', exitCode: 1 }),
    ).to.equal('EXIT');
    expect(
      retryDecision(both, { statusReason: 'Host EC2 (instance i-1) terminated.', reason: 'x', exitCode: 137 }),
    ).to.equal('RETRY');
  });

  it('keeps the catch-all EXIT last and every pattern valid for Batch (the stack refuses otherwise)', () => {
    expect(() => validateRetryConditions(RETRY_CONDITIONS)).to.not.throw();
    expect(RETRY_CONDITIONS.at(-1)).to.deep.equal({ action: 'EXIT', onReason: '*' });
    expect(() => validateRetryConditions(RETRY_CONDITIONS.slice(0, -1))).to.throw(/last evaluateOnExit condition/);
    expect(() =>
      validateRetryConditions([
        { action: 'RETRY', onStatusReason: "Task's gone*" },
        { action: 'EXIT', onReason: '*' },
      ]),
    ).to.throw(/not a valid Batch pattern/);
    expect(() => validateRetryConditions([...RETRY_CONDITIONS, ...RETRY_CONDITIONS])).to.throw(/1 to 5/);
  });

  it('is what the synthesized job definition registers, in order', () => {
    const jobDefinition = onlyResource(synthesize({ ...BASE_ENV }).json, 'aws_batch_job_definition');
    const strategy = jobDefinition.retry_strategy as { evaluate_on_exit: Record<string, string>[] };
    expect(
      strategy.evaluate_on_exit.map((c) => ({
        action: c.action,
        ...(c.on_status_reason ? { onStatusReason: c.on_status_reason } : {}),
        ...(c.on_reason ? { onReason: c.on_reason } : {}),
      })),
    ).to.deep.equal(RETRY_CONDITIONS);
  });
});
