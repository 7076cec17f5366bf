import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { CdrValue } from '../../../job/cdr/record';
import { parseDecimal } from '../../../job/core/decimal';
import { parseDate, periodEndingOn } from '../../../job/core/period';
import {
  athenaType,
  COST_SCALE,
  decimalShape,
  MONEY_PRECISION,
  PRICE_LIMIT_SCALED,
  schemaFor,
} from '../../../job/core/schema';
import { processChunk } from '../../../job/pipeline/chunk';
import { createCharger } from '../../../job/prices/rate-deck/charger';
import { createRateTable } from '../../../job/prices/rate-table-impl';
import { Rater } from '../../../job/prices/rater';
import { DecimalRangeError } from '../../../job/report/arrow-columns';
import { ConnectorDirectory } from '../../../job/report/connectors';
import { ReportBatch } from '../../../job/report/report-batch';
import { LocalStore } from '../../../job/store/local';
import { jsonBytes, VC_DOC_EXAMPLE } from '../../fixtures/cdr-examples';

const VC = schemaFor('AmazonChimeVoiceConnector');

describe('exact decimal ranges', () => {
  it('the largest call at the largest price fits the Cost column, and the scales add up', () => {
    const { precision, scale } = decimalShape('cost');
    expect(scale).to.equal(decimalShape('minutes').scale + decimalShape('price').scale);
    expect(precision).to.equal(MONEY_PRECISION).and.to.be.at.most(38);
    const maxMinutes = 44_640n * 10n ** BigInt(decimalShape('minutes').scale);
    expect(maxMinutes < 10n ** BigInt(decimalShape('minutes').precision)).to.equal(true);
    expect(maxMinutes * (PRICE_LIMIT_SCALED - 1n) < 10n ** BigInt(precision)).to.equal(true);
    // A period total of nine billion USD still fits what Athena's SUM returns: decimal(38, COST_SCALE).
    expect(9_000_000_000n * 10n ** BigInt(COST_SCALE) < 10n ** 38n).to.equal(true);
    expect(athenaType('cost')).to.equal('decimal(38,28)');
    expect(athenaType('minutes')).to.equal('decimal(23,18)');
    expect(athenaType('price')).to.equal('decimal(15,10)');
  });

  it('refuses to encode a decimal beyond its column instead of wrapping it', () => {
    const columns: CdrValue[][] = VC.columns.map((column) => {
      if (column.kind === 'cost') return [10n ** 38n];
      if (column.kind === 'string') return ['x'];
      if (column.kind === 'integer' || column.kind === 'timestamp') return [1];
      if (column.kind === 'boolean') return [false];
      return [1n];
    });
    expect(() => new ReportBatch(VC, columns, 1).toArrow()).to.throw(DecimalRangeError, /decimal\(38,28\)/);
  });

  describe('a price beyond the Price column', () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'cdr-range-'));
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('rejects the call with price-out-of-range, and rates the calls at in-range prices', async () => {
      const store = await LocalStore.open(dir);
      const folder = 'Amazon-Chime-Voice-Connector-CDRs/json/abc/2019/08/10/';
      await store.write(`${folder}a`, Buffer.from(jsonBytes({ ...VC_DOC_EXAMPLE, TransactionId: 'a' })));
      await store.write(
        `${folder}b`,
        Buffer.from(jsonBytes({ ...VC_DOC_EXAMPLE, TransactionId: 'b', UsageType: 'USE1-US-US-inbound-minutes' })),
      );
      const table = createRateTable('AmazonChimeVoiceConnector', [
        {
          id: 'v1',
          effectiveFrom: '2019-01-01T00:00:00Z',
          effectiveUntil: null,
          prices: [
            { usageType: 'USE1-US-US-outbound-minutes', pricePerUnit: '100000', unit: 'minutes' },
            { usageType: 'USE1-US-US-inbound-minutes', pricePerUnit: '99999.9999999999', unit: 'minutes' },
          ],
        },
      ]);
      const date = parseDate('2019-08-10');
      const result = await processChunk(
        { seq: 0, objects: ['a', 'b'].map((name) => ({ key: `${folder}${name}`, size: 600, folderDate: date })) },
        {
          store,
          schema: VC,
          period: periodEndingOn('Daily', date),
          rater: new Rater(VC, table),
          charger: createCharger(VC, { kind: 'none' }),
          connectors: new ConnectorDirectory([]),
          readConcurrency: 2,
        },
      );
      expect(result.rejects.map((r) => r.rejection.code)).to.deep.equal(['price-out-of-range']);
      expect(result.rated).to.equal(1);
      // 0.1 min × 99,999.9999999999 USD, exact.
      expect(result.costs[0]?.[2]).to.equal(parseDecimal('9999.99999999999', COST_SCALE));
    });
  });
});
