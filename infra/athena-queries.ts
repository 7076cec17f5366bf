/**
 * The named Athena queries the stack saves for users, written against the columns generated from
 * job/core/schema.ts. Every query filters on the projected partition columns (year, month, day) so
 * Athena reads only the days it needs, and reads `Cost` as the exact decimal it is.
 */

import {
  aggregateColumns,
  CHARGE_TYPE,
  hourlyAggregateColumns,
  MINUTES_TYPE,
  MONEY_TYPE,
} from '../job/core/aggregate-columns';
import { athenaColumns, type ServiceCode, schemaFor } from '../job/core/schema';

/** One saved query. */
export interface NamedQuery {
  /** Short identifier, also used in the Terraform resource id. */
  readonly id: string;
  /** Name shown in the Athena console (prefixed by the stack). */
  readonly title: string;
  readonly description: string;
  readonly sql: string;
}

/** Partition columns of the table, in path order. */
export const PARTITION_KEYS = ['year', 'month', 'day'] as const;

/** `"Name"` quoted identifier, refusing names the schema does not define. */
function columnRef(service: ServiceCode): (name: string) => string {
  const names = new Set(athenaColumns(service).map((c) => c.name));
  return (name) => {
    if (!names.has(name) && !(PARTITION_KEYS as readonly string[]).includes(name)) {
      throw new Error(`named query uses unknown column ${name} for ${service}`);
    }
    return `"${name.toLowerCase()}"`;
  };
}

/**
 * Predicate on the partition columns for the calls of the last `days` days (UTC). Compares
 * yyyymmdd integers: never builds a date from a projected value, since projection also yields
 * impossible days such as February 31.
 */
function lastDays(days: number): string {
  return `(year * 10000 + month * 100 + day) >= CAST(date_format(current_date - interval '${days}' day, '%Y%m%d') AS integer)`;
}

/** Predicate keeping the calendar months from `months` months ago through the current one. */
function lastMonths(months: number): string {
  return `(year * 100 + month) >= CAST(date_format(date_trunc('month', current_date) - interval '${months}' month, '%Y%m') AS integer)`;
}

/** The named queries for one service's table `<database>.<table>`. */
export function namedQueries(service: ServiceCode, database: string, table: string): NamedQuery[] {
  const c = columnRef(service);
  const from = `"${database}"."${table}"`;
  const connector = schemaFor(service).partitionField;
  const connectorLabel = connector === 'VoiceConnectorId' ? 'Voice Connector' : 'AWS account';
  return [
    {
      id: 'cost-by-connector-by-day',
      title: `Cost by ${connectorLabel} by day`,
      description: `Calls, billable minutes and exact cost per ${connectorLabel} and call day, last 31 days`,
      sql: [
        `SELECT ${c(connector)} AS ${connector === 'VoiceConnectorId' ? 'voice_connector_id' : 'aws_account_id'},`,
        `       date(format('%04d-%02d-%02d', year, month, day)) AS call_day,`,
        `       count(*) AS calls,`,
        `       sum(${c('BillableDurationMinutes')}) AS billable_minutes,`,
        `       sum(${c('Cost')}) AS cost_usd,`,
        `       count_if(${c('RatingStatus')} <> 'RATED') AS unrated_calls`,
        `FROM ${from}`,
        `WHERE ${lastDays(31)}`,
        'GROUP BY 1, 2',
        'ORDER BY call_day DESC, cost_usd DESC',
      ].join('\n'),
    },
    {
      id: 'top-destinations-by-cost',
      title: 'Top destinations by cost',
      description: 'The 50 destination numbers with the highest cost, last 31 days',
      sql: [
        `SELECT ${c('DestinationPhoneNumber')} AS destination_phone_number,`,
        `       ${c('DestinationCountry')} AS destination_country,`,
        `       count(*) AS calls,`,
        `       sum(${c('BillableDurationMinutes')}) AS billable_minutes,`,
        `       sum(${c('Cost')}) AS cost_usd`,
        `FROM ${from}`,
        `WHERE ${lastDays(31)}`,
        `  AND ${c('RatingStatus')} = 'RATED'`,
        'GROUP BY 1, 2',
        'ORDER BY cost_usd DESC',
        'LIMIT 50',
      ].join('\n'),
    },
    {
      id: 'unrated-calls',
      title: 'Unrated calls',
      description: 'Calls the job could not price, by reason and usage type, last 31 days',
      sql: [
        `SELECT ${c('RatingStatus')} AS rating_status,`,
        `       ${c('UsageType')} AS usage_type,`,
        `       count(*) AS calls,`,
        `       sum(${c('BillableDurationMinutes')}) AS billable_minutes,`,
        `       min(${c('StartTime')}) AS first_call,`,
        `       max(${c('StartTime')}) AS last_call`,
        `FROM ${from}`,
        `WHERE ${lastDays(31)}`,
        `  AND ${c('RatingStatus')} <> 'RATED'`,
        'GROUP BY 1, 2',
        'ORDER BY calls DESC',
      ].join('\n'),
    },
    {
      id: 'month-over-month-cost',
      title: 'Month-over-month cost',
      description: 'Cost per calendar month and the change from the month before, last 13 months',
      sql: [
        'WITH monthly AS (',
        `  SELECT year, month, count(*) AS calls, sum(${c('Cost')}) AS cost_usd`,
        `  FROM ${from}`,
        `  WHERE ${lastMonths(12)}`,
        '  GROUP BY year, month',
        ')',
        "SELECT format('%04d-%02d', year, month) AS calendar_month,",
        '       calls,',
        '       cost_usd,',
        '       cost_usd - lag(cost_usd) OVER (ORDER BY year, month) AS change_usd,',
        '       round(100 * (CAST(cost_usd AS double) / nullif(CAST(lag(cost_usd) OVER (ORDER BY year, month) AS double), 0) - 1), 2) AS change_percent',
        'FROM monthly',
        'ORDER BY year, month',
      ].join('\n'),
    },
  ];
}

