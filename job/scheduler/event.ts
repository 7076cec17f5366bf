/**
 * The scheduler Lambda's input events: a scheduled invocation, or the original sample's
 * manual "Test event" `{"year":"2020","month":"1","day":"31","job_frequency":"Monthly"}`.
 * Pure functions, no I/O: `now` is always passed in.
 */

import { InputError } from '../core/errors';

import {
  addDays,
  type CalendarDate,
  calendarDate,
  dateOfEpochSeconds,
  dayIsOver,
  type Frequency,
  formatDate,
  type Period,
  PeriodError,
  parseFrequency,
  periodEndingOn,
} from '../core/period';
import { isServiceCode, type ServiceCode } from '../core/schema';

/** Thrown for an event that cannot be turned into a period; the message is one line for the user. */
export class EventError extends InputError {
  override readonly name = 'EventError';
}

/** What the scheduler was asked to summarize. */
export interface PeriodRequest {
  /** `scheduled`: the period ending yesterday (UTC); `manual`: an explicit end date. */
  readonly kind: 'scheduled' | 'manual';
  readonly period: Period;
}

/** Fields a manual event may carry (strings or numbers for the date parts). */
const MANUAL_FIELDS = ['year', 'month', 'day', 'job_frequency', 'service'] as const;
const DATE_FIELDS = ['year', 'month', 'day'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Top-level keys of an EventBridge event envelope (and of the envelope our schedule sends). */
const ENVELOPE_FIELDS = ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail'];

/** Sources of scheduled invocations: EventBridge Scheduler (our schedule) and a classic scheduled rule. */
const SCHEDULE_SOURCES = ['aws.scheduler', 'aws.events'];

/** Whether an event looks like an EventBridge event (carries any envelope key) rather than a person's. */
export function isEventBridgeEvent(event: unknown): event is Record<string, unknown> {
  return isRecord(event) && ENVELOPE_FIELDS.some((field) => field in event);
}

/**
 * Whether an EventBridge-looking event is the configured schedule's: a "Scheduled Event" from
 * EventBridge Scheduler (or a scheduled rule) whose `resources` name the schedule
 * (`…:schedule/<group>/<name>` or `…:rule/<name>`). Without a configured schedule name (the CLI's
 * `submit`), any well-formed "Scheduled Event" counts. Anything else is not trusted as scheduled.
 */
export function isOwnScheduleEvent(event: Record<string, unknown>, scheduleName?: string): boolean {
  if (typeof event.source !== 'string' || !SCHEDULE_SOURCES.includes(event.source)) return false;
  if (event['detail-type'] !== 'Scheduled Event') return false;
  const resources = event.resources;
  const arns = Array.isArray(resources) && resources.every((r) => typeof r === 'string' && r.startsWith('arn:'));
  if (resources !== undefined && !arns) return false;
  if (scheduleName === undefined) return true;
  if (!Array.isArray(resources)) return false;
  return resources.some((arn: string) => {
    const resource = arn.split(':').slice(5).join(':');
    return (
      resource === `rule/${scheduleName}` ||
      (/^schedule\/[^/]+\/[^/]+$/.test(resource) && resource.split('/')[2] === scheduleName)
    );
  });
}

/** UTC calendar date of an instant. */
export function utcDate(now: Date): CalendarDate {
  return dateOfEpochSeconds(Math.floor(now.getTime() / 1000));
}

/**
 * Refuses an end date whose day is not over yet (UTC): today or later. A period ending today would
 * miss the calls still to come, so the latest acceptable end date is yesterday.
 */
export function assertEndDateOver(end: CalendarDate, now: Date): void {
  const yesterday = addDays(utcDate(now), -1);
  if (!dayIsOver(end, now)) {
    throw new EventError(
      `end date ${formatDate(end)} is in the future or not over yet (UTC); the latest complete day is ${formatDate(yesterday)}`,
    );
  }
}

function dateText(value: unknown, field: string): string | number {
  if (typeof value === 'number' || typeof value === 'string') return value;
  throw new EventError(`event field "${field}" must be a number or a numeric string, got ${JSON.stringify(value)}`);
}

function frequencyOf(value: unknown, fallback: Frequency): Frequency {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value !== 'string') {
    throw new EventError(`event field "job_frequency" must be Daily, Weekly or Monthly, got ${JSON.stringify(value)}`);
  }
  try {
    return parseFrequency(value);
  } catch (error) {
    if (error instanceof PeriodError) throw new EventError(error.message);
    throw error;
  }
}

