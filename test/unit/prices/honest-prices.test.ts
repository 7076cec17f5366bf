import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { PRICE_PRECISION, PRICE_SCALE } from '../../../job/core/schema';
import { loadRateTable } from '../../../job/prices/load';
import { perMinutePrice } from '../../../job/prices/price-unit';
import { canonicalPrice } from '../../../job/prices/product-prices';
import { createRateTable } from '../../../job/prices/rate-table-impl';
import { buildSnapshot, parseSnapshot, serializeSnapshot } from '../../../job/prices/snapshot';
import { LocalStore } from '../../../job/store/local';
import { runCli } from '../../support/cli';
import { epoch, FIXTURES } from './fixtures';

const VC = 'AmazonChimeVoiceConnector';
const NOW = new Date('2025-03-02T01:00:00Z');

describe('prices: honest about what they are', () => {
  describe('a single current price list applied to older calls', () => {
    it('is in effect for every call, but a call before its publication is flagged as rated with later prices', async () => {
      const fixtures = await LocalStore.open(FIXTURES);
      const { table, snapshot } = await loadRateTable(fixtures, 'offer-file.json', VC, NOW);
      expect(snapshot.versions[0]?.publishedAt).to.equal('2024-11-05T18:45:12Z');
      expect(table.versions[0]?.publishedAt).to.equal(epoch('2024-11-05T18:45:12Z'));
      const years = table.priceFor('USE1-US-US-outbound-minutes', epoch('2020-01-15T00:00:00Z'), {});
      expect(years).to.deep.include({ status: 'RATED', laterPrices: true });
      const after = table.priceFor('USE1-US-US-outbound-minutes', epoch('2024-11-05T18:45:12Z'), {});
      expect(after.status).to.equal('RATED');
      expect(after).to.not.have.property('laterPrices');
    });

    it('keeps publishedAt through a snapshot, and drops it when the window starts after the publication', () => {
      const built = buildSnapshot(
        VC,
        [
          {
            id: 'old',
            effectiveFrom: 0,
            effectiveUntil: '2025-01-01T00:00:00Z',
            publishedAt: '2024-06-01T00:00:00Z',
            prices: [{ usageType: 'A', pricePerUnit: '1', unit: 'Minutes' }],
          },
          {
            id: 'new',
            effectiveFrom: '2025-01-01T00:00:00Z',
            effectiveUntil: null,
            publishedAt: '2024-12-20T00:00:00Z',
            illustrative: true,
            prices: [{ usageType: 'A', pricePerUnit: '2', unit: 'Minutes' }],
          },
        ],
        [],
        NOW,
      );
      const again = parseSnapshot(serializeSnapshot(built));
      expect(again.versions[0]?.publishedAt).to.equal('2024-06-01T00:00:00Z');
      expect(again.versions[1]).to.not.have.property('publishedAt');
      expect(again.versions[1]?.illustrative).to.equal(true);
      const table = createRateTable(VC, again.versions);
      expect(table.versions[1]?.illustrative).to.equal(true);
    });
  });

  describe('price units', () => {
    it('applies minute spellings as they are, converts seconds exactly, hours only when exact', () => {
      for (const unit of ['minutes', 'Minutes', 'Minute', 'Mins', 'min']) {
        expect(perMinutePrice(48_000_000n, unit)).to.deep.equal({ ok: true, pricePerMinute: 48_000_000n, unit });
      }
      expect(perMinutePrice(1_000_000n, 'Seconds')).to.deep.equal({
        ok: true,
        pricePerMinute: 60_000_000n,
        unit: 'Minutes (converted from Seconds)',
      });
      expect(perMinutePrice(6_000_000_000n, 'Hrs')).to.deep.include({ ok: true, pricePerMinute: 100_000_000n });
      expect(perMinutePrice(10_000_000n, 'Hours').ok).to.equal(false);
      for (const unit of ['Message', 'Messages', 'Mo', 'Count', ''])
        expect(perMinutePrice(1n, unit).ok).to.equal(false);
    });

    it('rates a per-second price per minute, and leaves a per-message usage type UNRATED_UNSUPPORTED_UNIT', () => {
      const table = createRateTable(VC, [
        {
          id: 'v',
          effectiveFrom: '2025-01-01T00:00:00Z',
          effectiveUntil: null,
          prices: [
            { usageType: 'USE1-US-US-outbound-minutes', pricePerUnit: '0.0001', unit: 'Seconds' },
            { usageType: 'USE1-US-US-outbound-sms', pricePerUnit: '0.00645', unit: 'Message' },
          ],
        },
      ]);
      const at = epoch('2025-02-01T00:00:00Z');
      const call = table.priceFor('USE1-US-US-outbound-minutes', at, {});
      expect(call.status === 'RATED' && [call.price.pricePerUnit, call.price.unit]).to.deep.equal([
        60_000_000n,
        'Minutes (converted from Seconds)',
      ]);
      expect(table.priceFor('USE1-US-US-outbound-sms', at, {})).to.deep.equal({
        status: 'UNRATED_UNSUPPORTED_UNIT',
        version: 'v',
      });
    });
  });

  describe('out-of-range prices', () => {
    const limit = 10n ** BigInt(PRICE_PRECISION - PRICE_SCALE);

    it('are refused at load, naming the product, at the PricePerUnit column precision', () => {
      const largest = `${limit - 1n}.${'9'.repeat(PRICE_SCALE)}`;
      expect(canonicalPrice(largest, 'A')).to.equal(largest);
      expect(() => canonicalPrice(String(limit), 'USE1-X', 'SKU1')).to.throw(
        `price of usage type USE1-X (SKU SKU1) is out of range: "${limit}" USD does not fit decimal(${PRICE_PRECISION},${PRICE_SCALE})`,
      );
    });

    it('make `run` exit 2 with one line naming the product, writing nothing', async function () {
      this.timeout(60_000);
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cdr-range-'));
      try {
        const offer = JSON.parse(await fs.readFile(path.join(FIXTURES, 'offer-file.json'), 'utf8')) as {
          terms: {
            OnDemand: Record<
              string,
              Record<string, { priceDimensions: Record<string, { pricePerUnit: { USD: string } }> }>
            >;
          };
        };
        const dimension = Object.values(
          Object.values(offer.terms.OnDemand.P1AAAAAAAAAAAAAA ?? {})[0]?.priceDimensions ?? {},
        )[0];
        if (!dimension) throw new Error('fixture changed');
        dimension.pricePerUnit.USD = `${limit}.5`;
        await fs.writeFile(path.join(dir, 'prices.json'), JSON.stringify(offer));
        const folder = path.join(dir, 'cdrs', 'Amazon-Chime-Voice-Connector-CDRs', 'json', 'vc1', '2025', '03', '01');
        await fs.mkdir(folder, { recursive: true });
        await fs.writeFile(
          path.join(folder, '10.00.00.000_tx1'),
          JSON.stringify({
            AwsAccountId: '111122223333',
            TransactionId: 'tx1',
            VoiceConnectorId: 'vc1',
            BillableDurationMinutes: 1,
            UsageType: 'USE1-US-US-outbound-minutes',
            StartTimeEpochSeconds: epoch('2025-03-01T10:00:00Z'),
          }),
        );
        const result = await runCli([
          'run',
          ...['--source', path.join(dir, 'cdrs'), '--prices', path.join(dir, 'prices.json')],
          ...['--frequency', 'Daily', '--end', '2025-03-01'],
        ]);
        expect(result.code, result.stderr).to.equal(2);
        const lines = result.stderr.trim().split('\n');
        expect(lines).to.have.length(1);
        expect(lines[0]).to.include('usage type USE1-US-US-outbound-minutes (SKU P1AAAAAAAAAAAAAA) is out of range');
        expect(await fs.readdir(path.join(dir, 'cdrs'))).to.deep.equal(['Amazon-Chime-Voice-Connector-CDRs']);
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    });
  });
});
