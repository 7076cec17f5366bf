/**
 * THE column definitions of the aggregate outputs (`aggregates.csv`, `hourly.csv`): the CSV headers
 * and the Athena tables over them are derived from these lists.
 */

import { COST_SCALE, MINUTES_SCALE, MONEY_PRECISION, type ServiceCode, schemaFor } from './schema';

/** One column of an aggregate file. */
export interface AggregateColumn {
  readonly name: string;
  /** Athena (Hive DDL) type. */
  readonly athenaType: string;
  readonly description: string;
}

/**
 * Athena reads the files with the Open CSV SerDe (quoted fields), which parses numbers but not
 * decimals or ISO dates: those columns are strings holding exact decimal text / YYYY-MM-DD, and
 * queries CAST them (see the types below).
 */
export const MINUTES_TYPE = `decimal(38,${MINUTES_SCALE})`;
/** The exact type of the money columns, for CAST in queries. */
export const MONEY_TYPE = `decimal(${MONEY_PRECISION},${COST_SCALE})`;
const MINUTES = 'string';
const MONEY = 'string';

/** Columns of `aggregates.csv` for a service (the connector column is the service's partition field). */
export function aggregateColumns(service: ServiceCode): AggregateColumn[] {
  const connector = schemaFor(service).partitionField;
  return [
    { name: 'CallDay', athenaType: 'string', description: 'Call start day (UTC), YYYY-MM-DD' },
    { name: connector, athenaType: 'string', description: `${connector} of the calls` },
    { name: 'UsageType', athenaType: 'string', description: 'Usage type (empty when unknown)' },
    { name: 'DestinationCountry', athenaType: 'string', description: 'Destination country' },
    { name: 'Direction', athenaType: 'string', description: 'Outbound or Inbound' },
    { name: 'Calls', athenaType: 'bigint', description: 'Calls' },
    {
      name: 'BillableMinutes',
      athenaType: MINUTES,
      description: `Billable minutes of all the calls (exact decimal text; CAST AS ${MINUTES_TYPE})`,
    },
    {
      name: 'Cost',
      athenaType: MONEY,
      description: `Cost of the rated calls, USD (exact decimal text; CAST AS ${MONEY_TYPE})`,
    },
    { name: 'RatedCalls', athenaType: 'bigint', description: 'Calls rated' },
    { name: 'UnratedCalls', athenaType: 'bigint', description: 'Calls that could not be rated' },
    {
      name: 'UnratedMinutes',
      athenaType: MINUTES,
      description: `Billable minutes of the unrated calls (CAST AS ${MINUTES_TYPE})`,
    },
  ];
}

/** Columns of `hourly.csv` for a service. */
export function hourlyAggregateColumns(service: ServiceCode): AggregateColumn[] {
  const connector = schemaFor(service).partitionField;
  return [
    { name: 'CallDay', athenaType: 'string', description: 'Call start day (UTC), YYYY-MM-DD' },
    { name: connector, athenaType: 'string', description: `${connector} of the calls` },
    { name: 'Hour', athenaType: 'int', description: 'Hour of day of the call start (UTC, 0-23)' },
    { name: 'Calls', athenaType: 'bigint', description: 'Calls' },
    { name: 'BillableMinutes', athenaType: MINUTES, description: `Billable minutes (CAST AS ${MINUTES_TYPE})` },
    { name: 'Cost', athenaType: MONEY, description: `Cost of the rated calls, USD (CAST AS ${MONEY_TYPE})` },
  ];
}
