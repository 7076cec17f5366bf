import { expect } from 'chai';
import { isoSecondsText } from '../../../job/core/iso-timestamp';

describe('isoSecondsText', () => {
  it('writes ISO 8601 UTC to the second, like toISOString without the milliseconds', () => {
    expect(isoSecondsText(Date.UTC(2025, 1, 26, 0, 3, 56, 789))).to.equal('2025-02-26T00:03:56Z');
    for (const ms of [0, 1_740_528_236_000, 951_782_400_000, 4_102_444_799_999]) {
      expect(isoSecondsText(ms), String(ms)).to.equal(new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    }
  });
});
