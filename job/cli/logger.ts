import type { Logger } from 'pino';
import { createJsonLogger } from '../core/logger';
import { writeAboveProgress } from './progress';
import { isInteractiveTerminal } from './terminal';

/**
 * The CLI's logger: JSON lines (level names, ISO times) on stderr. When stderr is not an
 * interactive terminal (CloudWatch, CI, a pipe) it logs from `info`; on a terminal only warnings and
 * errors by default, printed above the progress line, since the progress line and the summary table
 * show the rest.
 */
export function createLogger(level?: string): Logger {
  const interactive = isInteractiveTerminal();
  return createJsonLogger({
    app: 'cdr-summary',
    level: level ?? (interactive ? 'warn' : 'info'),
    destination: interactive ? { write: writeAboveProgress } : undefined,
  });
}
