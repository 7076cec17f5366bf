import pino, { type DestinationStream, type Logger } from 'pino';

/** How to build a structured logger. */
export interface JsonLoggerOptions {
  /** `app` field on every line. */
  readonly app: string;
  /** pino level name; default `info`. */
  readonly level?: string;
  /** Where lines go; default stderr, written synchronously. */
  readonly destination?: DestinationStream;
}

/**
 * The product's structured logger: one JSON object per line with the level as its name
 * (`"level":"warn"`) and the time as ISO 8601 UTC (`"time":"2025-03-03T01:00:12.345Z"`), what
 * CloudWatch Logs Insights and people read best. Shared by the CLI and the scheduler Lambda.
 */
export function createJsonLogger(options: JsonLoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { app: options.app },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ fd: 2, sync: true }),
  );
}
