import { expect } from 'chai';
import { stringify } from 'csv-stringify/sync';
import type { CdrValue } from '../../../job/cdr/record';
import { isoTimestamp } from '../../../job/core/iso-timestamp';
import { schemaFor } from '../../../job/core/schema';
import { ReportBatch } from '../../../job/report/report-batch';
import { csvCell, csvField, csvRows } from '../../../job/sinks/csv';

// csv-stringify quotes a field holding the record delimiter (CRLF here) but not a bare CR or LF;
// we also quote those, since most readers end a row on either. `quoted_match` makes the reference do so.
const REFERENCE = { record_delimiter: '\r\n', quoted_match: /[\r\n]/ } as const;

describe('CSV encoding', () => {
  const nasty = [
    '',
    'plain',
    'Müller, "Hans"',
    'line\nbreak',
    'cr\rlf\r\n',
    '"',
    '""',
    ',',
    ' leading and trailing ',
    '=SUM(A1)',
    'tab\there',
    '日本語',
    '😀 emoji',
  ];

  it('quotes exactly as csv-stringify does (RFC 4180), field by field', () => {
    for (const text of nasty) {
      const reference = stringify([[text]], REFERENCE).replace(/\r\n$/, '');
      expect(csvField(text), JSON.stringify(text)).to.equal(reference);
    }
  });

  it('writes the same bytes as csv-stringify for a whole row', () => {
    const ours = `${nasty.map(csvField).join(',')}\r\n`;
    expect(ours).to.equal(stringify([nasty], REFERENCE));
  });

  it('renders decimals exactly, timestamps as ISO 8601 UTC and null as empty', () => {
    expect(csvCell('cost', 4_800_000_000_000n)).to.equal('0.00048');
    expect(csvCell('price', 48_000_000n)).to.equal('0.0048');
    expect(csvCell('minutes', 100_000n)).to.equal('0.1');
    expect(csvCell('timestamp', 1_565_399_625_000)).to.equal('2019-08-10T01:13:45.000Z');
    expect(csvCell('integer', 1_565_399_625)).to.equal('1565399625');
    expect(csvCell('boolean', false)).to.equal('false');
    expect(csvCell('cost', null)).to.equal('');
  });

  it('renders a whole batch to the same UTF-8 bytes as csv-stringify, growing its buffer as needed', () => {
    const schema = schemaFor('AmazonChimeVoiceConnector');
    const rows = 1500;
    const sample = (kind: string, r: number, c: number): CdrValue => {
      if ((r + c) % 11 === 0) return null;
      switch (kind) {
        case 'string':
          // Some rows far longer than the initial estimate of 512 bytes per row.
          return (nasty[(r + c) % nasty.length] as string).repeat(r % 50 === 0 ? 400 : 1);
        case 'integer':
          return r * 1_000_003 - c;
        case 'timestamp':
          return 1_740_528_000_000 + r * 61_001;
        case 'boolean':
          return r % 2 === 0;
        default:
          return BigInt(r) * 123_456_789n + BigInt(c);
      }
    };
    const columns = schema.columns.map((column, c) =>
      Array.from({ length: rows }, (_, r) => sample(column.kind, r, c)),
    );
    const ours = csvRows(schema, new ReportBatch(schema, columns, rows));
    const cells = Array.from({ length: rows }, (_, r) =>
      schema.columns.map((column, c) => {
        const value = columns[c]?.[r] ?? null;
        return column.kind === 'string' && typeof value === 'string' ? value : csvCell(column.kind, value);
      }),
    );
    const reference = Buffer.from(stringify(cells, REFERENCE), 'utf8');
    expect(ours.length).to.equal(reference.length);
    expect(ours.equals(reference)).to.equal(true);
    expect(
      csvRows(
        schema,
        new ReportBatch(
          schema,
          schema.columns.map(() => []),
          0,
        ),
      ).length,
    ).to.equal(0);
  });

  it('writes timestamps exactly as Date.toISOString, across days, edges and out-of-range values', () => {
    const samples = [0, 1, 999, 86_399_999, 86_400_000, 951_782_400_000, 1_740_528_236_000, 253_402_300_799_999];
    samples.push(253_402_300_800_000, -1, -86_400_001, 1.5, 1_740_528_236_000.7);
    let seed = 42;
    for (let i = 0; i < 20_000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      samples.push(Math.floor((seed / 2_147_483_648) * 253_402_300_800_000));
      samples.push(1_740_528_000_000 + (seed % 8_640_000) * 100);
    }
    for (const ms of samples) expect(isoTimestamp(ms), String(ms)).to.equal(new Date(ms).toISOString());
  });

  it('renders repeated decimals from its cache exactly as uncached ones', () => {
    const schema = schemaFor('AmazonChimeVoiceConnector');
    const costColumn = schema.columns.findIndex((c) => c.kind === 'cost');
    const rows = 6000;
    // More distinct values than the cache holds, each repeated: exercises hits, misses and restarts.
    const values = Array.from({ length: rows }, (_, r) => BigInt((r * 7919) % 5000) * 10_000_000_000n + 1n);
    const columns = schema.columns.map((_, c) =>
      c === costColumn ? values : Array.from({ length: rows }, () => null),
    );
    const text = csvRows(schema, new ReportBatch(schema, columns, rows)).toString('utf8');
    const cells = text
      .split('\r\n')
      .slice(0, rows)
      .map((line) => line.split(',')[costColumn]);
    expect(cells).to.deep.equal(values.map((v) => csvCell('cost', v)));
  });
});
