/**
 * The scheduler Lambda's settings as environment variables: the stack writes them
 * (`schedulerEnvironment`), the Lambda reads them (job/scheduler/config.ts) — one list of names.
 */

/** The variable of each setting. */
export const SCHEDULER_ENV = {
  bucket: 'CDR_BUCKET',
  service: 'SERVICE_NAME',
  frequency: 'JOB_FREQUENCY',
  jobQueue: 'JOB_QUEUE',
  jobDefinition: 'JOB_DEFINITION',
  arraySize: 'ARRAY_SIZE',
  jobNamePrefix: 'JOB_NAME_PREFIX',
  scheduleName: 'SCHEDULE_NAME',
  checkJobImage: 'CHECK_JOB_IMAGE',
  rateDeckKey: 'RATE_DECK_KEY',
  connectorsKey: 'CONNECTORS_KEY',
  refreshConnectors: 'REFRESH_CONNECTORS',
  allowCurrentPrices: 'ALLOW_CURRENT_PRICES',
  allowEmptyPeriods: 'ALLOW_EMPTY_PERIODS',
} as const;

/** A setting of the scheduler Lambda. */
export type SchedulerSetting = keyof typeof SCHEDULER_ENV;

/** Values of the settings; a flag is written as `true` when set, an absent value not at all. */
export type SchedulerSettings = { readonly [K in SchedulerSetting]?: string | number | boolean | undefined };

/** The Lambda's environment for these settings (flags `true`, numbers as text, unset ones left out). */
export function schedulerEnvironment(settings: SchedulerSettings): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const [setting, name] of Object.entries(SCHEDULER_ENV) as [SchedulerSetting, string][]) {
    const value = settings[setting];
    if (value === undefined || value === false || value === '') continue;
    variables[name] = String(value);
  }
  return variables;
}
