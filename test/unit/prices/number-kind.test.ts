import { expect } from 'chai';
import { PhoneNumberFormat, PhoneNumberType, PhoneNumberUtil } from 'google-libphonenumber';
import { Random } from '../../../job/generate/random';
import { fastNumberKind, libraryNumberKind, numberKind } from '../../../job/prices/number-kind';

/** Example numbers of every type of every region libphonenumber knows, plus variants of their last digits. */
function sampleNumbers(): string[] {
  const util = PhoneNumberUtil.getInstance();
  const random = new Random('number-kind');
  const types = Object.values(PhoneNumberType).filter((t): t is number => typeof t === 'number');
  const numbers = new Set<string>();
  for (const region of util.getSupportedRegions()) {
    for (const type of types) {
      const example = util.getExampleNumberForType(region, type as PhoneNumberType);
      if (!example) continue;
      const e164 = util.format(example, PhoneNumberFormat.E164);
      numbers.add(e164);
      for (let i = 0; i < 8; i++) {
        const keep = e164.length - random.int(1, 5);
        numbers.add(`${e164.slice(0, keep)}${random.digits(e164.length - keep)}`);
      }
      numbers.add(`${e164}${random.digits(1)}`);
      numbers.add(e164.slice(0, -1));
    }
  }
  return [...numbers];
}

describe('prices/number-kind', () => {
  it('classifies exactly as libphonenumber does, for every region and type (and variants)', function () {
    this.timeout(60_000);
    const numbers = sampleNumbers();
    expect(numbers.length).to.be.greaterThan(10_000);
    const differences: string[] = [];
    let fast = 0;
    for (const number of numbers) {
      const quick = fastNumberKind(number);
      if (quick === undefined) continue;
      fast++;
      const slow = libraryNumberKind(number);
      if (quick !== slow) differences.push(`${number}: ${quick} vs ${slow}`);
    }
    expect(differences.slice(0, 20)).to.deep.equal([]);
    // Almost all go the fast way; the rest (a national prefix after the country code) the library's.
    expect(fast).to.be.greaterThan(numbers.length * 0.9);
  });

  it('leaves what is not strict E.164 to the library', () => {
    expect(fastNumberKind('+1 (800) 555-0100')).to.equal(undefined);
    expect(numberKind('+1 (800) 555-0100')).to.equal('toll-free');
    expect(numberKind('0800 555 0100')).to.equal('unknown');
    expect(fastNumberKind('+9991234567')).to.equal('unknown');
  });
});
