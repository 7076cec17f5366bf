/**
 * THE column definition of the product. The Arrow schema, the CSV header, the Parquet schema and the
 * Athena table columns are all derived from the lists below: change a column here and every output
 * follows. Nothing else in the code base may spell out the column list.
 */

/** Services whose CDRs the product summarizes (their Price List `ServiceCode`). */
export const SERVICES = ['AmazonChimeVoiceConnector', 'AmazonChimeBusinessCalling'] as const;
export type ServiceCode = (typeof SERVICES)[number];

/*
 * Scales and precisions of the exact decimal columns. Every column holds its exact per-call value AND
 * every period sum fits what Athena returns for SUM (decimal(38, scale)); Parquet DECIMAL and Arrow
 * Decimal128 hold at most 38 digits. The arithmetic:
 *
 *   minutes  decimal(23,18). At most 44,640 (31 days, MAX_CALL_SECONDS / 60): 5 integer digits. 18
 *            fractional digits hold any decimal text with ≤ 18 fractional digits, which includes every
 *            value a JSON writer prints for a double ≥ 0.01 (shortest round-trip text: ≤ 17 significant
 *            digits, so 1 s / 60 = 0.016666666666666666 and 3,599 s / 60 = 59.983333333333334 both fit).
 *            Sum over 30M calls ≤ 30e6 × 44,640 ≈ 1.3e12: 13 integer digits + 18 = 31 ≤ 38.
 *   price    decimal(15,10). The Price List publishes 10 fractional digits; prices below 100,000 USD
 *            per unit (5 integer digits; Chime prices are cents per minute).
 *   cost     decimal(38,28) = minutes × price: scales add (18 + 10), so the product is exact. Per call
 *            < 44,641 × 100,000 ≈ 4.5e9: 10 integer digits, and 38 − 28 = 10. A period sum (Athena
 *            SUM → decimal(38,28)) is exact up to 9,999,999,999.99… USD: a period total in the billions
 *            (30M calls would need an average over 333 USD per call to exceed it). The manifest and CSV
 *            totals are bigint text, exact without any bound.
 * Beyond these ranges a value is rejected with a code (too-many-decimals, duration-out-of-range,
 * price-out-of-range); it is never rounded or wrapped (table.ts refuses to encode it).
 */
/** Fractional digits kept for `BillableDurationMinutes` (see the arithmetic above). */
export const MINUTES_SCALE = 18;
/** Total digits of `BillableDurationMinutes`: 5 integer digits (≤ 44,640) + MINUTES_SCALE. */
export const MINUTES_PRECISION = 23;
/** Fractional digits kept for prices (the Price List API publishes 10). */
export const PRICE_SCALE = 10;
/** Total digits of a price: prices below 100,000 USD per unit. */
export const PRICE_PRECISION = 15;
/** Fractional digits of `Cost`: exact product of minutes and price. */
export const COST_SCALE = MINUTES_SCALE + PRICE_SCALE;
/** Decimal precision of `Cost` in Parquet/Athena (the Decimal128 maximum). */
export const MONEY_PRECISION = 38;
/** Prices at or above this (scaled by 10^PRICE_SCALE) are outside PRICE_PRECISION. */
export const PRICE_LIMIT_SCALED = 10n ** BigInt(PRICE_PRECISION);
/** Fractional digits of a `--markup` percentage. */
export const MARKUP_SCALE = 4;
/**
 * Fractional digits of `ChargedAmount`: those of Cost, so charges and costs sum alike (decimal(38,28),
 * exact in Athena up to 10^10). A rate-deck charge is fee + seconds × rate / 60 (PRICE_SCALE + 2
 * digits at most, the deck refusing rates that would not end); a markup charge is
 * Cost × (100 + percent) / 100, which needs at most MARKUP_SCALE + 2 more digits than the cost has:
 * a cost already using more than COST_SCALE − 6 of its digits would make a charge beyond the column,
 * and that call is rejected (`charge-out-of-range`), never rounded.
 */
export const CHARGE_SCALE = COST_SCALE;

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

/** Fields both services' CDRs carry, with the same meaning. */
const ACCOUNT_ID = column('AwsAccountId', 'string', true, 'AWS account ID');
const SCHEMA_VERSION = column('SchemaVersion', 'string', false, 'CDR schema version');
const SERVICE_CODE = column('ServiceCode', 'string', false, 'Price List service code');
const BILLABLE_SECONDS = column('BillableDurationSeconds', 'integer', false, 'Billable duration in seconds');
const BILLABLE_MINUTES = column('BillableDurationMinutes', 'minutes', true, 'Billable duration in minutes');
const DESTINATION_NUMBER = column('DestinationPhoneNumber', 'string', false, 'E.164 destination phone number');
const DESTINATION_COUNTRY = column('DestinationCountry', 'string', false, 'Country of the destination phone number');
const DIRECTION = column('Direction', 'string', false, 'Outbound or Inbound');
const START_EPOCH = column('StartTimeEpochSeconds', 'integer', true, 'Call start, epoch seconds');
const END_EPOCH = column('EndTimeEpochSeconds', 'integer', false, 'Call end, epoch seconds');

