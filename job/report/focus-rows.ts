import { formatDecimal } from '../core/decimal';
import { FOCUS_COLUMNS } from '../core/focus/columns';
import { MINUTES_SCALE, type ServiceSchema } from '../core/schema';
import { regionName } from './aws-region-names';
import type { UsageLine } from './usage-lines';

/** A FOCUS cell: text, a scaled decimal (bigint), epoch milliseconds (datetime) or an integer, or null. */
export type FocusValue = string | bigint | number | null;

/** FOCUS rows, column-major in FOCUS_COLUMNS order. */
export interface FocusTable {
  readonly columns: FocusValue[][];
  readonly length: number;
}

const DAY_MS = 86_400_000;

const SERVICE_NAMES: Readonly<Record<ServiceSchema['service'], string>> = {
  AmazonChimeVoiceConnector: 'Amazon Chime Voice Connector',
  AmazonChimeBusinessCalling: 'Amazon Chime Business Calling',
};

/** What the FOCUS rows say about the provider; AWS's names as in its own FOCUS exports. */
const PROVIDER = 'AWS';

function monthBounds(dayMs: number): [number, number] {
  const date = new Date(dayMs);
  return [
    Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1),
    Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1),
  ];
}

/** Account names from the connectors file (Business Calling lists accounts there). */
export type AccountNames = (accountId: string) => string | null;

/** One FOCUS row (column name → value) of a usage line. */
function focusRow(schema: ServiceSchema, line: UsageLine, chargeCurrency: string | null): Record<string, FocusValue> {
  const dayMs = line.day * DAY_MS;
  const [billingStart, billingEnd] = monthBounds(dayMs);
  const voiceConnector = schema.partitionField === 'VoiceConnectorId';
  const minutes = formatDecimal(line.minutes, MINUTES_SCALE);
  const callWord = line.calls === 1 ? 'call' : 'calls';
  const accountName = voiceConnector ? line.accountId : (line.resourceName ?? line.accountId);
  return {
    BilledCost: line.cost,
    BillingAccountId: line.accountId,
    BillingAccountName: null,
    BillingCurrency: 'USD',
    BillingPeriodEnd: billingEnd,
    BillingPeriodStart: billingStart,
    CapacityReservationId: null,
    CapacityReservationStatus: null,
    ChargeCategory: 'Usage',
    ChargeClass: null,
    ChargeDescription: `${line.usageType}: ${line.calls} ${callWord}, ${minutes} minutes`,
    ChargeFrequency: 'Usage-Based',
    ChargePeriodEnd: dayMs + DAY_MS,
    ChargePeriodStart: dayMs,
    CommitmentDiscountCategory: null,
    CommitmentDiscountId: null,
    CommitmentDiscountName: null,
    CommitmentDiscountQuantity: null,
    CommitmentDiscountStatus: null,
    CommitmentDiscountType: null,
    CommitmentDiscountUnit: null,
    ConsumedQuantity: line.minutes,
    ConsumedUnit: 'Minutes',
    ContractedCost: line.cost,
    ContractedUnitPrice: line.pricePerUnit,
    EffectiveCost: line.cost,
    InvoiceId: null,
    InvoiceIssuerName: PROVIDER,
    ListCost: line.cost,
    ListUnitPrice: line.pricePerUnit,
    PricingCategory: 'Standard',
    PricingQuantity: line.minutes,
    PricingUnit: 'Minutes',
    ProviderName: PROVIDER,
    PublisherName: PROVIDER,
    RegionId: line.region,
    RegionName: line.region === null ? null : regionName(line.region),
    ResourceId: voiceConnector ? line.resourceId : null,
    ResourceName: voiceConnector ? line.resourceName : null,
    ResourceType: voiceConnector ? 'Voice Connector' : null,
    ServiceCategory: 'Business Applications',
    ServiceName: SERVICE_NAMES[schema.service],
    ServiceSubcategory: 'Productivity and Collaboration',
    SkuId: line.usageType,
    SkuMeter: line.usageType,
    SkuPriceDetails: null,
    SkuPriceId: `${line.priceVersion}:${line.usageType}`,
    SubAccountId: line.accountId,
    SubAccountName: accountName,
    Tags: line.tags,
    x_CallCount: line.calls,
    x_ChargedAmount: line.charged,
    x_ChargeCurrency: line.charged === null ? null : chargeCurrency,
    x_PriceListVersion: line.priceVersion,
  };
}

/**
 * The FOCUS rows of a period: one Usage charge per usage line (call-start day × account × connector
 * or account × usage type × price version × region), costs exact.
 */
export function focusTable(
  schema: ServiceSchema,
  lines: readonly UsageLine[],
  chargeCurrency: string | null,
): FocusTable {
  const columns: FocusValue[][] = FOCUS_COLUMNS.map(() => []);
  for (const line of lines) {
    const row = focusRow(schema, line, chargeCurrency);
    FOCUS_COLUMNS.forEach((column, i) => {
      const value = row[column.name];
      if (value === undefined) throw new Error(`FOCUS column ${column.name} has no value`);
      (columns[i] as FocusValue[]).push(value);
    });
  }
  return { columns, length: lines.length };
}
