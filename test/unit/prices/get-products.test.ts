import { expect } from 'chai';
import { PriceSourceError } from '../../../job/prices/errors';
import { getProductsToPrices, parseGetProductsText } from '../../../job/prices/get-products';
import { fixtureText } from './fixtures';

const VC = 'AmazonChimeVoiceConnector';

function item(usageType: string, price: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    product: {
      productFamily: 'Calling',
      sku: `SKU-${usageType}`,
      attributes: { servicecode: VC, usagetype: usageType },
    },
    serviceCode: VC,
    terms: {
      OnDemand: {
        [`SKU-${usageType}.JRTCKXETXF`]: {
          priceDimensions: {
            [`SKU-${usageType}.JRTCKXETXF.6YS6EN2CT7`]: {
              unit: 'minutes',
              beginRange: '0',
              endRange: 'Inf',
              rateCode: `SKU-${usageType}.JRTCKXETXF.6YS6EN2CT7`,
              pricePerUnit: { USD: price },
            },
          },
        },
      },
    },
    version: '20250214201533',
    publicationDate: '2025-02-14T20:15:33Z',
    ...extra,
  });
}

describe('prices/get-products', () => {
  it('reads two concatenated pages, keeping USD first-tier prices exactly and skipping non-USD', () => {
    const result = parseGetProductsText(fixtureText('get-products-2-pages.json'), VC);
    expect(result.versionId).to.equal('20250214201533');
    expect(result.publicationDate).to.equal('2025-02-14T20:15:33Z');
    expect(result.incomplete).to.equal(undefined);
    expect(result.prices.map((p) => [p.usageType, p.pricePerUnit, p.unit])).to.deep.equal([
      // Sorted by usage type in code-unit order; the GB price is the first tier (beginRange 0).
      ['USE1-US-GB-outbound-minutes', '0.0131', 'minutes'],
      ['USE1-US-MX-outbound-minutes', '0.0245', 'minutes'],
      ['USE1-US-US-outbound-minutes', '0.0048', 'minutes'],
      ['USE1-US-inbound-minutes', '0.0019', 'minutes'],
      ['USW2-US-US-outbound-minutes', '0.0048', 'minutes'],
    ]);
    const us = result.prices.find((p) => p.usageType === 'USE1-US-US-outbound-minutes');
    expect(us?.attributes?.regionCode).to.equal('us-east-1');
    expect(us?.attributes?.usagetype).to.equal('USE1-US-US-outbound-minutes');
  });

  it('reads a single merged page (aws cli auto-pagination) and an array of pages alike', () => {
    const page = { FormatVersion: 'aws_v1', PriceList: [item('USE1-US-US-outbound-minutes', '0.0048000000')] };
    const single = parseGetProductsText(JSON.stringify(page), VC);
    const array = parseGetProductsText(JSON.stringify([page]), VC);
    expect(single.prices).to.deep.equal(array.prices);
    expect(single.prices[0]?.pricePerUnit).to.equal('0.0048');
  });

  it('flags a listing whose last page still has a NextToken', () => {
    const page = { FormatVersion: 'aws_v1', PriceList: [item('A-outbound', '1')], NextToken: 'more' };
    expect(parseGetProductsText(JSON.stringify(page), VC).incomplete).to.equal(true);
  });

  it('accepts already-parsed items and reports the latest version when items differ', () => {
    const older = JSON.parse(item('B', '0.2', { version: '20240101000000' })) as object;
    const result = getProductsToPrices([item('A', '0.1'), older], VC);
    expect(result.versionId).to.equal('20250214201533');
    expect(result.prices.map((p) => p.usageType)).to.deep.equal(['A', 'B']);
  });

  it('unboxes items the SDK hands over as boxed JSON strings', () => {
    // @aws-sdk/client-pricing returns PriceList items as LazyJsonString objects (a boxed string).
    class Boxed {
      constructor(private readonly text: string) {}
      toString(): string {
        return this.text;
      }
    }
    const boxed = [new Boxed(item('A', '0.1')), new String(item('B', '0.2'))];
    expect(getProductsToPrices(boxed, VC).prices.map((p) => [p.usageType, p.pricePerUnit])).to.deep.equal([
      ['A', '0.1'],
      ['B', '0.2'],
    ]);
  });

  it('refuses items of another service', () => {
    expect(() => getProductsToPrices([item('A', '0.1', { serviceCode: 'AmazonEC2' })], VC)).to.throw(
      PriceSourceError,
      'PriceList[0] is a AmazonEC2 price, expected AmazonChimeVoiceConnector',
    );
  });

  it('refuses an item that is not JSON and a price with more than 10 decimals, naming the usage type', () => {
    expect(() => getProductsToPrices(['{"product":'], VC)).to.throw(
      PriceSourceError,
      'PriceList[0] is not a JSON document',
    );
    expect(() => getProductsToPrices([item('USE1-US-US-outbound-minutes', '0.00480000001')], VC)).to.throw(
      PriceSourceError,
      /USE1-US-US-outbound-minutes.*more than 10 decimal places/,
    );
  });

  it('refuses pages without a PriceList array and an unknown FormatVersion', () => {
    const pages = `${JSON.stringify({ FormatVersion: 'aws_v1', PriceList: [] })}\n{"FormatVersion":"aws_v1"}`;
    expect(() => parseGetProductsText(pages, VC)).to.throw(PriceSourceError, 'page 2 is not a GetProducts response');
    expect(() => parseGetProductsText('{"FormatVersion":"aws_v2","PriceList":[]}', VC)).to.throw(
      PriceSourceError,
      'unsupported GetProducts FormatVersion "aws_v2"',
    );
  });
});
