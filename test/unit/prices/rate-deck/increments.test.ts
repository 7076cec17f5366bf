import { expect } from 'chai';
import { formatDecimal, parseDecimal } from '../../../../job/core/decimal';
import { CHARGE_SCALE, PRICE_SCALE } from '../../../../job/core/schema';
import { amountIsFinite, chargedAmount, chargedSeconds } from '../../../../job/prices/rate-deck/increments';

const price = (text: string) => parseDecimal(text, PRICE_SCALE);
const amount = (value: bigint) => formatDecimal(value, CHARGE_SCALE);

describe('rate deck increments', () => {
  it('charges nothing for 0 seconds, and no connection fee either', () => {
    expect(chargedSeconds(0, 60, 6)).to.equal(0);
    expect(amount(chargedAmount(0, price('0.012'), price('0.05')))).to.equal('0');
  });

  it('charges the initial increment for 1 second and for exactly the initial increment', () => {
    expect(chargedSeconds(1, 60, 6)).to.equal(60);
    expect(chargedSeconds(60, 60, 6)).to.equal(60);
  });

  it('adds whole subsequent increments from one second over the initial increment', () => {
    expect(chargedSeconds(61, 60, 6)).to.equal(66);
    expect(chargedSeconds(66, 60, 6)).to.equal(66);
    expect(chargedSeconds(67, 60, 6)).to.equal(72);
    expect(chargedSeconds(61, 60, 60)).to.equal(120);
    expect(chargedSeconds(7, 1, 1)).to.equal(7);
    expect(chargedSeconds(7, 0, 6)).to.equal(12);
  });

  it('computes fee + seconds / 60 × rate exactly, never rounded', () => {
    // 66 s at 0.0123 / min = 0.01353, plus 0.05 fee.
    expect(amount(chargedAmount(66, price('0.0123'), price('0.05')))).to.equal('0.06353');
    // 6 s at 0.0001 / min = 0.00001.
    expect(amount(chargedAmount(6, price('0.0001'), 0n))).to.equal('0.00001');
    // 3 s at 0.0000000001 / min (the smallest rate) = 0.000000000005.
    expect(amount(chargedAmount(3, 1n, 0n))).to.equal('0.000000000005');
  });

  it('knows which rates give amounts with no finite decimal form', () => {
    expect(amountIsFinite(price('0.01'), 1, 1)).to.equal(false); // 0.01 / 60 per second does not end
    expect(amountIsFinite(price('0.01'), 6, 6)).to.equal(true);
    expect(amountIsFinite(price('0.01'), 60, 1)).to.equal(false);
    expect(amountIsFinite(price('0.0102'), 1, 1)).to.equal(true);
    expect(amountIsFinite(price('0.01'), 0, 3)).to.equal(true);
    expect(() => chargedAmount(7, price('0.01'), 0n)).to.throw(RangeError);
  });
});
