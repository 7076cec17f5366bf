import { InterruptedError, type StopSignal } from '../core/interruption';

/**
 * How long a signalled run may take to clean up (abort uploads, remove temporary files, release its
 * lease) before the process exits anyway: well inside the 30 s AWS Batch (ECS) waits between
 * SIGTERM and SIGKILL.
 */
export const SHUTDOWN_GRACE_MS = 20_000;

const controller = new AbortController();
let installed = false;

/** Aborted (with an InterruptedError) when the process receives SIGTERM or SIGINT. */
export function shutdownSignal(): AbortSignal {
  return controller.signal;
}

/**
 * Makes SIGTERM and SIGINT stop the process cleanly instead of killing it on the spot: the first one
 * aborts `shutdownSignal()`, so the run aborts its uploads, removes its temporary files, releases its
 * lease and exits 143 (SIGTERM) or 130 (SIGINT); if that takes longer than SHUTDOWN_GRACE_MS, or a
 * second signal arrives, the process exits at once with that code.
 */
export function installSignalHandlers(graceMs = SHUTDOWN_GRACE_MS): void {
  if (installed) return;
  installed = true;
  const onSignal = (signal: StopSignal) => {
    const interrupted = new InterruptedError(signal);
    if (controller.signal.aborted) {
      process.stderr.write(`cdr-summary: ${interrupted.message} again; exiting without cleaning up\n`);
      process.exit(interrupted.exitCode);
    }
    controller.abort(interrupted);
    setTimeout(() => {
      process.stderr.write(`cdr-summary: ${interrupted.message}; cleanup took over ${graceMs} ms, exiting\n`);
      process.exit(interrupted.exitCode);
    }, graceMs).unref();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
