import { constants } from 'node:os';
import { CdrSummaryError } from './errors';

/** The signals that stop a run cleanly: what AWS Batch sends on cancel and timeout, and Ctrl-C. */
export type StopSignal = 'SIGTERM' | 'SIGINT';

/** Why a run stopped early: a signal asked it to. Its exit code is 128 + the signal number (143, 130). */
export class InterruptedError extends CdrSummaryError {
  override readonly name = 'InterruptedError';
  constructor(readonly signal: StopSignal) {
    super(`interrupted by ${signal}`);
  }

  /** 143 for SIGTERM, 130 for SIGINT. */
  get exitCode(): number {
    return 128 + constants.signals[this.signal];
  }
}

/** The reason an aborted signal carries, as an Error (an InterruptedError when a signal stopped the run). */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error('the run was aborted');
}

/** Throws the abort reason when `signal` has been aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortReason(signal);
}

/**
 * Settles like `work`, or rejects with the abort reason as soon as `signal` aborts, whichever comes
 * first. `work` keeps running in the background (the caller cleans up what it was writing); its later
 * failure is observed, never an unhandled rejection.
 */
export function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  work.catch(() => {});
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Waits `ms`, or rejects with the abort reason as soon as `signal` aborts. */
export function sleepUnlessAborted(ms: number, signal: AbortSignal | undefined): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const slept = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return abortable(slept, signal).finally(() => clearTimeout(timer));
}
