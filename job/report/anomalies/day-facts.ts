import { addDays, formatDate, parseDate } from '../../core/period';
import type { AggregateRow, HourRow } from '../aggregates/rows';

/** What one connector did on one day, as the detectors need it. */
export interface ConnectorDay {
  cost: bigint;
  calls: number;
  /** Calls and cost per destination country. */
  readonly countries: Map<string, { calls: number; cost: bigint }>;
  /** Calls per hour of day (UTC). */
  readonly hours: Map<number, number>;
}

/** The day `offset` days from `day` (YYYY-MM-DD). */
export function shiftDay(day: string, offset: number): string {
  return formatDate(addDays(parseDate(day), offset));
}

/**
 * Per day and connector: cost, calls, destination countries and hours used, from aggregate rows of
 * this run and of earlier runs in the destination. A day is "covered" when a completed run summarized
 * it (a covered day without calls is a day with no calls, not a missing day).
 */
export class DayFacts {
  private readonly days = new Map<string, Map<string, ConnectorDay>>();
  private readonly covered = new Set<string>();

  /** Marks days as summarized by a completed run. */
  cover(days: Iterable<string>): void {
    for (const day of days) this.covered.add(day);
  }

  /** Whether a completed run summarized the day. */
  isCovered(day: string): boolean {
    return this.covered.has(day);
  }

  private connectorDay(day: string, connector: string): ConnectorDay {
    let connectors = this.days.get(day);
    if (!connectors) {
      connectors = new Map();
      this.days.set(day, connectors);
    }
    let entry = connectors.get(connector);
    if (!entry) {
      entry = { cost: 0n, calls: 0, countries: new Map(), hours: new Map() };
      connectors.set(connector, entry);
    }
    return entry;
  }

  /** Adds aggregate rows (day × connector × usage type × country × direction). */
  addRows(rows: Iterable<AggregateRow>): void {
    for (const row of rows) {
      const entry = this.connectorDay(row.day, row.connector);
      entry.cost += row.cost;
      entry.calls += row.calls;
      if (row.country === '') continue;
      const country = entry.countries.get(row.country);
      if (country) {
        country.calls += row.calls;
        country.cost += row.cost;
      } else entry.countries.set(row.country, { calls: row.calls, cost: row.cost });
    }
  }

  /** Adds hourly rows (day × connector × hour). */
  addHours(rows: Iterable<HourRow>): void {
    for (const row of rows) {
      const entry = this.connectorDay(row.day, row.connector);
      entry.hours.set(row.hour, (entry.hours.get(row.hour) ?? 0) + row.calls);
    }
  }

  /** The connectors active on a day. */
  connectors(day: string): ReadonlyMap<string, ConnectorDay> {
    return this.days.get(day) ?? new Map();
  }

  /** The covered days among the `count` days before `day`, most recent first. */
  coveredBefore(day: string, count: number): string[] {
    const out: string[] = [];
    for (let i = 1; i <= count; i++) {
      const d = shiftDay(day, -i);
      if (this.covered.has(d)) out.push(d);
    }
    return out;
  }
}
