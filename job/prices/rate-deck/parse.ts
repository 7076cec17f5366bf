import { type CsvRecord, CsvSyntaxError, readCsvRecords } from '../../core/csv-records';
import { DecimalFormatError, formatDecimal, parseDecimal } from '../../core/decimal';
import { PRICE_SCALE } from '../../core/schema';
import { RateDeckError } from './deck-error';
import { DECK_DIRECTIONS, DECK_HEADER, type DeckDirection, type DeckRow } from './format';
import { amountIsFinite } from './increments';
import { parseUtcInstant } from './utc-instant';

/** Longest prefix accepted (E.164 numbers have at most 15 digits). */
const MAX_PREFIX_DIGITS = 15;
const PREFIX = new RegExp(`^\\d{1,${MAX_PREFIX_DIGITS}}$`);
/** Rates and fees stay below 10^8 (they are kept as 64-bit integers scaled by 10^PRICE_SCALE). */
const MAX_AMOUNT = 10n ** BigInt(8 + PRICE_SCALE);
/** Largest increment accepted, in seconds (a day). */
const MAX_INCREMENT = 86_400;

/** Whole digits the fast path takes: the scaled value then stays below 10^15, exact in a double. */
const FAST_WHOLE_DIGITS = 15 - PRICE_SCALE;
const FAST_DECIMAL = new RegExp(`^(\\d{1,${FAST_WHOLE_DIGITS}})(?:\\.(\\d{1,${PRICE_SCALE}}))?$`);
const PRICE_UNIT = 10 ** PRICE_SCALE;

/** `parseDecimal(text, PRICE_SCALE)` for plain `123.456` texts (nearly every deck cell), without the general parser. */
function fastDecimal(text: string): bigint | undefined {
  const match = FAST_DECIMAL.exec(text);
  if (!match) return undefined;
  const fraction = match[2] ?? '';
  const scaledFraction = fraction === '' ? 0 : Number(fraction) * 10 ** (PRICE_SCALE - fraction.length);
  return BigInt(Number(match[1]) * PRICE_UNIT + scaledFraction);
}

function decimalField(value: string, name: string, line: number): bigint {
  let amount: bigint;
  try {
    amount = fastDecimal(value) ?? parseDecimal(value, PRICE_SCALE);
  } catch (error) {
    if (error instanceof DecimalFormatError) throw new RateDeckError(`${name}: ${error.message}`, line);
    throw error;
  }
  if (amount < 0n) throw new RateDeckError(`${name} ${value} is negative`, line);
  if (amount >= MAX_AMOUNT)
    throw new RateDeckError(`${name} ${value} is too large (at most 99999999.9999999999)`, line);
  return amount;
}

function incrementField(value: string, name: string, line: number, minimum: number): number {
  if (!/^\d{1,6}$/.test(value) || Number(value) < minimum || Number(value) > MAX_INCREMENT) {
    throw new RateDeckError(
      `${name} ${JSON.stringify(value)} must be a whole number of seconds from ${minimum} to ${MAX_INCREMENT}`,
      line,
    );
  }
  return Number(value);
}

function instantField(value: string, name: string, line: number): number | null {
  if (value === '') return null;
  const instant = parseUtcInstant(value);
  if (instant === undefined) {
    throw new RateDeckError(
      `${name} ${JSON.stringify(value)} is not an ISO 8601 UTC date (2025-03-01) or date-time (2025-03-01T00:00:00Z)`,
      line,
    );
  }
  return instant;
}

/** Validates one data line of the CSV into a DeckRow. */
function deckRow(fields: readonly string[], line: number): DeckRow {
  const [prefix, direction, rate, fee, initial, subsequent, from, to, currency, description] = fields.map((f) =>
    f.trim(),
  ) as [string, string, string, string, string, string, string, string, string, string];
  if (!PREFIX.test(prefix)) {
    throw new RateDeckError(`prefix ${JSON.stringify(prefix)} must be 1 to ${MAX_PREFIX_DIGITS} digits`, line);
  }
  if (!(DECK_DIRECTIONS as readonly string[]).includes(direction)) {
    throw new RateDeckError(
      `direction ${JSON.stringify(direction)} must be one of ${DECK_DIRECTIONS.join(', ')}`,
      line,
    );
  }
  const ratePerMinute = decimalField(rate, 'rate_per_minute', line);
  const connectionFee = fee === '' ? 0n : decimalField(fee, 'connection_fee', line);
  const initialIncrement = incrementField(initial, 'initial_increment', line, 0);
  const subsequentIncrement = incrementField(subsequent, 'subsequent_increment', line, 1);
  const effectiveFrom = instantField(from, 'effective_from', line);
  const effectiveTo = instantField(to, 'effective_to', line);
  if (effectiveFrom !== null && effectiveTo !== null && effectiveTo <= effectiveFrom) {
    throw new RateDeckError(`effective_to ${to} is not after effective_from ${from}`, line);
  }
  if (!/^[A-Z]{3}$/.test(currency)) {
    throw new RateDeckError(`currency ${JSON.stringify(currency)} must be an ISO 4217 code such as USD`, line);
  }
  if (!amountIsFinite(ratePerMinute, initialIncrement, subsequentIncrement)) {
    throw new RateDeckError(
      `rate_per_minute ${formatDecimal(ratePerMinute, PRICE_SCALE)} in steps of ${initialIncrement}/${subsequentIncrement} s ` +
        'gives amounts with no exact decimal value (the rate / 60 per second does not end); ' +
        'use increments that are multiples of 3 s, or a rate whose last digit divides by 3 (e.g. 0.0102)',
      line,
    );
  }
  return {
    line,
    prefix,
    direction: direction as DeckDirection,
    ratePerMinute,
    connectionFee,
    initialIncrement,
    subsequentIncrement,
    effectiveFrom,
    effectiveTo,
    currency,
    description,
  };
}

/**
 * Parses rate-deck CSV text (RFC 4180, UTF-8, optional BOM, header exactly DECK_HEADER) into rows,
 * each validated on its own. Throws RateDeckError naming the line of the first problem.
 */
export function parseDeckCsv(text: string): DeckRow[] {
  let records: CsvRecord[];
  try {
    records = readCsvRecords(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError)
      throw new RateDeckError(`not valid CSV: ${error.message.replace(/^line \d+: /, '')}`, error.line);
    throw error;
  }
  const [header, ...rows] = records;
  if (!header) throw new RateDeckError('the deck is empty (expected a header row)');
  if (header.fields.join(',') !== DECK_HEADER.join(',')) {
    throw new RateDeckError(
      `header must be exactly ${DECK_HEADER.join(',')} (found ${header.fields.join(',')})`,
      header.line,
    );
  }
  if (rows.length === 0) throw new RateDeckError('the deck has a header but no rates');
  return rows.map(({ fields, line }) => {
    if (fields.length !== DECK_HEADER.length)
      throw new RateDeckError(`not valid CSV: expected ${DECK_HEADER.length} fields, found ${fields.length}`, line);
    return deckRow(fields, line);
  });
}
