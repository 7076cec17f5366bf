import { expect } from 'chai';
import { formatDecimal, parseDecimal } from '../../../../job/core/decimal';
import { CHARGE_SCALE, COST_SCALE } from '../../../../job/core/schema';
import { type Charge, createCharger, MarkupError, parseMarkup } from '../../../../job/prices/rate-deck/charger';
import { compileDeck } from '../../../../job/prices/rate-deck/compiled-deck';
import { deckFromBytes } from '../../../../job/prices/rate-deck/deck-from-bytes';
import { at, deckCsv, VC, vcCall } from './deck-fixtures';

function deckCharger(...lines: string[]) {
  return createCharger(VC, { kind: 'deck', deck: compileDeck(deckFromBytes(Buffer.from(deckCsv(...lines)))) });
}

/** The charge's prefix, rate, seconds, amount as text. */
function summary(charge: Charge) {
  return {
    prefix: charge.deckPrefix,
    seconds: charge.chargedSeconds,
    amount: charge.amount === null ? null : formatDecimal(charge.amount, CHARGE_SCALE),
    status: charge.deckStatus,
  };
}

describe('rate deck charger', () => {
  const start = at('2025-03-01T00:00:00Z');
  const call = (number: string, fields: Record<string, unknown> = {}) =>
    vcCall({
      DestinationPhoneNumber: number,
      StartTimeEpochSeconds: start,
      EndTimeEpochSeconds: start + 90,
      BillableDurationSeconds: 61,
      BillableDurationMinutes: 1.1,
      ...fields,
    });

  it('takes the longest matching prefix of the called number without its +', () => {
    const charger = deckCharger(
      '4,any,0.06,0,60,60,,,USD,zone 4',
      '44,any,0.03,0,60,60,,,USD,UK',
      '447,any,0.12,0,60,60,,,USD,UK mobile',
      '4479,any,0.6,0,60,60,,,USD,longer than the number matches',
    );
    expect(summary(charger.charge(call('+447700900123'), null))).to.deep.equal({
      prefix: '447',
      seconds: 120,
      amount: '0.24',
      status: 'CHARGED',
    });
    expect(summary(charger.charge(call('+442079460000'), null)).prefix).to.equal('44');
    expect(summary(charger.charge(call('+49301234567'), null)).prefix).to.equal('4');
    expect(summary(charger.charge(call('447'), null)).prefix).to.equal('447');
  });

  it('matches a 15-digit prefix, and reads the number only up to its first non-digit', () => {
    const charger = deckCharger('1,any,0.03,0,60,60,,,USD,one', '123456789012345,any,0.06,0,60,60,,,USD,fifteen');
    expect(summary(charger.charge(call('+123456789012345'), null)).prefix).to.equal('123456789012345');
    expect(summary(charger.charge(call('+1234567890123456'), null)).prefix).to.equal('123456789012345');
    expect(summary(charger.charge(call('+12345;ext=9'), null)).prefix).to.equal('1');
    expect(summary(charger.charge(call('sip:123456789012345@example.com'), null)).status).to.equal('NO_MATCH');
  });

  it('says NO_MATCH, with no amount, when no prefix matches or the CDR names no number', () => {
    const charger = deckCharger('44,any,0.03,0,60,60,,,USD,UK');
    expect(summary(charger.charge(call('+12065550101'), null))).to.deep.equal({
      prefix: null,
      seconds: null,
      amount: null,
      status: 'NO_MATCH',
    });
    expect(charger.charge(call('+12065550101', { DestinationPhoneNumber: undefined }), null).deckStatus).to.equal(
      'NO_MATCH',
    );
  });

  it('prefers a row of the call direction over any at the same prefix, but a longer any row over a shorter directional one', () => {
    const charger = deckCharger(
      '1,outbound,0.06,0,60,60,,,USD,out',
      '1,any,0.03,0,60,60,,,USD,any',
      '1206,any,0.012,0,60,60,,,USD,Seattle any',
    );
    expect(summary(charger.charge(call('+13125550100', { Direction: 'Outbound' }), null)).amount).to.equal('0.12');
    expect(summary(charger.charge(call('+13125550100', { Direction: 'Inbound' }), null)).amount).to.equal('0.06');
    expect(summary(charger.charge(call('+13125550100', { Direction: undefined }), null)).amount).to.equal('0.06');
    expect(summary(charger.charge(call('+12065550100', { Direction: 'Outbound' }), null)).prefix).to.equal('1206');
  });

  it('uses an inbound row for inbound calls only', () => {
    const charger = deckCharger('1,inbound,0.003,0,60,60,,,USD,in', '1,outbound,0.3,0,60,60,,,USD,out');
    expect(summary(charger.charge(call('+12065550100', { Direction: 'Inbound' }), null)).amount).to.equal('0.006');
    expect(summary(charger.charge(call('+12065550100', { Direction: 'Outbound' }), null)).amount).to.equal('0.6');
  });

  it('picks the row by call start, effective_from inclusive and effective_to exclusive, to the second', () => {
    const charger = deckCharger(
      '1,any,0.06,0,60,60,,2025-03-01T12:00:00Z,USD,old',
      '1,any,0.09,0,60,60,2025-03-01T12:00:00Z,2025-03-02,USD,new',
    );
    const noon = at('2025-03-01T12:00:00Z');
    const charge = (startSeconds: number) =>
      summary(
        charger.charge(
          call('+12065550100', { StartTimeEpochSeconds: startSeconds, EndTimeEpochSeconds: startSeconds + 61 }),
          null,
        ),
      );
    expect(charge(noon - 1).amount).to.equal('0.12');
    expect(charge(noon).amount).to.equal('0.18');
    expect(charge(at('2025-03-01T23:59:59Z')).amount).to.equal('0.18');
    // No row in effect on 2025-03-02: the prefix has no rate then.
    expect(charge(at('2025-03-02T00:00:00Z')).status).to.equal('NO_MATCH');
  });

  it('falls back to a shorter prefix when the longer one has no row in effect', () => {
    const charger = deckCharger('1,any,0.03,0,60,60,,,USD,all', '1206,any,0.06,0,60,60,2025-04-01,,USD,later');
    expect(summary(charger.charge(call('+12065550100'), null)).prefix).to.equal('1');
  });

  it('charges BillableDurationSeconds, or the minutes rounded up to whole seconds when seconds are absent', () => {
    const charger = deckCharger('1,any,0.06,0.01,0,1,,,USD,per second at 0.001/s');
    expect(summary(charger.charge(call('+12065550100', { BillableDurationSeconds: 61 }), null))).to.deep.include({
      seconds: 61,
      amount: '0.071',
    });
    expect(
      summary(
        charger.charge(
          call('+12065550100', { BillableDurationSeconds: undefined, BillableDurationMinutes: 0.41 }),
          null,
        ),
      ).seconds,
    ).to.equal(25); // 24.6 s
    expect(
      summary(charger.charge(call('+12065550100', { BillableDurationSeconds: 0, BillableDurationMinutes: 0 }), null)),
    ).to.deep.include({ seconds: 0, amount: '0', status: 'CHARGED' });
  });

  it('with a markup, charges Cost × (1 + percent / 100) exactly in USD, and nothing for unrated calls', () => {
    const charger = createCharger(VC, { kind: 'markup', percent: '12.5' });
    const cost = parseDecimal('0.00048', COST_SCALE);
    const charge = charger.charge(call('+12065550100'), cost);
    expect(formatDecimal(charge.amount as bigint, CHARGE_SCALE)).to.equal('0.00054');
    expect(charge.currency).to.equal('USD');
    expect(charge.deckStatus).to.equal(null);
    expect(charger.charge(call('+12065550100'), null).amount).to.equal(null);
    expect(() => parseMarkup('-100')).to.throw(MarkupError);
    expect(() => parseMarkup('ten')).to.throw(MarkupError);
    expect(parseMarkup('-10')).to.equal(-100_000n);
  });

  it('without a deck or markup, leaves every charge column empty', () => {
    const charge = createCharger(VC, { kind: 'none' }).charge(call('+12065550100'), 1n);
    expect(Object.values(charge).every((value) => value === null)).to.equal(true);
  });
});
