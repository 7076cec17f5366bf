/**
 * THE column definition of the FOCUS export: the CSV header, the Parquet schema and the Athena
 * table all come from FOCUS_COLUMNS.
 *
 * FOCUS (FinOps Open Cost and Usage Specification) version 1.2, the latest ratified release: the
 * column library in `specification/columns/*.md` of the FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec
 * repository at tag v1.2 (commit 7296e3146fb931ee32b6496fa6e4200e7f4384f7), and the attributes in
 * `specification/attributes/` (date/time, numeric, unit, key-value formats). Every Mandatory column
 * is here, and every Conditional column whose condition the provider (AWS) meets for a usage charge;
 * custom columns carry the `x_` prefix the specification requires (`supported_features/custom_columns.md`).
 */
import { CHARGE_SCALE, COST_SCALE, MINUTES_SCALE, MONEY_PRECISION, PRICE_SCALE } from '../schema';

/** The FOCUS version the export conforms to. */
export const FOCUS_VERSION = '1.2';

/**
 * A FOCUS data type, as written to Parquet/Athena: `string`; `datetime` (UTC, `YYYY-MM-DDTHH:mm:ssZ`
 * in CSV, a UTC timestamp in Parquet); `json` (a key-value object serialized as text); `integer`;
 * `decimal` with its scale.
 */
export type FocusType =
  | { readonly kind: 'string' }
  | { readonly kind: 'datetime' }
  | { readonly kind: 'json' }
  | { readonly kind: 'integer' }
  | { readonly kind: 'decimal'; readonly scale: number };

/** Feature level the specification gives a column (custom columns are ours). */
export type FocusLevel = 'Mandatory' | 'Conditional' | 'Recommended' | 'Custom';

/** One column of the FOCUS export. */
export interface FocusColumn {
  /** Column ID, as the specification spells it. */
  readonly name: string;
  readonly type: FocusType;
  readonly level: FocusLevel;
  /** Whether the column can be null in our rows. */
  readonly nullable: boolean;
  readonly description: string;
}

const STRING: FocusType = { kind: 'string' };
const DATETIME: FocusType = { kind: 'datetime' };
const JSON_OBJECT: FocusType = { kind: 'json' };
const COST: FocusType = { kind: 'decimal', scale: COST_SCALE };
const UNIT_PRICE: FocusType = { kind: 'decimal', scale: PRICE_SCALE };
const QUANTITY: FocusType = { kind: 'decimal', scale: MINUTES_SCALE };

function col(name: string, type: FocusType, level: FocusLevel, nullable: boolean, description: string): FocusColumn {
  return { name, type, level, nullable, description };
}

