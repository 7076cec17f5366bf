import { expect } from 'chai';
import { DecimalFormatError, decimalFromNumber, formatDecimal, parseDecimal, rescale } from '../../../job/core/decimal';

describe('money', () => {
  it('parses decimal text exactly at a scale', () => {
    expect(parseDecimal('0.1', 6)).to.equal(100_000n);
    expect(parseDecimal('.4', 6)).to.equal(400_000n);
    expect(parseDecimal('12', 2)).to.equal(1200n);
    expect(parseDecimal('0.0048000000', 10)).to.equal(48_000_000n);
    expect(parseDecimal('1.5e1', 6)).to.equal(15_000_000n);
    expect(parseDecimal('15e-1', 1)).to.equal(15n);
    expect(parseDecimal('-3', 0)).to.equal(-3n);
  });

  it('never rounds: more digits than the scale is an error', () => {
    expect(() => parseDecimal('0.1234567', 6)).to.throw(DecimalFormatError, 'more than 6 decimal places');
    expect(parseDecimal('0.1234560000', 6)).to.equal(123_456n);
  });

  it('refuses what is not a number', () => {
    for (const bad of ['', '.', 'abc', '1,5', '0x10', '1e', 'NaN', 'Infinity']) {
      expect(() => parseDecimal(bad, 6), bad).to.throw(DecimalFormatError);
    }
  });

  it('multiplies without binary noise: 0.1 × 0.0048 = 0.00048', () => {
    const minutes = decimalFromNumber(0.1, 6);
    const price = parseDecimal('0.0048', 10);
    expect(formatDecimal(minutes * price, 16)).to.equal('0.00048');
    expect(0.1 * 0.0048).to.not.equal(0.00048); // the float answer is wrong; ours is not
  });

  it('sums exactly where floats drift', () => {
    let sum = 0n;
    for (let i = 0; i < 1000; i++) sum += parseDecimal('0.1', 6) * parseDecimal('0.0048', 10);
    expect(formatDecimal(sum, 16)).to.equal('0.48');
  });

  it('formats with no trailing zeros, negatives and zero', () => {
    expect(formatDecimal(0n, 16)).to.equal('0');
    expect(formatDecimal(-48n, 4)).to.equal('-0.0048');
    expect(formatDecimal(1_500_000n, 6)).to.equal('1.5');
  });

  it('rescales only when no digit is lost', () => {
    expect(rescale(15n, 1, 3)).to.equal(1500n);
    expect(rescale(1500n, 3, 1)).to.equal(15n);
    expect(() => rescale(1501n, 3, 1)).to.throw(DecimalFormatError);
  });
});
