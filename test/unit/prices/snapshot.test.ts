import { expect } from 'chai';
import { PriceSourceError } from '../../../job/prices/errors';
import { buildSnapshot, parseSnapshot, serializeSnapshot } from '../../../job/prices/snapshot';
import { SNAPSHOT_FORMAT } from '../../../job/prices/snapshot-format';
import { fixtureText } from './fixtures';

const VC = 'AmazonChimeVoiceConnector';

describe('prices/snapshot', () => {
  it('builds a normalized snapshot: sorted versions, canonical instants and decimals, sorted prices', () => {
    const doc = buildSnapshot(
      VC,
      [
        {
          id: 'new',
          effectiveFrom: '2025-03-01T00:00:00Z',
          effectiveUntil: null,
          prices: [
            { usageType: 'B', pricePerUnit: '0.0019000000', unit: 'minutes', attributes: { z: '1', a: '2' } },
            { usageType: 'A', pricePerUnit: '.0048', unit: 'minutes' },
          ],
        },
        { id: 'old', effectiveFrom: 0, effectiveUntil: new Date('2025-03-01T00:00:00Z'), prices: [] },
      ],
      ['unit test'],
      new Date('2025-03-02T01:00:00Z'),
    );
    expect(doc.format).to.equal(SNAPSHOT_FORMAT);
    expect(doc.createdAt).to.equal('2025-03-02T01:00:00.000Z');
    expect(doc.versions.map((v) => [v.id, v.effectiveFrom, v.effectiveUntil])).to.deep.equal([
      ['old', '1970-01-01T00:00:00Z', '2025-03-01T00:00:00Z'],
      ['new', '2025-03-01T00:00:00Z', null],
    ]);
    expect(doc.versions[1]?.prices.map((p) => [p.usageType, p.pricePerUnit])).to.deep.equal([
      ['A', '0.0048'],
      ['B', '0.0019'],
    ]);
    expect(Object.keys(doc.versions[1]?.prices[1]?.attributes ?? {})).to.deep.equal(['a', 'z']);
  });

  it('refuses overlapping windows and duplicate usage types', () => {
    const price = { usageType: 'A', pricePerUnit: '1', unit: 'minutes' };
    expect(() =>
      buildSnapshot(
        VC,
        [
          { id: 'x', effectiveFrom: 0, effectiveUntil: 100, prices: [] },
          { id: 'y', effectiveFrom: 50, effectiveUntil: null, prices: [] },
        ],
        [],
        new Date(0),
      ),
    ).to.throw(PriceSourceError, 'price versions x and y overlap at 1970-01-01T00:00:50Z');
    expect(() =>
      buildSnapshot(VC, [{ id: 'x', effectiveFrom: 0, effectiveUntil: null, prices: [price, price] }], [], new Date(0)),
    ).to.throw(PriceSourceError, 'usage type A has two prices in version x');
  });

  it('serializes deterministically and round-trips', () => {
    const doc = parseSnapshot(fixtureText('snapshot.json'));
    const text = serializeSnapshot(doc);
    expect(serializeSnapshot(parseSnapshot(text))).to.equal(text);
    expect(parseSnapshot(text)).to.deep.equal(doc);
    expect(text.endsWith('}\n')).to.equal(true);
    expect(text).to.contain('\n  "service": "AmazonChimeVoiceConnector",\n');
    // Key order does not depend on the input's key order.
    const shuffled = {
      versions: doc.versions,
      sources: doc.sources,
      createdAt: doc.createdAt,
      currency: doc.currency,
      service: doc.service,
      format: doc.format,
    };
    expect(serializeSnapshot(shuffled)).to.equal(text);
  });

  it('validates with one-line messages naming the field', () => {
    expect(() => parseSnapshot(fixtureText('snapshot-bad-price.json'))).to.throw(
      PriceSourceError,
      'invalid price snapshot: $.versions[1].prices[1].pricePerUnit is unusable (price of usage type USE1-US-inbound-minutes is unusable: not a decimal number: "cheap")',
    );
    expect(() => parseSnapshot(fixtureText('snapshot-overlap.json'))).to.throw(
      PriceSourceError,
      'invalid price snapshot: $.versions: price versions 20241105184512 and 20250214201533 overlap at 2025-03-01T00:00:00Z',
    );
    const base = JSON.parse(fixtureText('snapshot.json')) as Record<string, unknown>;
    const cases: [Record<string, unknown>, string][] = [
      [
        { ...base, format: 'chime-cdr-summary/price-snapshot@2' },
        'format must be "chime-cdr-summary/price-snapshot@1"',
      ],
      [{ ...base, service: 'AmazonEC2' }, '$.service is not a supported service'],
      [{ ...base, currency: 'EUR' }, '$.currency must be "USD"'],
      [{ ...base, sources: [1] }, '$.sources must be an array of strings'],
      [{ ...base, versions: {} }, '$.versions must be an array'],
      [
        { ...base, versions: [{ id: 'x', effectiveFrom: 'soon', effectiveUntil: null, prices: [] }] },
        '$.versions[0].effectiveFrom is not an ISO 8601 UTC instant',
      ],
    ];
    for (const [doc, message] of cases) {
      expect(() => parseSnapshot(JSON.stringify(doc)), message).to.throw(PriceSourceError, message);
    }
    expect(() => parseSnapshot('{"format":')).to.throw(PriceSourceError, /^invalid price snapshot: not valid JSON/);
  });
});
