import type { CdrRecord, CdrValue } from '../cdr/record';
import type { ServiceSchema } from '../core/schema';
import type { Charge } from '../prices/rate-deck/charger';
import type { RatingStatus } from '../prices/rate-table';
import type { Rating } from '../prices/rater';
import type { ChargeCounts } from './charge-totals';
import type { ConnectorCells } from './connectors';
import { type UsageLine, UsageLines } from './usage-lines';

/**
 * What one chunk adds besides its rows: the operator's charges (sum, calls, deck misses) and the
 * rated usage at FOCUS grain. One per chunk; `result()` hands both over as plain data.
 */
export class ChunkCharges {
  private charged = 0n;
  private chargedCalls = 0;
  private deckNoMatch = 0;
  private readonly usage = new UsageLines();
  private readonly accountIndex: number;
  private readonly resourceIndex: number;
  private readonly regionIndex: number;

  constructor(schema: ServiceSchema) {
    const indexOf = (name: string) => schema.cdrFields.findIndex((f) => f.name === name);
    this.accountIndex = indexOf('AwsAccountId');
    this.resourceIndex = indexOf(schema.partitionField);
    this.regionIndex = indexOf('Region');
  }

  /** The connector (or account) id a call belongs to: the CDR field its folder is named after. */
  resourceIdOf(record: CdrRecord): string | null {
    const value = record.values[this.resourceIndex];
    return typeof value === 'string' ? value : null;
  }

  /** Counts one call of the period. */
  add(record: CdrRecord, rating: Rating, charge: Charge, connector: ConnectorCells): void {
    if (charge.amount !== null) {
      this.charged += charge.amount;
      this.chargedCalls++;
    }
    if (charge.deckStatus === 'NO_MATCH') this.deckNoMatch++;
    if (rating.status !== 'RATED' || !rating.price || rating.cost === null) return;
    const text = (index: number) => {
      const value = index >= 0 ? record.values[index] : null;
      return typeof value === 'string' ? value : null;
    };
    this.usage.add(
      {
        day: Math.floor(record.startEpochSeconds / 86_400),
        accountId: text(this.accountIndex) ?? '',
        resourceId: this.resourceIdOf(record) ?? '',
        usageType: rating.price.usageType,
        priceVersion: rating.price.version,
        region: text(this.regionIndex),
        pricePerUnit: rating.price.pricePerUnit,
        priceUnit: rating.price.unit,
        resourceName: connector.name,
        tags: connector.tags,
      },
      1,
      record.billableMinutes,
      rating.cost,
      charge.amount,
    );
  }

  /** The chunk's charge counts and usage lines. */
  result(): { charges: ChargeCounts; usage: UsageLine[] } {
    return {
      charges: { charged: this.charged, chargedCalls: this.chargedCalls, deckNoMatch: this.deckNoMatch },
      usage: this.usage.lines(),
    };
  }
}

/**
 * What one report row (`values` in report column order) added to its chunk's charges and usage lines:
 * the call's CDR fields, rating, charge and connector read back from the row's own columns. `finalize`
 * takes it back out of the totals when an earlier shard already billed the call.
 */
export function rowCharges(
  schema: ServiceSchema,
  values: readonly CdrValue[],
): { charges: ChargeCounts; usage: UsageLine[] } {
  const at = (name: string): CdrValue => {
    const index = schema.columns.findIndex((column) => column.name === name);
    return index >= 0 ? (values[index] ?? null) : null;
  };
  const text = (name: string) => {
    const value = at(name);
    return typeof value === 'string' ? value : null;
  };
  const decimal = (name: string) => {
    const value = at(name);
    return typeof value === 'bigint' ? value : null;
  };
  const usageType = text('UsageType');
  const version = text('PriceVersion');
  const pricePerUnit = decimal('PricePerUnit');
  const record: CdrRecord = {
    values: values.slice(0, schema.cdrFields.length) as CdrValue[],
    startEpochSeconds: at('StartTimeEpochSeconds') as number,
    endEpochSeconds: null,
    billableMinutes: decimal('BillableDurationMinutes') ?? 0n,
    usageType: usageType ?? undefined,
  };
  const rating: Rating = {
    status: (text('RatingStatus') ?? '') as RatingStatus,
    price:
      usageType !== null && version !== null && pricePerUnit !== null
        ? { usageType, version, pricePerUnit, unit: text('PriceUnit') ?? '' }
        : null,
    version,
    cost: decimal('Cost'),
  };
  const deckStatus = text('DeckStatus');
  const charge: Charge = {
    deckPrefix: text('DeckPrefix'),
    deckRatePerMinute: decimal('DeckRatePerMinute'),
    chargedSeconds: typeof at('ChargedSeconds') === 'number' ? (at('ChargedSeconds') as number) : null,
    amount: decimal('ChargedAmount'),
    currency: text('ChargeCurrency'),
    deckStatus: deckStatus === 'CHARGED' || deckStatus === 'NO_MATCH' ? deckStatus : null,
  };
  const charges = new ChunkCharges(schema);
  charges.add(record, rating, charge, { name: text('ConnectorName'), tags: text('ConnectorTags') });
  return charges.result();
}
