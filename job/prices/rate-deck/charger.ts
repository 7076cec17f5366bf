import type { CdrRecord } from '../../cdr/record';
import { DecimalFormatError, parseDecimal, pow10 } from '../../core/decimal';
import { InputError } from '../../core/errors';
import { MARKUP_SCALE, MINUTES_SCALE, type ServiceSchema } from '../../core/schema';
import { type CompiledDeck, directionIndex } from './compiled-deck';
import { chargedSeconds, PRICE_TO_CHARGE } from './increments';
import { PrefixIndex, type PrefixMatch } from './prefix-index';

/** DeckStatus of a charged call (empty without a deck). */
export type DeckStatus = 'CHARGED' | 'NO_MATCH';

/** What the operator charges for one call (the DeckPrefix … DeckStatus columns). */
export interface Charge {
  readonly deckPrefix: string | null;
  /** Scaled by 10^PRICE_SCALE. */
  readonly deckRatePerMinute: bigint | null;
  readonly chargedSeconds: number | null;
  /** Scaled by 10^CHARGE_SCALE. */
  readonly amount: bigint | null;
  readonly currency: string | null;
  readonly deckStatus: DeckStatus | null;
  /** Set when the exact amount needs more than CHARGE_SCALE fractional digits (the call is then rejected). */
  readonly inexact?: boolean;
}

/** Charges calls: from a rate deck, as a markup on the AWS cost, or not at all. Pure. */
export interface Charger {
  /** Currency of every amount, or null when nothing is charged. */
  readonly currency: string | null;
  /** The charge of one call whose AWS cost (scaled by 10^COST_SCALE) is `cost`, null when unrated. */
  charge(record: CdrRecord, cost: bigint | null): Charge;
}

/** What a worker thread needs to rebuild a charger (plain data). */
export type ChargerSetup =
  | { readonly kind: 'none' }
  | { readonly kind: 'deck'; readonly deck: CompiledDeck }
  | { readonly kind: 'markup'; readonly percent: string };

const NONE: Charge = {
  deckPrefix: null,
  deckRatePerMinute: null,
  chargedSeconds: null,
  amount: null,
  currency: null,
  deckStatus: null,
};

const NO_CHARGER: Charger = { currency: null, charge: () => NONE };

const SECONDS_PER_MINUTE_SCALED = 60n;
const MINUTES_UNIT = pow10(MINUTES_SCALE);

const PLUS = 43;
const OUTBOUND = directionIndex('outbound');
const INBOUND = directionIndex('inbound');

/** Rates calls against a deck: longest prefix of DestinationPhoneNumber, increments, exact amounts. */
class DeckCharger implements Charger {
  readonly currency: string;
  private readonly index: PrefixIndex;
  private readonly secondsIndex: number;
  private readonly numberIndex: number;
  private readonly directionIndex: number;
  private readonly noMatch: Charge;
  private readonly match: PrefixMatch = { row: -1, length: 0 };
  /** Per row, filled on first use: its prefix text, and its fee and rate at CHARGE_SCALE. */
  private readonly prefixText: string[] = [];
  private readonly feeCharge: bigint[] = [];
  private readonly rateCharge: bigint[] = [];

  constructor(
    schema: ServiceSchema,
    private readonly deck: CompiledDeck,
  ) {
    this.currency = deck.currency;
    this.index = new PrefixIndex(deck);
    const indexOf = (name: string) => schema.cdrFields.findIndex((f) => f.name === name);
    this.secondsIndex = indexOf('BillableDurationSeconds');
    this.numberIndex = indexOf('DestinationPhoneNumber');
    this.directionIndex = indexOf('Direction');
    this.noMatch = { ...NONE, deckStatus: 'NO_MATCH' };
  }

