import type { CdrRecord } from '../cdr/record';
import type { ServiceSchema } from '../core/schema';
import type { CallHints, RateTable, RatingStatus, UnitPrice } from './rate-table';

/** The rating of one call: the price applied and its exact cost, or why there is none. */
export interface Rating {
  readonly status: RatingStatus;
  /** The price applied (RATED only). */
  readonly price: UnitPrice | null;
  /** Price version in effect at call start, when one was. */
  readonly version: string | null;
  /** BillableDurationMinutes × PricePerUnit, scaled by 10^COST_SCALE (RATED only). */
  readonly cost: bigint | null;
  /** RATED with a price version published after the call started (a current list applied to it). */
  readonly laterPrices?: true;
  /** UNRATED_AMBIGUOUS_PRICE: the products that matched, sorted by usage type. */
  readonly candidates?: readonly UnitPrice[];
}

/** Rates calls of one service against one rate table. Pure: no I/O. */
export class Rater {
  private readonly hintIndexes: Record<
    'direction' | 'sourceCountry' | 'destinationCountry' | 'region' | 'destinationPhoneNumber',
    number
  >;

  constructor(
    schema: ServiceSchema,
    private readonly table: RateTable,
  ) {
    const indexOf = (...names: string[]): number => {
      for (const name of names) {
        const index = schema.cdrFields.findIndex((f) => f.name === name);
        if (index >= 0) return index;
      }
      return -1;
    };
    this.hintIndexes = {
      direction: indexOf('Direction'),
      sourceCountry: indexOf('SourceCountry', 'CallerCountry'),
      destinationCountry: indexOf('DestinationCountry'),
      region: indexOf('Region'),
      destinationPhoneNumber: indexOf('DestinationPhoneNumber'),
    };
  }

  /** Rates one call: price version by start second, price by usage type, cost exactly. */
  rate(record: CdrRecord): Rating {
    const hints = record.usageType === undefined ? this.hintsOf(record) : NO_HINTS;
    const lookup = this.table.priceFor(record.usageType, record.startEpochSeconds, hints);
    if (lookup.status === 'RATED') {
      // Scales add up: MINUTES_SCALE + PRICE_SCALE = COST_SCALE, so the product is exact.
      const rating: Rating = {
        status: 'RATED',
        price: lookup.price,
        version: lookup.price.version,
        cost: record.billableMinutes * lookup.price.pricePerUnit,
      };
      return lookup.laterPrices ? { ...rating, laterPrices: true } : rating;
    }
    if (lookup.status === 'UNRATED_AMBIGUOUS_PRICE') {
      return { status: lookup.status, price: null, version: lookup.version, cost: null, candidates: lookup.candidates };
    }
    return { status: lookup.status, price: null, version: lookup.version, cost: null };
  }

  private hintsOf(record: CdrRecord): CallHints {
    const text = (index: number): string | undefined => {
      const value = index >= 0 ? record.values[index] : null;
      return typeof value === 'string' ? value : undefined;
    };
    return {
      direction: text(this.hintIndexes.direction),
      sourceCountry: text(this.hintIndexes.sourceCountry),
      destinationCountry: text(this.hintIndexes.destinationCountry),
      region: text(this.hintIndexes.region),
      destinationPhoneNumber: text(this.hintIndexes.destinationPhoneNumber),
    };
  }
}

const NO_HINTS: CallHints = {};
