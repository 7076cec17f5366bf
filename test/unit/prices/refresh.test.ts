import { expect } from 'chai';
import { parseDate, periodEndingOn } from '../../../job/core/period';
import { mergePrices, parsePriceListArn, rawOfferKey, snapshotKeyFor } from '../../../job/prices/refresh';

describe('price refresh helpers', () => {
  it('snapshot keys are deterministic per service and period', () => {
    const period = periodEndingOn('Weekly', parseDate('2020-03-01'));
    expect(snapshotKeyFor('AmazonChimeVoiceConnector', period)).to.equal(
      'Amazon-Chime-Voice-Connector-Pricing/snapshots/2020-02-24_2020-03-01.json',
    );
    expect(snapshotKeyFor('AmazonChimeBusinessCalling', period)).to.equal(
      'Amazon-Chime-Business-Calling-Pricing/snapshots/2020-02-24_2020-03-01.json',
    );
  });

  it('parses price list ARNs and keeps raw files in the bulk layout', () => {
    const arn = 'arn:aws:pricing:::price-list/aws/AmazonChimeVoiceConnector/USD/20220603151047/us-east-1';
    expect(parsePriceListArn(arn)).to.deep.equal({
      serviceCode: 'AmazonChimeVoiceConnector',
      currency: 'USD',
      version: '20220603151047',
      region: 'us-east-1',
    });
    expect(rawOfferKey('AmazonChimeVoiceConnector', { PriceListArn: arn })).to.equal(
      'Amazon-Chime-Voice-Connector-Pricing/raw/AmazonChimeVoiceConnector/20220603151047/us-east-1/index.json',
    );
    expect(parsePriceListArn('arn:aws:s3:::bucket')).to.equal(undefined);
    expect(rawOfferKey('AmazonChimeVoiceConnector', { PriceListArn: 'weird/../arn' })).to.equal(
      'Amazon-Chime-Voice-Connector-Pricing/raw/AmazonChimeVoiceConnector/weird_.._arn/index.json',
    );
  });

  it('merges regions: equal duplicates collapse, conflicting prices are refused', () => {
    const a = { usageType: 'USE1-US-US-outbound-minutes', pricePerUnit: '0.0048000000', unit: 'minutes' };
    const b = { usageType: 'USW2-US-US-outbound-minutes', pricePerUnit: '0.0048', unit: 'minutes' };
    expect(mergePrices([[b, a], [{ ...a, pricePerUnit: '0.0048' }]]).map((p) => p.usageType)).to.deep.equal([
      a.usageType,
      b.usageType,
    ]);
    expect(() => mergePrices([[a], [{ ...a, pricePerUnit: '0.005' }]])).to.throw(/two prices in one version/);
  });
});
