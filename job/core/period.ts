/**
 * Reporting periods. A period is named by its INCLUDED end date D and a frequency:
 * Daily = D, Weekly = D-6 … D, Monthly = the 1st of D's month … D. A call belongs to the period when
 * its start second lies in [start 00:00:00Z, D+1 00:00:00Z). Pure functions, no I/O.
 */

import { InputError } from './errors';

/** A calendar date in UTC. */
export interface CalendarDate {
  /** Four-digit year. */
  readonly year: number;
  /** 1–12 */
  readonly month: number;
  /** 1–31 */
  readonly day: number;
}

/** The report frequencies: the schedules the stack creates and the CLI's `--frequency` choices. */
export const FREQUENCIES = ['Daily', 'Weekly', 'Monthly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

/** A resolved reporting period. */
export interface Period {
  readonly frequency: Frequency;
  /** First included day. */
  readonly start: CalendarDate;
  /** Last included day (D). */
  readonly end: CalendarDate;
  /** Epoch seconds of start 00:00:00Z (inclusive). */
  readonly startEpochSeconds: number;
  /** Epoch seconds of D+1 00:00:00Z (exclusive). */
  readonly endEpochSecondsExclusive: number;
}

/** Thrown for an impossible date or an unknown frequency; the message is one line for the user. */
export class PeriodError extends InputError {
  override readonly name = 'PeriodError';
}

const DAY_SECONDS = 86_400;

/** Whether `value` is a frequency name (exact spelling: Daily, Weekly, Monthly). */
export function isFrequency(value: string): value is Frequency {
  return (FREQUENCIES as readonly string[]).includes(value);
}

/** Parses a frequency, accepting any letter case; throws PeriodError otherwise. */
export function parseFrequency(value: string): Frequency {
  const found = FREQUENCIES.find((f) => f.toLowerCase() === value.trim().toLowerCase());
  if (!found) throw new PeriodError(`unknown frequency ${JSON.stringify(value)} (expected Daily, Weekly or Monthly)`);
  return found;
}

/** Number of days in a month of a year (proleptic Gregorian). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Validates year/month/day numbers or numeric strings (not necessarily zero-padded). */
export function calendarDate(year: number | string, month: number | string, day: number | string): CalendarDate {
  const y = toInteger(year, 'year');
  const m = toInteger(month, 'month');
  const d = toInteger(day, 'day');
  if (y < 1970 || y > 9999) throw new PeriodError(`year ${y} is out of range (1970–9999)`);
  if (m < 1 || m > 12) throw new PeriodError(`month ${m} does not exist (1–12)`);
  const last = daysInMonth(y, m);
  if (d < 1 || d > last) throw new PeriodError(`${y}-${pad2(m)} has no day ${d} (1–${last})`);
  return { year: y, month: m, day: d };
}

function toInteger(value: number | string, what: string): number {
  const text = typeof value === 'number' ? String(value) : value.trim();
  if (!/^\d{1,4}$/.test(text)) throw new PeriodError(`${what} must be a whole number, got ${JSON.stringify(value)}`);
  return Number(text);
}

/** Parses `YYYY-MM-DD` (month and day may omit the leading zero); throws PeriodError. */
export function parseDate(text: string): CalendarDate {
  const match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text.trim());
  if (!match) throw new PeriodError(`date ${JSON.stringify(text)} is not in the form YYYY-MM-DD`);
  return calendarDate(match[1] as string, match[2] as string, match[3] as string);
}

/** Epoch seconds of a date's 00:00:00Z. */
export function epochSeconds(date: CalendarDate): number {
  return Date.UTC(date.year, date.month - 1, date.day) / 1000;
}

/** The calendar date (UTC) containing an epoch second. */
export function dateOfEpochSeconds(seconds: number): CalendarDate {
  const d = new Date(seconds * 1000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** The date `days` days after (or before, when negative) `date`. */
export function addDays(date: CalendarDate, days: number): CalendarDate {
  return dateOfEpochSeconds(epochSeconds(date) + days * DAY_SECONDS);
}

/** Zero-padded `YYYY-MM-DD`. */
export function formatDate(date: CalendarDate): string {
  return `${date.year}-${pad2(date.month)}-${pad2(date.day)}`;
}

/** Zero-padded two-digit text. */
export function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Compares two dates (negative, zero, positive). */
export function compareDates(a: CalendarDate, b: CalendarDate): number {
  return epochSeconds(a) - epochSeconds(b);
}

/** Whether `day` is over at `now` (UTC): it is before today. The latest complete day is yesterday. */
export function dayIsOver(day: CalendarDate, now: Date): boolean {
  return compareDates(day, dateOfEpochSeconds(Math.floor(now.getTime() / 1000))) < 0;
}

/** The period of a frequency that ends (inclusive) on `end`. */
export function periodEndingOn(frequency: Frequency, end: CalendarDate): Period {
  let start: CalendarDate;
  switch (frequency) {
    case 'Daily':
      start = end;
      break;
    case 'Weekly':
      start = addDays(end, -6);
      break;
    case 'Monthly':
      start = { year: end.year, month: end.month, day: 1 };
      break;
  }
  return {
    frequency,
    start,
    end,
    startEpochSeconds: epochSeconds(start),
    endEpochSecondsExclusive: epochSeconds(end) + DAY_SECONDS,
  };
}

/** The period a scheduled run at `now` summarizes: the one ending yesterday (UTC). */
export function scheduledPeriod(frequency: Frequency, now: Date): Period {
  const today = dateOfEpochSeconds(Math.floor(now.getTime() / 1000));
  return periodEndingOn(frequency, addDays(today, -1));
}

/** Whether a call starting at `startEpochSeconds` belongs to the period. */
export function inPeriod(period: Period, startEpochSeconds: number): boolean {
  return startEpochSeconds >= period.startEpochSeconds && startEpochSeconds < period.endEpochSecondsExclusive;
}

/** Every day of the period, in order. */
export function periodDays(period: Period): CalendarDate[] {
  const days: CalendarDate[] = [];
  for (let s = period.startEpochSeconds; s < period.endEpochSecondsExclusive; s += DAY_SECONDS) {
    days.push(dateOfEpochSeconds(s));
  }
  return days;
}

/**
 * The day folders that can hold the period's calls: every day of the period plus the next day,
 * where Amazon Chime files calls that start late on the last day.
 */
export function folderDays(period: Period): CalendarDate[] {
  return [...periodDays(period), addDays(period.end, 1)];
}

/** Whether a folder date is one of the period's own days (rejects found there belong to it). */
export function folderInPeriod(period: Period, folder: CalendarDate): boolean {
  return inPeriod(period, epochSeconds(folder));
}