/**
 * Turns a Lambda event into the period to summarize.
 * - `{}`, `null`, or the schedule's own event (see isOwnScheduleEvent) → the period of `frequency`
 *   ending yesterday (UTC); for the schedule's event, "yesterday" is relative to its `time` (the
 *   scheduled time), so a retried delivery after midnight still summarizes the same period. Any
 *   other EventBridge-looking event is validated like a manual one (and so refused).
 * - `{"year","month","day"[,"job_frequency"]}` (strings or numbers, zero-padding optional) → the
 *   period ending on that date; `job_frequency` overrides the configured frequency.
 * - `{"job_frequency"}` alone → the period of that frequency ending yesterday.
 * - An optional `service` must name the configured service (a guard against invoking the wrong function).
 * Throws EventError (one line) for anything else: unknown fields, impossible dates, unknown
 * frequencies, dates not yet over.
 */
export function parseSchedulerEvent(
  event: unknown,
  defaults: { readonly frequency: Frequency; readonly service: ServiceCode; readonly scheduleName?: string },
  now: Date,
): PeriodRequest {
  if (event === undefined || event === null) {
    return { kind: 'scheduled', period: periodEndingOn(defaults.frequency, addDays(utcDate(now), -1)) };
  }
  // An EventBridge-looking event that is not our schedule's falls through to the manual validation.
  if (isEventBridgeEvent(event) && isOwnScheduleEvent(event, defaults.scheduleName)) {
    const time = typeof event.time === 'string' ? new Date(event.time) : now;
    const at = Number.isNaN(time.getTime()) || time.getTime() > now.getTime() ? now : time;
    return { kind: 'scheduled', period: periodEndingOn(defaults.frequency, addDays(utcDate(at), -1)) };
  }
  if (!isRecord(event)) {
    throw new EventError(`event must be a JSON object, got ${JSON.stringify(event)}`);
  }
  const unknown = Object.keys(event).filter((k) => !(MANUAL_FIELDS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw new EventError(
      `unknown event field(s) ${unknown.map((k) => JSON.stringify(k)).join(', ')} (expected year, month, day, job_frequency)`,
    );
  }
  if (event.service !== undefined) {
    const service = event.service;
    if (typeof service !== 'string' || !isServiceCode(service)) {
      throw new EventError(`unknown service ${JSON.stringify(service)}`);
    }
    if (service !== defaults.service) {
      throw new EventError(`this function summarizes ${defaults.service}, not ${service}`);
    }
  }
  const frequency = frequencyOf(event.job_frequency, defaults.frequency);
  const present = DATE_FIELDS.filter((k) => event[k] !== undefined && event[k] !== null && event[k] !== '');
  if (present.length === 0) {
    return { kind: 'scheduled', period: periodEndingOn(frequency, addDays(utcDate(now), -1)) };
  }
  if (present.length < DATE_FIELDS.length) {
    const missing = DATE_FIELDS.filter((k) => !present.includes(k));
    throw new EventError(`event gives ${present.join('/')} but not ${missing.join('/')}: give year, month and day`);
  }
  let end: CalendarDate;
  try {
    end = calendarDate(dateText(event.year, 'year'), dateText(event.month, 'month'), dateText(event.day, 'day'));
  } catch (error) {
    if (error instanceof PeriodError) throw new EventError(error.message);
    throw error;
  }
  assertEndDateOver(end, now);
  return { kind: 'manual', period: periodEndingOn(frequency, end) };
}

/** The manual event (the original's "Test event" form) for a period end date and frequency. */
export function manualEvent(end: CalendarDate, frequency: Frequency, service?: ServiceCode): Record<string, string> {
  const event: Record<string, string> = {
    year: String(end.year),
    month: String(end.month),
    day: String(end.day),
    job_frequency: frequency,
  };
  if (service !== undefined) event.service = service;
  return event;
}
