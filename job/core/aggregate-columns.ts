/**
 * THE column definitions of the aggregate outputs (`aggregates.csv`, `hourly.csv`): the CSV headers
 * and the Athena tables over them are derived from these lists.
 */

import { CHARGE_SCALE, COST_SCALE, MINUTES_SCALE, MONEY_PRECISION, type ServiceCode, schemaFor } from './schema';

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
/** The exact type of the charge columns, for CAST in queries. */
export const CHARGE_TYPE = `decimal(${MONEY_PRECISION},${CHARGE_SCALE})`;
const MINUTES = 'string';
const MONEY = 'string';

const CALL_DAY: AggregateColumn = {
  name: 'CallDay',
  athenaType: 'string',
  description: 'Call start day (UTC), YYYY-MM-DD',
};
const CALLS: AggregateColumn = { name: 'Calls', athenaType: 'bigint', description: 'Calls' };
const BILLABLE_MINUTES: AggregateColumn = {
  name: 'BillableMinutes',
  athenaType: MINUTES,
  description: `Billable minutes of all the calls (exact decimal text; CAST AS ${MINUTES_TYPE})`,
};
const COST: AggregateColumn = {
  name: 'Cost',
  athenaType: MONEY,
  description: `Cost of the rated calls, USD (exact decimal text; CAST AS ${MONEY_TYPE})`,
};
const CONNECTOR_NAME: AggregateColumn = {
  name: 'ConnectorName',
  athenaType: 'string',
  description: 'Name of the connector (or account) from --connectors',
};

/** The connector column: the service's partition field (VoiceConnectorId or AccountId). */
function connectorColumn(service: ServiceCode): AggregateColumn {
  const connector = schemaFor(service).partitionField;
  return { name: connector, athenaType: 'string', description: `${connector} of the calls` };
}

/** Columns of `aggregates.csv` for a service (the connector column is the service's partition field). */
export function aggregateColumns(service: ServiceCode): AggregateColumn[] {
  return [
    CALL_DAY,
    connectorColumn(service),
    { name: 'UsageType', athenaType: 'string', description: 'Usage type (empty when unknown)' },
    { name: 'DestinationCountry', athenaType: 'string', description: 'Destination country' },
    { name: 'Direction', athenaType: 'string', description: 'Outbound or Inbound' },
    CALLS,
    BILLABLE_MINUTES,
    COST,
    { name: 'RatedCalls', athenaType: 'bigint', description: 'Calls rated' },
    { name: 'UnratedCalls', athenaType: 'bigint', description: 'Calls that could not be rated' },
    {
      name: 'UnratedMinutes',
      athenaType: MINUTES,
      description: `Billable minutes of the unrated calls (CAST AS ${MINUTES_TYPE})`,
    },
    // Added after the columns above (older files simply lack them: Athena reads them as null).
    ...connectorNameAndCharges(),
  ];
}

/**
 * The connector's name and what the operator charged (rate deck or markup): empty cells without
 * --connectors / without a deck or markup. The margin is taken over the calls that have both a charge
 * and an AWS cost, and only when the charges are in USD.
 */
function connectorNameAndCharges(): AggregateColumn[] {
  return [
    CONNECTOR_NAME,
    { name: 'ChargedCalls', athenaType: 'bigint', description: 'Calls with a ChargedAmount (rate deck or markup)' },
    {
      name: 'ChargedAmount',
      athenaType: MONEY,
      description: `Sum of ChargedAmount, in ChargeCurrency (CAST AS ${CHARGE_TYPE})`,
    },
    {
      name: 'ChargeCurrency',
      athenaType: 'string',
      description: 'Currency of the charges (the deck currency, USD with a markup)',
    },
    {
      name: 'MarginCalls',
      athenaType: 'bigint',
      description: 'Calls with both a ChargedAmount and an AWS Cost (the calls the margin is taken over)',
    },
    {
      name: 'MarginChargedAmount',
      athenaType: MONEY,
      description: `ChargedAmount of those calls, in ChargeCurrency (CAST AS ${CHARGE_TYPE})`,
    },
    { name: 'MarginCost', athenaType: MONEY, description: `AWS Cost of those calls, USD (CAST AS ${MONEY_TYPE})` },
    {
      name: 'Margin',
      athenaType: MONEY,
      description: `MarginChargedAmount - MarginCost, USD; empty unless ChargeCurrency is USD (CAST AS ${MONEY_TYPE})`,
    },
  ];
}

/** Columns of `hourly.csv` for a service. */
export function hourlyAggregateColumns(service: ServiceCode): AggregateColumn[] {
  return [
    CALL_DAY,
    connectorColumn(service),
    { name: 'Hour', athenaType: 'int', description: 'Hour of day of the call start (UTC, 0-23)' },
    CALLS,
    BILLABLE_MINUTES,
    COST,
    CONNECTOR_NAME,
  ];
}
