/**
 * THE column definition of the product. The Arrow schema, the CSV header, the Parquet schema and the
 * Athena table columns are all derived from the lists below: change a column here and every output
 * follows. Nothing else in the code base may spell out the column list.
 */

/** Services whose CDRs the product summarizes (their Price List `ServiceCode`). */
export const SERVICES = ['AmazonChimeVoiceConnector', 'AmazonChimeBusinessCalling'] as const;
export type ServiceCode = (typeof SERVICES)[number];

/** Fractional digits kept for `BillableDurationMinutes` (Chime bills in 0.1-minute steps). */
export const MINUTES_SCALE = 6;
/** Fractional digits kept for prices (the Price List API publishes 10). */
export const PRICE_SCALE = 10;
/** Fractional digits of `Cost`: exact product of minutes and price. */
export const COST_SCALE = MINUTES_SCALE + PRICE_SCALE;
/** Decimal precision of money columns in Parquet/Athena (Decimal128 maximum). */
export const MONEY_PRECISION = 38;
/** Fractional digits of a `--markup` percentage. */
export const MARKUP_SCALE = 4;
/**
 * Fractional digits of `ChargedAmount`: holds both charges exactly. A markup charge is
 * Cost × (100 + percent) / 100 (COST_SCALE + MARKUP_SCALE + 2 digits); a rate-deck charge is
 * fee + seconds × rate / 60 (PRICE_SCALE + 2 digits, the deck refusing rates that would not end).
 */
export const CHARGE_SCALE = COST_SCALE + MARKUP_SCALE + 2;

/**
 * Logical type of a column; each maps to one Arrow type, one Parquet type and one Athena type.
 * - `string`: UTF-8 text.
 * - `integer`: signed 64-bit integer (durations, epoch seconds).
 * - `boolean`.
 * - `minutes` / `price` / `cost` / `charge`: exact decimals with MINUTES_SCALE / PRICE_SCALE /
 *   COST_SCALE / CHARGE_SCALE digits.
 * - `timestamp`: UTC instant, milliseconds.
 */
export type ColumnKind = 'string' | 'integer' | 'boolean' | 'minutes' | 'price' | 'cost' | 'charge' | 'timestamp';

/** One column of the report. */
export interface ColumnDefinition {
  /** Column name, as written in the CDR JSON for CDR fields. */
  readonly name: string;
  readonly kind: ColumnKind;
  /** Whether a CDR must carry this field to be accepted (only meaningful for CDR fields). */
  readonly required: boolean;
  /** One-line description, reused for the Athena column comment and the README. */
  readonly description: string;
}

function column(name: string, kind: ColumnKind, required: boolean, description: string): ColumnDefinition {
  return { name, kind, required, description };
}

/** Voice Connector CDR fields, in the order Amazon Chime documents them. */
const VOICE_CONNECTOR_FIELDS: readonly ColumnDefinition[] = [
  column('AwsAccountId', 'string', true, 'AWS account ID'),
  column('TransactionId', 'string', true, 'Voice Connector transaction ID'),
  column('CallId', 'string', false, 'Customer-facing SIP call ID'),
  column('VoiceConnectorId', 'string', true, 'Voice Connector ID'),
  column('Status', 'string', false, 'Status of the call'),
  column('StatusMessage', 'string', false, 'Status message of the call'),
  column('SipAuthUser', 'string', false, 'SIP authentication name'),
  column('BillableDurationSeconds', 'integer', false, 'Billable duration in seconds'),
  column('BillableDurationMinutes', 'minutes', true, 'Billable duration in minutes'),
  column('SchemaVersion', 'string', false, 'CDR schema version'),
  column('SourcePhoneNumber', 'string', false, 'E.164 origination phone number'),
  column('SourcePhoneNumberName', 'string', false, 'Name of the origination phone number'),
  column('SourceCountry', 'string', false, 'Country of the origination phone number'),
  column('DestinationPhoneNumber', 'string', false, 'E.164 destination phone number'),
  column('DestinationPhoneNumberName', 'string', false, 'Name of the destination phone number'),
  column('DestinationCountry', 'string', false, 'Country of the destination phone number'),
  column('UsageType', 'string', false, 'Usage type of the line item in the Price List API'),
  column('ServiceCode', 'string', false, 'Price List service code'),
  column('Direction', 'string', false, 'Outbound or Inbound'),
  column('StartTimeEpochSeconds', 'integer', true, 'Call start, epoch seconds'),
  column('EndTimeEpochSeconds', 'integer', false, 'Call end, epoch seconds'),
  column('Region', 'string', false, 'AWS Region of the Voice Connector'),
  column('Streaming', 'boolean', false, 'Whether media streaming was enabled'),
  column('IsProxyCall', 'boolean', false, 'Whether the call was a proxy call'),
];

