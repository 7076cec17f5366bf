import { expect } from 'chai';
import { stringify } from 'csv-stringify/sync';
import { csvCell, csvField } from '../../job/sinks/csv';

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
});
