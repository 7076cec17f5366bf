import { expect } from 'chai';
import { parseCdr } from '../../../job/cdr/parse';
import type { CdrRecord } from '../../../job/cdr/record';
import { formatDecimal } from '../../../job/core/decimal';
import { COST_SCALE, PRICE_SCALE, schemaFor } from '../../../job/core/schema';
import { createRateTable } from '../../../job/prices/rate-table-impl';
import { Rater } from '../../../job/prices/rater';
import { parseSnapshot } from '../../../job/prices/snapshot';
import { VC_DOC_EXAMPLE } from '../../fixtures/cdr-examples';
import { epoch, fixtureText } from './fixtures';

const schema = schemaFor('AmazonChimeVoiceConnector');
const snapshot = parseSnapshot(fixtureText('snapshot.json'));
const rater = new Rater(schema, createRateTable('AmazonChimeVoiceConnector', snapshot.versions));

function call(fields: Record<string, unknown>): CdrRecord {
  const result = parseCdr(Buffer.from(JSON.stringify({ ...VC_DOC_EXAMPLE, ...fields })), schema, {
    nowEpochSeconds: epoch('2026-01-01T00:00:00Z'),
  });
  if (!result.ok) throw new Error(result.rejection.reason);
  return result.record;
}

describe('Rater', () => {
  it('rates a call exactly: minutes × price of the version in effect at its start', () => {
    const rating = rater.rate(
      call({
        StartTimeEpochSeconds: epoch('2025-03-01T00:00:00Z'),
        BillableDurationMinutes: 0.1,
        EndTimeEpochSeconds: null,
      }),
    );
    expect(rating.status).to.equal('RATED');
    expect(rating.version).to.equal('20250214201533');
    expect(formatDecimal(rating.price?.pricePerUnit ?? -1n, PRICE_SCALE)).to.equal('0.0048');
    expect(formatDecimal(rating.cost ?? -1n, COST_SCALE)).to.equal('0.00048');
  });

  it('takes the price of the earlier version for a call one second before the boundary', () => {
    const usageType = 'USE1-US-inbound-minutes';
    const before = rater.rate(
      call({ UsageType: usageType, StartTimeEpochSeconds: epoch('2025-02-28T23:59:59Z'), EndTimeEpochSeconds: null }),
    );
    const after = rater.rate(
      call({ UsageType: usageType, StartTimeEpochSeconds: epoch('2025-03-01T00:00:00Z'), EndTimeEpochSeconds: null }),
    );
    expect([before.version, formatDecimal(before.cost ?? -1n, COST_SCALE)]).to.deep.equal([
      '20241105184512',
      '0.00022',
    ]);
    expect([after.version, formatDecimal(after.cost ?? -1n, COST_SCALE)]).to.deep.equal(['20250214201533', '0.00019']);
  });

  it('keeps a call with a usage type the version does not price, with the version and no cost', () => {
    const rating = rater.rate(
      call({
        UsageType: 'USE1-US-JP-outbound-minutes',
        StartTimeEpochSeconds: epoch('2025-01-15T12:00:00Z'),
        EndTimeEpochSeconds: null,
      }),
    );
    expect(rating).to.deep.equal({
      status: 'UNRATED_UNKNOWN_USAGE_TYPE',
      price: null,
      version: '20241105184512',
      cost: null,
    });
  });

  it('keeps a call that starts before every price version as UNRATED_NO_PRICE_VERSION', () => {
    const rating = rater.rate(
      call({ StartTimeEpochSeconds: epoch('2024-10-31T23:59:59Z'), EndTimeEpochSeconds: null }),
    );
    expect(rating).to.deep.equal({ status: 'UNRATED_NO_PRICE_VERSION', price: null, version: null, cost: null });
  });
});
