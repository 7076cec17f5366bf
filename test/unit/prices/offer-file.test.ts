import { expect } from 'chai';
import { PriceSourceError } from '../../../job/prices/errors';
import { offerFileToPrices } from '../../../job/prices/offer-file';
import { fixtureText } from './fixtures';

const VC = 'AmazonChimeVoiceConnector';
const offer = (): Record<string, unknown> => JSON.parse(fixtureText('offer-file.json')) as Record<string, unknown>;

describe('prices/offer-file', () => {
  it('reads the version and the OnDemand USD price of each usage type, attributes kept', () => {
    const result = offerFileToPrices(offer(), VC);
    expect(result.versionId).to.equal('20241105184512');
    expect(result.publicationDate).to.equal('2024-11-05T18:45:12Z');
    expect(result.prices.map((p) => [p.usageType, p.pricePerUnit])).to.deep.equal([
      // `usageType` (CSV-style attribute name) is accepted too.
      ['USE1-US-DE-outbound-minutes', '0.021'],
      // Two SKUs share this usage type: the lower SKU wins, whatever the order.
      ['USE1-US-US-outbound-minutes', '0.0048'],
      ['USE1-US-tollfree-inbound-minutes', '0.013'],
    ]);
    const de = result.prices[0];
    expect(de?.attributes).to.include({
      servicecode: VC,
      location: 'US East (N. Virginia)',
      usageType: 'USE1-US-DE-outbound-minutes',
    });
    expect(de?.unit).to.equal('minutes');
    expect(de?.description).to.be.a('string');
  });

  it('chooses the same price whatever the order of the products', () => {
    const doc = offer();
    const products = doc.products as Record<string, unknown>;
    const reversed = { ...doc, products: Object.fromEntries(Object.entries(products).reverse()) };
    expect(offerFileToPrices(reversed, VC)).to.deep.equal(offerFileToPrices(doc, VC));
  });

  it('refuses an offer file of another service, without a version, or without products/terms', () => {
    expect(() => offerFileToPrices({ ...offer(), offerCode: 'AmazonChimeBusinessCalling' }, VC)).to.throw(
      PriceSourceError,
      'offer file is for AmazonChimeBusinessCalling, expected AmazonChimeVoiceConnector',
    );
    const { version: _version, ...noVersion } = offer();
    expect(() => offerFileToPrices(noVersion, VC)).to.throw(PriceSourceError, 'offer file has no "version"');
    expect(() => offerFileToPrices({ version: '1' }, VC)).to.throw(PriceSourceError, 'no "products" and "terms"');
    expect(() => offerFileToPrices([], VC)).to.throw(PriceSourceError, 'not a JSON object');
  });

  it('refuses a price with more than 10 decimals, naming the usage type', () => {
    const doc = JSON.parse(fixtureText('offer-file-11-decimals.json')) as unknown;
    expect(() => offerFileToPrices(doc, VC)).to.throw(
      PriceSourceError,
      'price of usage type USE1-US-DE-outbound-minutes (SKU P2AAAAAAAAAAAAAA) is unusable: "0.00480000001" has more than 10 decimal places',
    );
  });
});
