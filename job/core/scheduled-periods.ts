/**
 * Which scheduled periods a call day belongs to. The schedules (infra/constructs/scheduler.ts) run at
 * 01:00 UTC every day, every Monday and on the 1st of each month, each for the period ending the day
 * before: Daily periods end every day, Weekly periods on Sundays, Monthly periods on a month's last
 * day. Pure functions.
 */

import { addDays, type CalendarDate, daysInMonth, epochSeconds, type Frequency } from './period';

/** Day of the week (0 = Sunday, as Date#getUTCDay) on which scheduled Weekly periods end. */
export const WEEKLY_END_WEEKDAY = 0;

/** The end date of the scheduled period of `frequency` that contains `day`. */
export function scheduledEndContaining(frequency: Frequency, day: CalendarDate): CalendarDate {
  switch (frequency) {
    case 'Daily':
      return day;
    case 'Weekly': {
      const weekday = new Date(epochSeconds(day) * 1000).getUTCDay();
      return addDays(day, (WEEKLY_END_WEEKDAY - weekday + 7) % 7);
    }
    case 'Monthly':
      return { year: day.year, month: day.month, day: daysInMonth(day.year, day.month) };
  }
}