  charge(record: CdrRecord): Charge {
    const number = this.numberIndex >= 0 ? record.values[this.numberIndex] : null;
    if (typeof number !== 'string') return this.noMatch;
    const start = number.charCodeAt(0) === PLUS ? 1 : 0;
    const match = this.match;
    if (!this.index.lookup(number, start, this.direction(record), record.startEpochSeconds, match)) return this.noMatch;
    const deck = this.deck;
    const row = match.row;
    let prefix = this.prefixText[row];
    if (prefix === undefined) {
      prefix = number.slice(start, start + match.length);
      this.prefixText[row] = prefix;
      this.feeCharge[row] = (deck.connectionFee[row] as bigint) * PRICE_TO_CHARGE;
      this.rateCharge[row] = (deck.ratePerMinute[row] as bigint) * PRICE_TO_CHARGE;
    }
    const charged = chargedSeconds(
      this.seconds(record),
      deck.initialIncrement[row] as number,
      deck.subsequentIncrement[row] as number,
    );
    return {
      deckPrefix: prefix,
      deckRatePerMinute: deck.ratePerMinute[row] as bigint,
      chargedSeconds: charged,
      // Exact: the deck refused rows whose amounts would not end (see amountIsFinite).
      amount:
        charged === 0
          ? 0n
          : (this.feeCharge[row] as bigint) + (BigInt(charged) * (this.rateCharge[row] as bigint)) / 60n,
      currency: this.currency,
      deckStatus: 'CHARGED',
    };
  }

  /** The call's direction index, or -1 when the CDR has none (then only `any` rows apply). */
  private direction(record: CdrRecord): number {
    const value = this.directionIndex >= 0 ? record.values[this.directionIndex] : null;
    if (typeof value !== 'string') return -1;
    // Chime writes `Outbound` / `Inbound`; other spellings are accepted too.
    if (value === 'Outbound') return OUTBOUND;
    if (value === 'Inbound') return INBOUND;
    const lower = value.toLowerCase();
    return lower === 'outbound' ? OUTBOUND : lower === 'inbound' ? INBOUND : -1;
  }

  /** BillableDurationSeconds, else BillableDurationMinutes × 60 rounded up to a whole second. */
  private seconds(record: CdrRecord): number {
    const seconds = this.secondsIndex >= 0 ? record.values[this.secondsIndex] : null;
    if (typeof seconds === 'number') return seconds;
    const scaled = record.billableMinutes * SECONDS_PER_MINUTE_SCALED;
    return Number((scaled + MINUTES_UNIT - 1n) / MINUTES_UNIT);
  }
}

/** Cost × (100 + percent) carries MARKUP_SCALE + 2 more fractional digits than CHARGE_SCALE (= COST_SCALE). */
const MARKUP_DIGITS = pow10(MARKUP_SCALE + 2);

/** Charges Cost × (1 + percent / 100), USD, for rated calls. */
class MarkupCharger implements Charger {
  readonly currency = 'USD';
  /** (100 + percent) scaled by 10^MARKUP_SCALE. */
  private readonly factor: bigint;

  constructor(percent: bigint) {
    this.factor = 100n * pow10(MARKUP_SCALE) + percent;
  }

  charge(_record: CdrRecord, cost: bigint | null): Charge {
    if (cost === null) return NONE;
    const product = cost * this.factor;
    if (product % MARKUP_DIGITS !== 0n) return { ...NONE, currency: this.currency, inexact: true };
    return { ...NONE, amount: product / MARKUP_DIGITS, currency: this.currency };
  }
}

/** Thrown for a `--markup` value that is not a usable percentage. */
export class MarkupError extends InputError {
  override readonly name = 'MarkupError';
}

/** Parses a markup percentage (`25`, `12.5`, `-10` for a discount; more than −100, ≤ 4 decimals). */
export function parseMarkup(text: string): bigint {
  let percent: bigint;
  try {
    percent = parseDecimal(text, MARKUP_SCALE);
  } catch (error) {
    if (error instanceof DecimalFormatError) throw new MarkupError(`not a percentage: ${error.message}`);
    throw error;
  }
  if (percent <= -100n * pow10(MARKUP_SCALE)) throw new MarkupError(`${text} % would make charges zero or negative`);
  if (percent > 1_000_000n * pow10(MARKUP_SCALE)) throw new MarkupError(`${text} % is implausibly large`);
  return percent;
}

/** The currency a setup charges in (the deck's, USD for a markup), null when nothing is charged. */
export function chargeCurrencyOf(setup: ChargerSetup): string | null {
  return setup.kind === 'deck' ? setup.deck.currency : setup.kind === 'markup' ? 'USD' : null;
}

/** Builds the charger a setup describes. */
export function createCharger(schema: ServiceSchema, setup: ChargerSetup): Charger {
  switch (setup.kind) {
    case 'none':
      return NO_CHARGER;
    case 'deck':
      return new DeckCharger(schema, setup.deck);
    case 'markup':
      return new MarkupCharger(parseMarkup(setup.percent));
  }
}