/** Voice Connector CDR fields, in the order Amazon Chime documents them. */
const VOICE_CONNECTOR_FIELDS: readonly ColumnDefinition[] = [
  ACCOUNT_ID,
  column('TransactionId', 'string', true, 'Voice Connector transaction ID'),
  column('CallId', 'string', false, 'Customer-facing SIP call ID'),
  column('VoiceConnectorId', 'string', true, 'Voice Connector ID'),
  column('Status', 'string', false, 'Status of the call'),
  column('StatusMessage', 'string', false, 'Status message of the call'),
  column('SipAuthUser', 'string', false, 'SIP authentication name'),
  BILLABLE_SECONDS,
  BILLABLE_MINUTES,
  SCHEMA_VERSION,
  column('SourcePhoneNumber', 'string', false, 'E.164 origination phone number'),
  column('SourcePhoneNumberName', 'string', false, 'Name of the origination phone number'),
  column('SourceCountry', 'string', false, 'Country of the origination phone number'),
  DESTINATION_NUMBER,
  column('DestinationPhoneNumberName', 'string', false, 'Name of the destination phone number'),
  DESTINATION_COUNTRY,
  column('UsageType', 'string', false, 'Usage type of the line item in the Price List API'),
  SERVICE_CODE,
  DIRECTION,
  START_EPOCH,
  END_EPOCH,
  column('Region', 'string', false, 'AWS Region of the Voice Connector'),
  column('Streaming', 'boolean', false, 'Whether media streaming was enabled'),
  column('IsProxyCall', 'boolean', false, 'Whether the call was a proxy call'),
];

/** Business Calling CDR fields, in the order Amazon Chime documents them. */
const BUSINESS_CALLING_FIELDS: readonly ColumnDefinition[] = [
  SCHEMA_VERSION,
  column('CdrId', 'string', true, 'Call detail record ID'),
  SERVICE_CODE,
  column('ChimeAccountId', 'string', false, 'Amazon Chime account ID'),
  ACCOUNT_ID,
  column('ConferenceId', 'string', false, 'Conference ID'),
  column('ConferencePin', 'string', false, 'Conference PIN (masked)'),
  column('OrganizerUserId', 'string', false, 'Organizer user ID'),
  column('OrganizerEmail', 'string', false, 'Organizer email address'),
  column('CallerPhoneNumber', 'string', false, 'E.164 caller phone number'),
  column('CallerCountry', 'string', false, 'Country of the caller phone number'),
  DESTINATION_NUMBER,
  DESTINATION_COUNTRY,
  column('ConferenceStartTimeEpochSeconds', 'integer', false, 'Conference start, epoch seconds'),
  column('ConferenceEndTimeEpochSeconds', 'integer', false, 'Conference end, epoch seconds'),
  START_EPOCH,
  END_EPOCH,
  BILLABLE_SECONDS,
  BILLABLE_MINUTES,
  DIRECTION,
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
  /** The field that identifies a call: billed once per period however often it is delivered. */
  readonly callIdField: 'TransactionId' | 'CdrId';
  /** CDR fields only. */
  readonly cdrFields: readonly ColumnDefinition[];
  /** CDR fields followed by DERIVED_COLUMNS: the report's columns, in order. */
  readonly columns: readonly ColumnDefinition[];
}

function serviceSchema(
  service: ServiceCode,
  dashed: string,
  partitionField: ServiceSchema['partitionField'],
  callIdField: ServiceSchema['callIdField'],
  cdrFields: readonly ColumnDefinition[],
): ServiceSchema {
  return {
    service,
    callIdField,
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
    'TransactionId',
    VOICE_CONNECTOR_FIELDS,
  ),
  AmazonChimeBusinessCalling: serviceSchema(
    'AmazonChimeBusinessCalling',
    'Amazon-Chime-Business-Calling',
    'AwsAccountId',
    'CdrId',
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

/** Column kinds held as exact decimals (scaled bigint). */
export type DecimalKind = Extract<ColumnKind, 'minutes' | 'price' | 'cost' | 'charge'>;

/** Precision (total digits) and scale (fractional digits) of a decimal column kind. */
export function decimalShape(kind: DecimalKind): { readonly precision: number; readonly scale: number } {
  switch (kind) {
    case 'minutes':
      return { precision: MINUTES_PRECISION, scale: MINUTES_SCALE };
    case 'price':
      return { precision: PRICE_PRECISION, scale: PRICE_SCALE };
    case 'cost':
      return { precision: MONEY_PRECISION, scale: COST_SCALE };
    case 'charge':
      return { precision: MONEY_PRECISION, scale: CHARGE_SCALE };
  }
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
    case 'price':
    case 'cost':
    case 'charge': {
      const { precision, scale } = decimalShape(kind);
      return `decimal(${precision},${scale})`;
    }
    case 'timestamp':
      return 'timestamp';
  }
}

/** Athena table columns of a service, derived from the schema. */
export function athenaColumns(service: ServiceCode): { name: string; type: string; comment: string }[] {
  return SCHEMAS[service].columns.map((c) => ({ name: c.name, type: athenaType(c.kind), comment: c.description }));
}
