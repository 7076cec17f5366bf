import { expect } from 'chai';
import { stringify } from 'csv-stringify/sync';
import type { CdrValue } from '../../../job/cdr/record';
import { csvField } from '../../../job/core/csv-field';
import { spreadsheetSafe } from '../../../job/core/csv-safety';
import { parseDecimal } from '../../../job/core/decimal';
import { isoTimestamp } from '../../../job/core/iso-timestamp';
import { COST_SCALE, MINUTES_SCALE, PRICE_SCALE, schemaFor } from '../../../job/core/schema';
import { ReportBatch } from '../../../job/report/report-batch';
import { csvCell, csvHeader, csvRows } from '../../../job/sinks/csv';

// csv-stringify quotes a field holding the record delimiter (CRLF here) but not a bare CR or LF, nor
// a semicolon (Excel's separator in many locales); we quote those too, so `quoted_match` makes the
// reference do so. Its `escape_formulas` is the OWASP prefix; we keep E.164 and plain numbers as
// they are, so those go to the reference without it.
const REFERENCE = { record_delimiter: '\r\n', quoted_match: /[\r\n;]/ } as const;
const NUMBER_LIKE = /^(?:\+\d{1,15}|-?\d+(?:\.\d+)?)$/;
/** Control (but TAB, LF, CR) and bidi-override characters become U+FFFD first (checked on its own below). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const HARMFUL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** What csv-stringify writes for one text cell, after the characters we replace are replaced. */
function referenceField(text: string): string {
  const harmless = text.replace(HARMFUL, '\ufffd');
  const options = NUMBER_LIKE.test(harmless) ? REFERENCE : { ...REFERENCE, escape_formulas: true };
  return stringify([[harmless]], options).replace(/\r\n$/, '');
}

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
    '=1+2,"quoted"',
    '+1 (206) 555-0100',
    '+12065550100',
    '+1234567890123456',
    '-3',
    '-2.5',
    '-3+4',
    '-',
    '@SUM(A1)',
    '\t=1+2',
    '\r=1+2',
    'tab\there',
    'a;=1+2',
    '\uff1d1+2',
    'right\u202eto left',
    'isolate\u2066x\u2069',
    'nul\u0000bell\u0007del\u007fc1\u0085',
    "'already quoted",
    '日本語',
    '😀 emoji',
  ];

  it('quotes and escapes formulas exactly as csv-stringify does (RFC 4180, OWASP), field by field', () => {
    for (const text of nasty) expect(csvField(text), JSON.stringify(text)).to.equal(referenceField(text));
  });

  it('writes the same bytes as csv-stringify for a whole row', () => {
    const formulaLike = nasty.filter((text) => !NUMBER_LIKE.test(text));
    const ours = `${formulaLike.map(csvField).join(',')}\r\n`;
    const harmless = formulaLike.map((text) => text.replace(HARMFUL, '\ufffd'));
    expect(ours).to.equal(stringify([harmless], { ...REFERENCE, escape_formulas: true }));
  });

  it('neutralises what a spreadsheet would evaluate, keeps E.164 and plain numbers byte-exact', () => {
    expect(spreadsheetSafe('=HYPERLINK("http://x")')).to.equal('\'=HYPERLINK("http://x")');
    expect(spreadsheetSafe('+12065550100')).to.equal('+12065550100');
    expect(spreadsheetSafe('+1 206 555 0100')).to.equal("'+1 206 555 0100");
    expect(spreadsheetSafe('-3')).to.equal('-3');
    expect(spreadsheetSafe('-0.5')).to.equal('-0.5');
    expect(spreadsheetSafe('-3+4')).to.equal("'-3+4");
    expect(spreadsheetSafe('@cmd')).to.equal("'@cmd");
    expect(spreadsheetSafe('\uff20cmd')).to.equal("'\uff20cmd");
    expect(spreadsheetSafe('\t=1')).to.equal("'\t=1");
    expect(spreadsheetSafe('\r=1')).to.equal("'\r=1");
    expect(spreadsheetSafe('a\tb')).to.equal('a\tb');
    expect(spreadsheetSafe('esc\u001b[31m')).to.equal('esc\ufffd[31m');
    expect(spreadsheetSafe('North Campus Reception')).to.equal('North Campus Reception');
    expect(spreadsheetSafe('abc\u202edcba')).to.equal('abc\ufffddcba');
    expect(spreadsheetSafe('a\r\nb')).to.equal('a\r\nb');
    expect(csvField('a;b')).to.equal('"a;b"');
  });

  it('starts the header with a UTF-8 BOM only when asked', () => {
    const schema = schemaFor('AmazonChimeVoiceConnector');
    expect(csvHeader(schema).startsWith('AwsAccountId,')).to.equal(true);
    expect(Buffer.from(csvHeader(schema, true)).subarray(0, 3)).to.deep.equal(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it('renders decimals exactly, timestamps as ISO 8601 UTC and null as empty', () => {
    expect(csvCell('cost', parseDecimal('0.00048', COST_SCALE))).to.equal('0.00048');
    expect(csvCell('cost', parseDecimal('0.2879200000000000032', COST_SCALE))).to.equal('0.2879200000000000032');
    expect(csvCell('price', parseDecimal('0.0048', PRICE_SCALE))).to.equal('0.0048');
    expect(csvCell('minutes', parseDecimal('59.983333333333334', MINUTES_SCALE))).to.equal('59.983333333333334');
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
        return column.kind === 'string' && typeof value === 'string'
          ? referenceField(value)
          : csvCell(column.kind, value);
      }),
    );
    // Text cells are already rendered by csv-stringify (referenceField); the row joins them.
    const reference = Buffer.from(cells.map((row) => `${row.join(',')}\r\n`).join(''), 'utf8');
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
