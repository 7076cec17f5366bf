import { formatDecimal } from '../../core/decimal';
import { type CalendarDate, formatDate } from '../../core/period';
import { COST_SCALE, MINUTES_SCALE } from '../../core/schema';
import { addChargeSums, type ChargeSlice, type ChargeSums, chargeSlice, noChargeSums } from './margin';
import { type AggregateRow, compareText, type UnratedRow } from './rows';

/** Calls, billable minutes and exact cost of one slice of the period (decimal strings, USD). */
export interface CostSlice {
  readonly calls: number;
  readonly billableMinutes: string;
  readonly cost: string;
  /** Of `calls`, how many could not be rated (their cost is not in `cost`). */
  readonly unratedCalls: number;
}

/** Cost of one day. */
export interface DayCost extends CostSlice {
  readonly day: string;
}

/** Cost of one Voice Connector (or AWS account). */
export interface ConnectorCost extends CostSlice {
  readonly connector: string;
  /** Display name, when a connector-name source is plugged in. */
  readonly connectorName?: string;
  /** What the operator charged for the connector's calls and the margin; absent without a deck or markup. */
  readonly charges?: ChargeSlice;
}

/** Cost of one destination country ("" when the CDR has none). */
export interface CountryCost extends CostSlice {
  readonly country: string;
}

/** Unrated calls and their billable minutes for one usage type and status. */
export interface UnratedMinutes {
  /** "" when the CDR carries none. */
  readonly usageType: string;
  readonly status: string;
  readonly calls: number;
  readonly billableMinutes: string;
}

interface Sum {
  calls: number;
  minutes: bigint;
  cost: bigint;
  unrated: number;
}

function sumBy(rows: readonly AggregateRow[], key: (row: AggregateRow) => string): Map<string, Sum> {
  const sums = new Map<string, Sum>();
  for (const row of rows) {
    const k = key(row);
    const sum = sums.get(k);
    if (sum) {
      sum.calls += row.calls;
      sum.minutes += row.minutes;
      sum.cost += row.cost;
      sum.unrated += row.unrated;
    } else sums.set(k, { calls: row.calls, minutes: row.minutes, cost: row.cost, unrated: row.unrated });
  }
  return sums;
}

function slice(sum: Sum): CostSlice {
  return {
    calls: sum.calls,
    billableMinutes: formatDecimal(sum.minutes, MINUTES_SCALE),
    cost: formatDecimal(sum.cost, COST_SCALE),
    unratedCalls: sum.unrated,
  };
}

const ZERO: Sum = { calls: 0, minutes: 0n, cost: 0n, unrated: 0 };

/** Biggest cost first, then by name. */
function byCostDescending(a: [string, Sum], b: [string, Sum]): number {
  return a[1].cost === b[1].cost ? compareText(a[0], b[0]) : a[1].cost > b[1].cost ? -1 : 1;
}

/** Cost per day, for every day of the period (days without calls included, with zeros). */
export function costByDay(rows: readonly AggregateRow[], days: readonly CalendarDate[]): DayCost[] {
  const sums = sumBy(rows, (r) => r.day);
  const out = days.map((d) => formatDate(d));
  // Calls always fall inside the period; any other day would still be listed, never dropped.
  for (const day of sums.keys()) if (!out.includes(day)) out.push(day);
  return out.sort(compareText).map((day) => ({ day, ...slice(sums.get(day) ?? ZERO) }));
}

/**
 * Cost per connector, biggest first; `name` looks up a display name when one is known; with a charge
 * currency (a deck or markup), each entry carries its charges and margin too.
 */
export function costByConnector(
  rows: readonly AggregateRow[],
  name?: (connector: string) => string | undefined,
  chargeCurrency: string | null = null,
): ConnectorCost[] {
  const charges = new Map<string, ChargeSums>();
  if (chargeCurrency !== null)
    for (const row of rows) {
      let sums = charges.get(row.connector);
      if (!sums) {
        sums = noChargeSums();
        charges.set(row.connector, sums);
      }
      addChargeSums(sums, row);
    }
  return [...sumBy(rows, (r) => r.connector)].sort(byCostDescending).map(([connector, sum]) => {
    const connectorName = name?.(connector);
    const charged = charges.get(connector);
    return {
      connector,
      ...(connectorName === undefined ? {} : { connectorName }),
      ...slice(sum),
      ...(charged === undefined || chargeCurrency === null ? {} : { charges: chargeSlice(charged, chargeCurrency) }),
    };
  });
}

/** Cost per destination country, biggest first. */
export function costByDestinationCountry(rows: readonly AggregateRow[]): CountryCost[] {
  return [...sumBy(rows, (r) => r.country)]
    .sort(byCostDescending)
    .map(([country, sum]) => ({ country, ...slice(sum) }));
}

/** Cost per usage type, biggest first. */
export function costByUsageTypeRows(rows: readonly AggregateRow[]): (CostSlice & { usageType: string })[] {
  return [...sumBy(rows, (r) => r.usageType)]
    .sort(byCostDescending)
    .map(([usageType, sum]) => ({ usageType, ...slice(sum) }));
}

/** Unrated calls and minutes per usage type and status (every unrated call is in exactly one entry). */
export function unratedMinutesByUsageType(rows: readonly UnratedRow[]): UnratedMinutes[] {
  return rows.map((r) => ({
    usageType: r.usageType,
    status: r.status,
    calls: r.calls,
    billableMinutes: formatDecimal(r.minutes, MINUTES_SCALE),
  }));
}

/** Sum of the cost of the rows (scaled by 10^COST_SCALE). */
export function totalOf(rows: readonly AggregateRow[]): bigint {
  let sum = 0n;
  for (const row of rows) sum += row.cost;
  return sum;
}
