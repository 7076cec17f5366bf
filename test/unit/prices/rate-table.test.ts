import { expect } from 'chai';
import { PriceSourceError } from '../../../job/prices/errors';
import type { CallHints } from '../../../job/prices/rate-table';
import { createRateTable } from '../../../job/prices/rate-table-impl';
import { parseSnapshot } from '../../../job/prices/snapshot';
import type { SnapshotPrice, SnapshotVersion } from '../../../job/prices/snapshot-format';
import { epoch, fixtureText } from './fixtures';

const VC = 'AmazonChimeVoiceConnector';
const BC = 'AmazonChimeBusinessCalling';
const CHANGE = epoch('2025-03-01T00:00:00Z');

function price(usageType: string, pricePerUnit: string, attributes?: Record<string, string>): SnapshotPrice {
  return { usageType, pricePerUnit, unit: 'minutes', ...(attributes ? { attributes } : {}) };
}

function version(id: string, from: string, until: string | null, prices: SnapshotPrice[]): SnapshotVersion {
  return { id, effectiveFrom: from, effectiveUntil: until, prices };
}

describe('prices/rate-table-impl', () => {
  const table = createRateTable(VC, parseSnapshot(fixtureText('snapshot.json')).versions);

  it('exposes the windows in epoch seconds', () => {
    expect(table.service).to.equal(VC);
    expect(table.versions).to.deep.equal([
      { id: '20241105184512', effectiveFrom: epoch('2024-11-01T00:00:00Z'), effectiveUntil: CHANGE },
      { id: '20250214201533', effectiveFrom: CHANGE, effectiveUntil: null },
    ]);
  });

  it('uses the old version up to the second before the change and the new one from the change', () => {
    const before = table.priceFor('USE1-US-inbound-minutes', CHANGE - 1, {});
    const at = table.priceFor('USE1-US-inbound-minutes', CHANGE, {});
    expect(before).to.deep.equal({
      status: 'RATED',
      price: {
        usageType: 'USE1-US-inbound-minutes',
        pricePerUnit: 22_000_000n,
        unit: 'minutes',
        version: '20241105184512',
      },
    });
    expect(at).to.deep.equal({
      status: 'RATED',
      price: {
        usageType: 'USE1-US-inbound-minutes',
        pricePerUnit: 19_000_000n,
        unit: 'minutes',
        version: '20250214201533',
      },
    });
  });

  it('holds prices exactly at PRICE_SCALE: "0.0048000000" is 0.0048', () => {
    const exact = createRateTable(VC, [version('v', '2025-01-01T00:00:00Z', null, [price('A', '0.0048000000')])]);
    const lookup = exact.priceFor('A', epoch('2025-06-01T00:00:00Z'), {});
    expect(lookup.status === 'RATED' && lookup.price.pricePerUnit).to.equal(48_000_000n);
    // 0.1 minute × 0.0048 = 0.00048 exactly at COST_SCALE (16).
    expect(lookup.status === 'RATED' && 100_000n * lookup.price.pricePerUnit).to.equal(4_800_000_000_000n);
  });

  it('reports a usage type the version in effect does not price, with that version', () => {
    // USE1-US-JP-outbound-minutes exists only from the change on.
    expect(table.priceFor('USE1-US-JP-outbound-minutes', CHANGE - 1, {})).to.deep.equal({
      status: 'UNRATED_UNKNOWN_USAGE_TYPE',
      version: '20241105184512',
    });
    expect(table.priceFor('USE1-US-JP-outbound-minutes', CHANGE, {}).status).to.equal('RATED');
  });

  it('reports calls before the first version and after the end of the last one', () => {
    expect(table.priceFor('USE1-US-US-outbound-minutes', epoch('2024-11-01T00:00:00Z') - 1, {})).to.deep.equal({
      status: 'UNRATED_NO_PRICE_VERSION',
      version: null,
    });
    const closed = createRateTable(VC, [
      version('a', '2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z', [price('A', '1')]),
      version('b', '2024-03-01T00:00:00Z', '2024-04-01T00:00:00Z', [price('A', '2')]),
    ]);
    expect(closed.priceFor('A', epoch('2024-02-01T00:00:00Z') - 1, {}).status).to.equal('RATED');
    // In the gap between a and b, and at the exclusive end of b.
    expect(closed.priceFor('A', epoch('2024-02-01T00:00:00Z'), {})).to.deep.equal({
      status: 'UNRATED_NO_PRICE_VERSION',
      version: null,
    });
    expect(closed.priceFor('A', epoch('2024-04-01T00:00:00Z'), {}).status).to.equal('UNRATED_NO_PRICE_VERSION');
    expect(closed.priceFor('A', epoch('2024-04-01T00:00:00Z') - 1, {}).status).to.equal('RATED');
    expect(createRateTable(VC, []).priceFor('A', 0, {}).status).to.equal('UNRATED_NO_PRICE_VERSION');
  });

  it('finds the right version among many (binary search)', () => {
    const versions = Array.from({ length: 50 }, (_, i) =>
      version(`v${i}`, new Date(Date.UTC(2020, i, 1)).toISOString(), new Date(Date.UTC(2020, i + 1, 1)).toISOString(), [
        price('A', `${i}`),
      ]),
    );
    const many = createRateTable(VC, versions);
    for (let i = 0; i < 50; i++) {
      const start = Date.UTC(2020, i, 15) / 1000;
      const lookup = many.priceFor('A', start, {});
      expect(lookup.status === 'RATED' && lookup.price.version).to.equal(`v${i}`);
    }
  });

  it('refuses overlapping windows, repeated usage types and prices with more than 10 decimals', () => {
    expect(() =>
      createRateTable(VC, [
        version('a', '2024-01-01T00:00:00Z', null, []),
        version('b', '2024-02-01T00:00:00Z', null, []),
      ]),
    ).to.throw(PriceSourceError, 'price versions a and b overlap');
    expect(() =>
      createRateTable(VC, [version('a', '2024-01-01T00:00:00Z', null, [price('A', '1'), price('A', '2')])]),
    ).to.throw(PriceSourceError, 'usage type A has two prices in version a');
    expect(() =>
      createRateTable(VC, [version('a', '2024-01-01T00:00:00Z', null, [price('USE1-X', '0.00000000001')])]),
    ).to.throw(
      PriceSourceError,
      'price of usage type USE1-X in version a is unusable: "0.00000000001" has more than 10 decimal places',
    );
  });

  describe('identifying a price without a usage type (Business Calling)', () => {
    const bc = createRateTable(BC, [
      version('v1', '2025-01-01T00:00:00Z', null, [
        price('USE1-US-US-outbound-minutes', '0.0048', {
          callingType: 'Outbound',
          originCountry: 'US',
          destinationCountry: 'US',
        }),
        price('USE1-CA-US-outbound-minutes', '0.01', {
          callingType: 'Outbound',
          originCountry: 'CA',
          destinationCountry: 'US',
        }),
        price('USE1-US-GB-outbound-minutes', '0.0131', {
          callingType: 'Outbound',
          originCountry: 'US',
          destinationCountry: 'GB',
        }),
        price('USE1-US-inbound-minutes', '0.0022', { callingType: 'Inbound', country: 'US', numberType: 'Local' }),
        price('USE1-US-tollfree-inbound-minutes', '0.013', {
          callingType: 'Inbound',
          country: 'US',
          numberType: 'Toll-free',
        }),
        price('USE1-US-did-numbers', '1', { numberType: 'Local' }),
      ]),
    ]);
    const at = epoch('2025-02-01T00:00:00Z');
    const identified = (hints: CallHints): string | undefined => {
      const lookup = bc.priceFor(undefined, at, hints);
      return lookup.status === 'RATED' ? lookup.price.usageType : lookup.status;
    };

    it('identifies a unique price from direction and countries', () => {
      expect(identified({ direction: 'Outbound', sourceCountry: 'US', destinationCountry: 'GB' })).to.equal(
        'USE1-US-GB-outbound-minutes',
      );
      expect(identified({ direction: 'outbound', sourceCountry: 'us', destinationCountry: 'us' })).to.equal(
        'USE1-US-US-outbound-minutes',
      );
      expect(
        identified({
          direction: 'Inbound',
          sourceCountry: 'DE',
          destinationCountry: 'US',
          destinationPhoneNumber: '+12065550100',
        }),
      ).to.equal('USE1-US-inbound-minutes');
    });

    it('returns the identified price with its value and version', () => {
      expect(
        bc.priceFor(undefined, at, { direction: 'Outbound', sourceCountry: 'US', destinationCountry: 'GB' }),
      ).to.deep.equal({
        status: 'RATED',
        price: { usageType: 'USE1-US-GB-outbound-minutes', pricePerUnit: 131_000_000n, unit: 'minutes', version: 'v1' },
      });
    });

    it('selects the toll-free inbound price for a NANP toll-free number or an explicit hint', () => {
      expect(
        identified({ direction: 'Inbound', destinationCountry: 'US', destinationPhoneNumber: '+18885550100' }),
      ).to.equal('USE1-US-tollfree-inbound-minutes');
      expect(identified({ direction: 'Inbound', destinationCountry: 'US', tollFree: true })).to.equal(
        'USE1-US-tollfree-inbound-minutes',
      );
      expect(
        identified({ direction: 'Inbound', destinationCountry: 'US', destinationPhoneNumber: '+12065550100' }),
      ).to.equal('USE1-US-inbound-minutes');
    });

    it('does not guess when several prices fit (ambiguous)', () => {
      // US and CA callers to the US have different prices: without the caller's country, no price.
      expect(identified({ direction: 'Outbound', destinationCountry: 'US' })).to.equal('UNRATED_NO_USAGE_TYPE');
    });

    it('does not guess when no price fits or the direction is unknown', () => {
      expect(identified({ direction: 'Outbound', sourceCountry: 'US', destinationCountry: 'JP' })).to.equal(
        'UNRATED_NO_USAGE_TYPE',
      );
      expect(identified({ sourceCountry: 'US', destinationCountry: 'GB' })).to.equal('UNRATED_NO_USAGE_TYPE');
      expect(identified({ direction: 'Sideways', sourceCountry: 'US', destinationCountry: 'GB' })).to.equal(
        'UNRATED_NO_USAGE_TYPE',
      );
      expect(identified({})).to.equal('UNRATED_NO_USAGE_TYPE');
      expect(bc.priceFor(undefined, at, {})).to.deep.equal({ status: 'UNRATED_NO_USAGE_TYPE', version: 'v1' });
    });

    it('treats an empty usage type like a missing one, and gives the same answer from its cache', () => {
      const hints = { direction: 'Outbound', sourceCountry: 'US', destinationCountry: 'GB' };
      expect(bc.priceFor('', at, hints)).to.deep.equal(bc.priceFor(undefined, at, hints));
      expect(identified({ direction: 'Outbound', destinationCountry: 'US' })).to.equal('UNRATED_NO_USAGE_TYPE');
    });

    it('uses the Region, when the call has one, to tell Voice Connector prices apart by usage-type prefix', () => {
      const vc = createRateTable(VC, [
        version('v', '2025-01-01T00:00:00Z', null, [
          price('USE1-US-US-outbound-minutes', '0.0048'),
          price('USW2-US-US-outbound-minutes', '0.0049'),
        ]),
      ]);
      const hints = { direction: 'Outbound', sourceCountry: 'US', destinationCountry: 'US' };
      const west = vc.priceFor(undefined, at, { ...hints, region: 'us-west-2' });
      expect(west.status === 'RATED' && west.price.usageType).to.equal('USW2-US-US-outbound-minutes');
      // Without a Region both match and disagree: ambiguous, never one picked silently.
      expect(vc.priceFor(undefined, at, hints).status).to.equal('UNRATED_AMBIGUOUS_PRICE');
      expect(vc.priceFor(undefined, at, { ...hints, region: 'eu-central-1' }).status).to.equal('UNRATED_NO_USAGE_TYPE');
    });
  });
});
