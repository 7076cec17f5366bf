import { expect } from 'chai';
import { detectPrices } from '../../../job/prices/detect';
import { PriceSourceError } from '../../../job/prices/errors';
import { fixtureText } from './fixtures';

describe('prices/detect', () => {
  it('recognizes each format by content', () => {
    expect(detectPrices(fixtureText('snapshot.json')).kind).to.equal('snapshot');
    expect(detectPrices(fixtureText('offer-file.json')).kind).to.equal('offer-file');
    expect(detectPrices(fixtureText('bulk/AmazonChimeVoiceConnector/index.json')).kind).to.equal('version-index');
    const getProducts = detectPrices(fixtureText('get-products-2-pages.json'));
    expect(getProducts.kind).to.equal('get-products');
    expect(getProducts.kind === 'get-products' && getProducts.pages.length).to.equal(2);
  });

  it('ignores a byte-order mark and surrounding whitespace', () => {
    expect(detectPrices(`\uFEFF\n  ${fixtureText('snapshot.json')}\n`).kind).to.equal('snapshot');
  });

  it('refuses truncated JSON, unknown shapes and index files that hold no prices, in one line', () => {
    const cases: [string, RegExp][] = [
      [fixtureText('truncated.json'), /^not valid JSON \(.+\)$/],
      [fixtureText('wrong-shape.json'), /^not a recognized price list; expected a GetProducts response/],
      [fixtureText('offer-file.csv'), /^CSV offer files are not supported/],
      ['', /^empty file$/],
      ['[1,2]', /^a JSON array that is not a list of GetProducts pages/],
      ['"text"', /^not a JSON object/],
      ['{"a":1}{"b":2}', /^several concatenated JSON documents that are not all GetProducts pages/],
      ['{"formatVersion":"v1.0","regions":{"us-east-1":{}}}', /region index/],
      ['{"formatVersion":"v1.0","offers":{}}', /service index/],
    ];
    for (const [text, message] of cases) {
      let caught: unknown;
      try {
        detectPrices(text);
      } catch (error) {
        caught = error;
      }
      expect(caught, text.slice(0, 30)).to.be.instanceOf(PriceSourceError);
      expect((caught as Error).message).to.match(message);
      expect((caught as Error).message).to.not.contain('\n');
    }
  });
});
