import type { CdrRecord } from '../cdr/record';
import type { ServiceSchema } from '../core/schema';
import type { Charge } from '../prices/rate-deck/charger';
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