/** Partition columns of the aggregate tables: the period's frequency and end date, in path order. */
export const AGGREGATE_PARTITION_KEYS = ['frequency', 'year', 'month', 'day'] as const;

/**
 * One named query per dashboard chart, over the aggregate tables (`aggregates`, `aggregates_hourly`):
 * the Daily runs of the last 31 days (each call counted once: Weekly and Monthly runs hold the same
 * calls again). Exact decimals are CAST from their text.
 */
export function dashboardQueries(
  service: ServiceCode,
  database: string,
  aggregatesTable: string,
  hourlyTable: string,
): NamedQuery[] {
  const names = new Set([
    ...aggregateColumns(service).map((c) => c.name.toLowerCase()),
    ...hourlyAggregateColumns(service).map((c) => c.name.toLowerCase()),
    ...AGGREGATE_PARTITION_KEYS,
  ]);
  const c = (name: string) => {
    const lower = name.toLowerCase();
    if (!names.has(lower)) throw new Error(`dashboard query uses unknown column ${name} for ${service}`);
    return `"${lower}"`;
  };
  const connector = c(schemaFor(service).partitionField);
  const aggregates = `"${database}"."${aggregatesTable}"`;
  const hourly = `"${database}"."${hourlyTable}"`;
  const cost = `sum(CAST(${c('Cost')} AS ${MONEY_TYPE}))`;
  const minutes = `sum(CAST(${c('BillableMinutes')} AS ${MINUTES_TYPE}))`;
  const daily = `${c('frequency')} = 'Daily' AND ${lastDays(31)}`;
  return [
    {
      id: 'dashboard-cost-per-day-by-connector',
      title: 'Dashboard: cost per day by connector',
      description: 'Cost per call day and connector (the stacked daily chart), Daily runs of the last 31 days',
      sql: [
        `SELECT date(${c('CallDay')}) AS call_day, ${connector} AS connector,`,
        `       sum(${c('Calls')}) AS calls, ${cost} AS cost_usd`,
        `FROM ${aggregates}`,
        `WHERE ${daily}`,
        'GROUP BY 1, 2',
        'ORDER BY call_day, cost_usd DESC',
      ].join('\n'),
    },
    {
      id: 'dashboard-top-destinations',
      title: 'Dashboard: top destination countries by cost',
      description: 'The 15 destination countries with the highest cost, Daily runs of the last 31 days',
      sql: [
        `SELECT ${c('DestinationCountry')} AS destination_country,`,
        `       sum(${c('Calls')}) AS calls, ${minutes} AS billable_minutes, ${cost} AS cost_usd`,
        `FROM ${aggregates}`,
        `WHERE ${daily}`,
        'GROUP BY 1',
        'ORDER BY cost_usd DESC',
        'LIMIT 15',
      ].join('\n'),
    },
    {
      id: 'dashboard-cost-by-usage-type',
      title: 'Dashboard: cost by usage type',
      description: 'Calls, minutes and cost per usage type (unrated calls included), Daily runs of the last 31 days',
      sql: [
        `SELECT ${c('UsageType')} AS usage_type,`,
        `       sum(${c('Calls')}) AS calls, sum(${c('UnratedCalls')}) AS unrated_calls,`,
        `       ${minutes} AS billable_minutes, ${cost} AS cost_usd`,
        `FROM ${aggregates}`,
        `WHERE ${daily}`,
        'GROUP BY 1',
        'ORDER BY cost_usd DESC',
      ].join('\n'),
    },
    {
      id: 'dashboard-calls-by-hour',
      title: 'Dashboard: calls by hour of day',
      description: 'Calls and cost per hour of day (UTC) and connector, Daily runs of the last 31 days',
      sql: [
        `SELECT ${c('Hour')} AS hour_utc, ${connector} AS connector,`,
        `       sum(${c('Calls')}) AS calls, ${cost} AS cost_usd`,
        `FROM ${hourly}`,
        `WHERE ${daily}`,
        'GROUP BY 1, 2',
        'ORDER BY hour_utc, calls DESC',
      ].join('\n'),
    },
    {
      id: 'dashboard-charged-vs-cost-by-connector',
      title: 'Dashboard: charged vs AWS cost by connector',
      description:
        'What you charged (rate deck or markup) against the AWS cost per connector, and the margin over the calls with both (USD charges only), Daily runs of the last 31 days',
      sql: [
        `SELECT ${connector} AS connector, max(${c('ConnectorName')}) AS connector_name,`,
        `       ${c('ChargeCurrency')} AS charge_currency, sum(${c('Calls')}) AS calls, ${cost} AS cost_usd,`,
        `       sum(${c('ChargedCalls')}) AS charged_calls,`,
        `       sum(CAST(nullif(${c('ChargedAmount')}, '') AS ${CHARGE_TYPE})) AS charged,`,
        `       sum(${c('MarginCalls')}) AS margin_calls,`,
        `       sum(CAST(nullif(${c('MarginCost')}, '') AS ${MONEY_TYPE})) AS margin_cost_usd,`,
        // Empty unless the charges are in USD: no margin across currencies.
        `       sum(CAST(nullif(${c('Margin')}, '') AS ${MONEY_TYPE})) AS margin_usd`,
        `FROM ${aggregates}`,
        `WHERE ${daily} AND ${c('ChargeCurrency')} <> ''`,
        'GROUP BY 1, 3',
        'ORDER BY cost_usd DESC',
      ].join('\n'),
    },
  ];
}