/** Business Calling CDR fields, in the order Amazon Chime documents them. */
const BUSINESS_CALLING_FIELDS: readonly ColumnDefinition[] = [
  column('SchemaVersion', 'string', false, 'CDR schema version'),
  column('CdrId', 'string', true, 'Call detail record ID'),
  column('ServiceCode', 'string', false, 'Price List service code'),
  column('ChimeAccountId', 'string', false, 'Amazon Chime account ID'),
  column('AwsAccountId', 'string', true, 'AWS account ID'),
  column('ConferenceId', 'string', false, 'Conference ID'),
  column('ConferencePin', 'string', false, 'Conference PIN (masked)'),
  column('OrganizerUserId', 'string', false, 'Organizer user ID'),
  column('OrganizerEmail', 'string', false, 'Organizer email address'),
  column('CallerPhoneNumber', 'string', false, 'E.164 caller phone number'),
  column('CallerCountry', 'string', false, 'Country of the caller phone number'),
  column('DestinationPhoneNumber', 'string', false, 'E.164 destination phone number'),
  column('DestinationCountry', 'string', false, 'Country of the destination phone number'),
  column('ConferenceStartTimeEpochSeconds', 'integer', false, 'Conference start, epoch seconds'),
  column('ConferenceEndTimeEpochSeconds', 'integer', false, 'Conference end, epoch seconds'),
  column('StartTimeEpochSeconds', 'integer', true, 'Call start, epoch seconds'),
  column('EndTimeEpochSeconds', 'integer', false, 'Call end, epoch seconds'),
  column('BillableDurationSeconds', 'integer', false, 'Billable duration in seconds'),
  column('BillableDurationMinutes', 'minutes', true, 'Billable duration in minutes'),
  column('Direction', 'string', false, 'Outbound or Inbound'),
  column(
    'UsageType',
    'string',
    false,
    'Usage type (absent from Business Calling CDRs; derived when a price identifies it)',
  ),
];

/** Columns the job adds after the CDR fields, in this order. */
export const DERIVED_COLUMNS: readonly ColumnDefinition[] = [
  column('StartTime', 'timestamp', false, 'Call start, ISO 8601 UTC'),
  column('EndTime', 'timestamp', false, 'Call end, ISO 8601 UTC'),
  column('PricePerUnit', 'price', false, 'OnDemand USD price per unit applied'),
  column('PriceUnit', 'string', false, 'Unit of the price (minutes)'),
  column('PriceVersion', 'string', false, 'Price list version in effect at call start'),
  column('RatingStatus', 'string', false, 'RATED, or why the call could not be rated'),
  column('Cost', 'cost', false, 'BillableDurationMinutes x PricePerUnit, USD, exact'),
  column('DeckPrefix', 'string', false, 'Rate-deck prefix matched by the called number (longest match)'),
  column('DeckRatePerMinute', 'price', false, 'Rate per minute of the deck row applied'),
  column('ChargedSeconds', 'integer', false, 'Seconds charged after the deck row increments'),
  column(
    'ChargedAmount',
    'charge',
    false,
    'Connection fee + ChargedSeconds / 60 x rate, or Cost x (1 + markup); exact',
  ),
  column('ChargeCurrency', 'string', false, 'Currency of ChargedAmount (the deck currency, USD with a markup)'),
  column('DeckStatus', 'string', false, 'CHARGED or NO_MATCH; empty without a rate deck'),
  column('ConnectorName', 'string', false, 'Name of the Voice Connector (or account) from --connectors'),
  column('ConnectorTags', 'string', false, 'Tags of the Voice Connector (or account), a JSON object'),
];

