import pino, { type Logger } from 'pino';

/**
 * The CLI's logger: structured JSON (pino) on stderr when stderr is not a terminal (CloudWatch,
 * CI); on a terminal only warnings and errors, since a progress bar and a summary table show the rest.
 */
export function createLogger(level?: string): Logger {
  const interactive = process.stderr.isTTY === true;
  return pino(
    { level: level ?? (interactive ? 'warn' : 'info'), base: { app: 'cdr-summary' } },
    pino.destination({ fd: 2, sync: true }),
  );
}
