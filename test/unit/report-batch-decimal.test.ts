import { Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { expect } from 'chai';
import type { CdrValue } from '../../job/cdr/record';
import { schemaFor } from '../../job/core/schema';
import { ReportBatch } from '../../job/report/report-batch';

describe('report batch: Decimal128 money columns', () => {
  it('writes negative, zero and beyond-64-bit values exactly (two 64-bit halves per value)', () => {
    const schema = schemaFor('AmazonChimeVoiceConnector');
    const values = [
      0n,
      1n,
      -1n,
      123456789012345678901234567890n,
      -(10n ** 37n),
      10n ** 37n,
      (1n << 64n) + 5n,
      -(1n << 64n) - 5n,
    ];
    const column = schema.columns.findIndex((c) => c.name === 'ChargedAmount');
    const columns = schema.columns.map((c, i) =>
      values.map((v): CdrValue => (i === column ? v : c.name === 'RatingStatus' ? 'RATED' : null)),
    );
    const table = tableFromIPC(tableToIPC(new Table([new ReportBatch(schema, columns, values.length).toArrow()])));
    const read = table.getChild('ChargedAmount');
    const back = values.map((_, i) => {
      const words = read?.get(i) as Uint32Array;
      let value = 0n;
      for (let k = 3; k >= 0; k--) value = (value << 32n) | BigInt(words[k] as number);
      return BigInt.asIntN(128, value);
    });
    expect(back).to.deep.equal(values);
  });
});