/** Everything that differs between the two services. */
export interface ServiceSchema {
  readonly service: ServiceCode;
  /** Top folder Amazon Chime writes the CDRs under. */
  readonly cdrPrefix: string;
  /** Top folder of our outputs (`<Service-With-Dashes>-Summary/`). */
  readonly summaryPrefix: string;
  /** Top folder of the price snapshots the scheduler stores. */
  readonly pricingPrefix: string;
  /** What the folder below `json/` is named after. */
  readonly partitionField: 'VoiceConnectorId' | 'AwsAccountId';
  /** CDR fields only. */
  readonly cdrFields: readonly ColumnDefinition[];
  /** CDR fields followed by DERIVED_COLUMNS: the report's columns, in order. */
  readonly columns: readonly ColumnDefinition[];
}

function serviceSchema(
  service: ServiceCode,
  dashed: string,
  partitionField: ServiceSchema['partitionField'],
  cdrFields: readonly ColumnDefinition[],
): ServiceSchema {
  return {
    service,
    cdrPrefix: `${dashed}-CDRs/json/`,
    summaryPrefix: `${dashed}-Summary/`,
    pricingPrefix: `${dashed}-Pricing/`,
    partitionField,
    cdrFields,
    columns: [...cdrFields, ...DERIVED_COLUMNS],
  };
}

const SCHEMAS: Readonly<Record<ServiceCode, ServiceSchema>> = {
  AmazonChimeVoiceConnector: serviceSchema(
    'AmazonChimeVoiceConnector',
    'Amazon-Chime-Voice-Connector',
    'VoiceConnectorId',
    VOICE_CONNECTOR_FIELDS,
  ),
  AmazonChimeBusinessCalling: serviceSchema(
    'AmazonChimeBusinessCalling',
    'Amazon-Chime-Business-Calling',
    'AwsAccountId',
    BUSINESS_CALLING_FIELDS,
  ),
};

/** Whether `value` names a supported service. */
export function isServiceCode(value: string): value is ServiceCode {
  return (SERVICES as readonly string[]).includes(value);
}

/** The schema of one service. */
export function schemaFor(service: ServiceCode): ServiceSchema {
  return SCHEMAS[service];
}

/** Column names of the report (CSV header, Parquet and Athena columns), in order. */
export function columnNames(service: ServiceCode): string[] {
  return SCHEMAS[service].columns.map((c) => c.name);
}

/** Athena/Glue type of a column kind. */
export function athenaType(kind: ColumnKind): string {
  switch (kind) {
    case 'string':
      return 'string';
    case 'integer':
      return 'bigint';
    case 'boolean':
      return 'boolean';
    case 'minutes':
      return `decimal(18,${MINUTES_SCALE})`;
    case 'price':
      return `decimal(20,${PRICE_SCALE})`;
    case 'cost':
      return `decimal(${MONEY_PRECISION},${COST_SCALE})`;
    case 'charge':
      return `decimal(${MONEY_PRECISION},${CHARGE_SCALE})`;
    case 'timestamp':
      return 'timestamp';
  }
}

/** Athena table columns of a service, derived from the schema. */
export function athenaColumns(service: ServiceCode): { name: string; type: string; comment: string }[] {
  return SCHEMAS[service].columns.map((c) => ({ name: c.name, type: athenaType(c.kind), comment: c.description }));
}