/** The export's columns, in this order (specification columns alphabetically, then custom ones). */
export const FOCUS_COLUMNS: readonly FocusColumn[] = [
  col('BilledCost', COST, 'Mandatory', false, 'Cost invoiced for the charge (AWS list price x quantity), USD'),
  col('BillingAccountId', STRING, 'Mandatory', false, 'AWS account the calls were billed to'),
  col('BillingAccountName', STRING, 'Mandatory', true, 'Name of the billing account (not in CDRs: null)'),
  col('BillingCurrency', STRING, 'Mandatory', false, 'Currency of the billed cost (ISO 4217)'),
  col('BillingPeriodEnd', DATETIME, 'Mandatory', false, 'Exclusive end of the AWS billing period (calendar month)'),
  col('BillingPeriodStart', DATETIME, 'Mandatory', false, 'Inclusive start of the AWS billing period'),
  col('CapacityReservationId', STRING, 'Conditional', true, 'No capacity reservations apply to calls: null'),
  col('CapacityReservationStatus', STRING, 'Conditional', true, 'Null (no capacity reservation)'),
  col('ChargeCategory', STRING, 'Mandatory', false, 'Usage'),
  col('ChargeClass', STRING, 'Mandatory', true, 'Null: not a correction of an invoiced period'),
  col('ChargeDescription', STRING, 'Mandatory', true, 'What the row charges for'),
  col('ChargeFrequency', STRING, 'Recommended', false, 'Usage-Based'),
  col('ChargePeriodEnd', DATETIME, 'Mandatory', false, 'Exclusive end of the charge: the next day 00:00Z'),
  col('ChargePeriodStart', DATETIME, 'Mandatory', false, 'Inclusive start of the charge: the call start day 00:00Z'),
  col('CommitmentDiscountCategory', STRING, 'Conditional', true, 'Null: no commitment discount applies'),
  col('CommitmentDiscountId', STRING, 'Conditional', true, 'Null: no commitment discount applies'),
  col('CommitmentDiscountName', STRING, 'Conditional', true, 'Null: no commitment discount applies'),
  col('CommitmentDiscountQuantity', QUANTITY, 'Conditional', true, 'Null: no commitment discount applies'),
  col('CommitmentDiscountStatus', STRING, 'Conditional', true, 'Null: no commitment discount applies'),
  col('CommitmentDiscountType', STRING, 'Conditional', true, 'Null: no commitment discount applies'),
  col('CommitmentDiscountUnit', STRING, 'Conditional', true, 'Null: no commitment discount applies'),
  col('ConsumedQuantity', QUANTITY, 'Conditional', false, 'Billable minutes of the calls'),
  col('ConsumedUnit', STRING, 'Conditional', false, 'Minutes'),
  col('ContractedCost', COST, 'Mandatory', false, 'Cost at the contracted unit price (the list price)'),
  col('ContractedUnitPrice', UNIT_PRICE, 'Conditional', false, 'Contracted price per minute (the list price)'),
  col('EffectiveCost', COST, 'Mandatory', false, 'Amortized cost (no commitment discounts: the billed cost)'),
  col('InvoiceId', STRING, 'Recommended', true, 'Not known from CDRs: null'),
  col('InvoiceIssuerName', STRING, 'Mandatory', false, 'AWS'),
  col('ListCost', COST, 'Mandatory', false, 'Cost at the list unit price'),
  col('ListUnitPrice', UNIT_PRICE, 'Conditional', false, 'Public OnDemand price per minute, USD'),
  col('PricingCategory', STRING, 'Conditional', false, 'Standard'),
  col('PricingQuantity', QUANTITY, 'Mandatory', false, 'Billable minutes (the price is per minute)'),
  col('PricingUnit', STRING, 'Mandatory', false, 'Minutes'),
  col('ProviderName', STRING, 'Mandatory', false, 'AWS'),
  col('PublisherName', STRING, 'Mandatory', false, 'AWS'),
  col('RegionId', STRING, 'Conditional', true, 'AWS Region of the Voice Connector'),
  col('RegionName', STRING, 'Conditional', true, 'Name of the AWS Region'),
  col('ResourceId', STRING, 'Conditional', true, 'Voice Connector ID (null for Business Calling)'),
  col('ResourceName', STRING, 'Conditional', true, 'Voice Connector name from --connectors'),
  col('ResourceType', STRING, 'Conditional', true, 'Voice Connector'),
  col('ServiceCategory', STRING, 'Mandatory', false, 'Business Applications'),
  col('ServiceName', STRING, 'Mandatory', false, 'Amazon Chime Voice Connector or Amazon Chime Business Calling'),
  col('ServiceSubcategory', STRING, 'Recommended', false, 'Productivity and Collaboration'),
  col('SkuId', STRING, 'Conditional', false, 'Price List usage type'),
  col('SkuMeter', STRING, 'Conditional', false, 'What is metered: the usage type'),
  col('SkuPriceDetails', JSON_OBJECT, 'Conditional', true, 'Null (allowed when SkuPriceId is set)'),
  col('SkuPriceId', STRING, 'Conditional', false, 'Price list version and usage type (<version>:<usagetype>)'),
  col('SubAccountId', STRING, 'Conditional', false, 'AWS account of the calls'),
  col('SubAccountName', STRING, 'Conditional', false, 'Account name from --connectors, else the account ID'),
  col('Tags', JSON_OBJECT, 'Conditional', true, 'Cost-allocation tags of the connector (or account), JSON'),
  col('x_CallCount', { kind: 'integer' }, 'Custom', false, 'Calls summed in the row'),
  col(
    'x_ChargedAmount',
    { kind: 'decimal', scale: CHARGE_SCALE },
    'Custom',
    true,
    'What the operator charged (rate deck or markup)',
  ),
  col('x_ChargeCurrency', STRING, 'Custom', true, 'Currency of x_ChargedAmount'),
  col('x_PriceListVersion', STRING, 'Custom', false, 'AWS price list version applied'),
];

/** Athena/Glue type of a FOCUS column. */
export function focusAthenaType(type: FocusType): string {
  switch (type.kind) {
    case 'string':
    case 'json':
      return 'string';
    case 'datetime':
      return 'timestamp';
    case 'integer':
      return 'bigint';
    case 'decimal':
      return `decimal(${MONEY_PRECISION},${type.scale})`;
  }
}

/** Athena table columns of the FOCUS export (lower-cased, as Glue stores them). */
export function focusAthenaColumns(): { name: string; type: string; comment: string }[] {
  return FOCUS_COLUMNS.map((c) => ({
    name: c.name.toLowerCase(),
    type: focusAthenaType(c.type),
    comment: c.description,
  }));
}
