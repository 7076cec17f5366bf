import type { CdrValue } from '../../../job/cdr/record';
import { parseDecimal } from '../../../job/core/decimal';
import { CHARGE_SCALE, COST_SCALE, MINUTES_SCALE, schemaFor } from '../../../job/core/schema';
import type { AggregateRow, HourRow } from '../../../job/report/aggregates/rows';
import { ReportBatch } from '../../../job/report/report-batch';

export const VC = schemaFor('AmazonChimeVoiceConnector');

/** One call of a hand-made report batch. */
export interface Call {
  readonly connector: string;
  readonly usageType?: string;
  readonly country?: string;
  readonly direction?: 'Outbound' | 'Inbound';
  /** Decimal text. */
  readonly minutes: string;
  /** ISO instant. */
  readonly start: string;
  /** Decimal text USD; absent for an unrated call. */
  readonly cost?: string;
  readonly status?: string;
  readonly destination?: string;
  /** Decimal text: the ChargedAmount (rate deck or markup); absent when not charged. */
  readonly charged?: string;
  /** The ConnectorName cell. */
  readonly name?: string;
}

/** A ReportBatch holding the calls (only the columns the aggregates read are filled). */
export function batchOf(calls: readonly Call[]): ReportBatch {
  const columns: CdrValue[][] = VC.columns.map(() => []);
  const set = (name: string, value: CdrValue) => {
    const index = VC.columns.findIndex((c) => c.name === name);
    (columns[index] as CdrValue[]).push(value);
  };
  for (const call of calls) {
    for (const column of VC.columns) {
      switch (column.name) {
        case 'VoiceConnectorId':
          set(column.name, call.connector);
          break;
        case 'UsageType':
          set(column.name, call.usageType ?? null);
          break;
        case 'DestinationCountry':
          set(column.name, call.country ?? null);
          break;
        case 'Direction':
          set(column.name, call.direction ?? 'Outbound');
          break;
        case 'BillableDurationMinutes':
          set(column.name, parseDecimal(call.minutes, MINUTES_SCALE));
          break;
        case 'StartTime':
          set(column.name, Date.parse(call.start));
          break;
        case 'Cost':
          set(column.name, call.cost === undefined ? null : parseDecimal(call.cost, COST_SCALE));
          break;
        case 'RatingStatus':
          set(column.name, call.status ?? (call.cost === undefined ? 'UNRATED_UNKNOWN_USAGE_TYPE' : 'RATED'));
          break;
        case 'DestinationPhoneNumber':
          set(column.name, call.destination ?? null);
          break;
        case 'ChargedAmount':
          set(column.name, call.charged === undefined ? null : parseDecimal(call.charged, CHARGE_SCALE));
          break;
        case 'ConnectorName':
          set(column.name, call.name ?? null);
          break;
        default:
          set(column.name, null);
      }
    }
  }
  return new ReportBatch(VC, columns, calls.length);
}

const usd = (text: string) => parseDecimal(text, COST_SCALE);

/** An aggregate row of one connector's day (one usage type/country). */
export function row(day: string, connector: string, country: string, cost: string, calls = 10): AggregateRow {
  return {
    day,
    connector,
    usageType: `USE1-US-${country}-outbound-minutes`,
    country,
    direction: 'Outbound',
    calls,
    minutes: BigInt(calls) * 10n ** BigInt(MINUTES_SCALE),
    cost: usd(cost),
    rated: calls,
    unrated: 0,
    unratedMinutes: 0n,
    chargedCalls: 0,
    charged: 0n,
    marginCalls: 0,
    marginCharged: 0n,
    marginCost: 0n,
  };
}

/** Hourly rows of one connector's day: `calls` calls at each of `hours`. */
export function hours(day: string, connector: string, list: readonly number[], calls = 3): HourRow[] {
  return list.map((hour) => ({ day, connector, hour, calls, minutes: 0n, cost: 0n }));
}

/** `count` consecutive days ending on `last` (YYYY-MM-DD), oldest first. */
export function daysBefore(last: string, count: number): string[] {
  const end = Date.parse(`${last}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) =>
    new Date(end - (count - 1 - i) * 86_400_000).toISOString().slice(0, 10),
  );
}
