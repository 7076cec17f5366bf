import { expect } from 'chai';
import { parseDecimal } from '../../../../job/core/decimal';
import { PRICE_SCALE } from '../../../../job/core/schema';
import { RateDeckError } from '../../../../job/prices/rate-deck/deck-error';
import { deckFromBytes } from '../../../../job/prices/rate-deck/deck-from-bytes';
import { parseDeckCsv } from '../../../../job/prices/rate-deck/parse';
import { at, deckCsv } from './deck-fixtures';

function refused(text: string): RateDeckError {
  try {
    deckFromBytes(Buffer.from(text));
  } catch (error) {
    expect(error).to.be.instanceOf(RateDeckError);
    return error as RateDeckError;
  }
  throw new Error('the deck was accepted');
}

describe('rate deck CSV', () => {
  it('reads rows with their line numbers, decimals exact, dates as UTC instants, quoted fields', () => {
    const rows = parseDeckCsv(
      deckCsv(
        '44,outbound,0.0123,0.05,60,6,2025-01-01,2025-02-01T12:00:00Z,GBP,"UK, all"',
        '1,any,0.003,,6,6,,,GBP,US',
      ),
    );
    expect(rows).to.have.length(2);
    expect(rows[0]).to.deep.include({
      line: 2,
      prefix: '44',
      direction: 'outbound',
      ratePerMinute: 123_000_000n,
      connectionFee: 500_000_000n,
      initialIncrement: 60,
      subsequentIncrement: 6,
      effectiveFrom: at('2025-01-01T00:00:00Z'),
      effectiveTo: at('2025-02-01T12:00:00Z'),
      currency: 'GBP',
      description: 'UK, all',
    });
    expect(rows[1]).to.deep.include({ line: 3, connectionFee: 0n, effectiveFrom: null, effectiveTo: null });
  });

  it('accepts a byte-order mark and CRLF line ends', () => {
    const text = `\uFEFF${deckCsv('1,any,0.006,0,6,6,,,USD,x').replace(/\n/g, '\r\n')}`;
    expect(deckFromBytes(Buffer.from(text)).rows).to.have.length(1);
  });

  const cases: [string, string, number | undefined, RegExp][] = [
    ['a wrong header', 'prefix,direction,rate\n1,any,0.1\n', 1, /header must be exactly/],
    [
      'a header in another order',
      'direction,prefix,rate_per_minute,connection_fee,initial_increment,subsequent_increment,effective_from,effective_to,currency,description\n',
      1,
      /header/,
    ],
    ['no rows', deckCsv().trimEnd(), undefined, /no rates/],
    [
      'a line with too many fields',
      deckCsv('1,any,0.006,0,6,6,,,USD,x', '1,any,0.006,0,6,6,,,USD,x,extra'),
      3,
      /not valid CSV/,
    ],
    ['an unclosed quote', deckCsv('1,any,0.006,0,6,6,,,USD,"x'), 2, /not valid CSV/],
    ['a negative rate', deckCsv('1,any,-0.006,0,6,6,,,USD,x'), 2, /rate_per_minute -0.006 is negative/],
    ['a negative fee', deckCsv('1,any,0.006,-1,6,6,,,USD,x'), 2, /connection_fee -1 is negative/],
    ['a rate too large', deckCsv('1,any,100000000,0,6,6,,,USD,x'), 2, /rate_per_minute 100000000 is too large/],
    ['a non-numeric rate', deckCsv('1,any,abc,0,6,6,,,USD,x'), 2, /rate_per_minute/],
    ['a rate with 11 decimals', deckCsv('1,any,0.00000000003,0,6,6,,,USD,x'), 2, /more than 10 decimal places/],
    ['a prefix with a plus', deckCsv('+1,any,0.006,0,6,6,,,USD,x'), 2, /prefix "\+1"/],
    ['an empty prefix', deckCsv(',any,0.006,0,6,6,,,USD,x'), 2, /prefix ""/],
    ['an unknown direction', deckCsv('1,both,0.006,0,6,6,,,USD,x'), 2, /direction "both"/],
    ['a zero subsequent increment', deckCsv('1,any,0.006,0,6,0,,,USD,x'), 2, /subsequent_increment "0"/],
    ['a fractional increment', deckCsv('1,any,0.006,0,6.5,6,,,USD,x'), 2, /initial_increment "6.5"/],
    ['a date that does not exist', deckCsv('1,any,0.006,0,6,6,2025-02-30,,USD,x'), 2, /effective_from "2025-02-30"/],
    ['a local date-time', deckCsv('1,any,0.006,0,6,6,2025-02-01T00:00:00+02:00,,USD,x'), 2, /effective_from/],
    ['an empty window', deckCsv('1,any,0.006,0,6,6,2025-02-01,2025-02-01,USD,x'), 2, /not after effective_from/],
    ['a lower-case currency', deckCsv('1,any,0.006,0,6,6,,,usd,x'), 2, /currency "usd"/],
    [
      'mixed currencies',
      deckCsv('1,any,0.006,0,6,6,,,USD,x', '44,any,0.006,0,6,6,,,EUR,x'),
      3,
      /currency EUR differs from USD \(line 2\)/,
    ],
    [
      'overlapping rows of one prefix and direction',
      deckCsv(
        '1,outbound,0.006,0,6,6,2025-01-01,2025-03-01,USD,x',
        '1,outbound,0.009,0,6,6,2025-02-28T23:59:59Z,,USD,y',
      ),
      3,
      /prefix 1 outbound overlaps line 2/,
    ],
    [
      'two open rows of one prefix and direction',
      deckCsv('1,any,0.006,0,6,6,,,USD,x', '1,any,0.006,0,6,6,,,USD,x'),
      3,
      /overlaps line 2/,
    ],
    ['a per-second rate that never ends', deckCsv('1,any,0.01,0,1,1,,,USD,x'), 2, /no exact decimal value/],
  ];
  for (const [what, text, line, message] of cases) {
    it(`refuses ${what}, naming the line`, () => {
      const error = refused(text);
      expect(error.line).to.equal(line);
      expect(error.message).to.match(message);
      if (line !== undefined) expect(error.message).to.match(new RegExp(`^line ${line}: `));
    });
  }

  it('accepts rows of one prefix and direction that follow each other, and other directions that overlap', () => {
    const deck = deckFromBytes(
      Buffer.from(
        deckCsv(
          '1,outbound,0.006,0,6,6,,2025-03-01,USD,old',
          '1,outbound,0.009,0,6,6,2025-03-01,,USD,new',
          '1,any,0.003,0,6,6,,,USD,any',
          '1,inbound,0.003,0,6,6,,,USD,in',
        ),
      ),
    );
    expect(deck.currency).to.equal('USD');
    expect(deck.rows).to.have.length(4);
  });
});

describe('rate deck decimals', () => {
  it('reads every plain decimal exactly as the general parser does', () => {
    const texts = [
      '0',
      '7',
      '0.1',
      '0.0123',
      '12.5',
      '99999',
      '99999.9999999999',
      '0.0000000001',
      '00012.340',
      '100000.5',
    ];
    for (const text of texts) {
      const rows = parseDeckCsv(deckCsv(`1,any,${text},${text},6,6,,,USD,x`));
      expect(rows[0]?.ratePerMinute, text).to.equal(parseDecimal(text, PRICE_SCALE));
      expect(rows[0]?.connectionFee, text).to.equal(parseDecimal(text, PRICE_SCALE));
    }
  });
});
