import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { CsvSyntaxError, readCsvRecords } from '../../job/core/csv-records';

/** What csv-parse (the reference) reads; a record's line is where it ends less the line ends inside it. */
function reference(text: string): { fields: string[]; line: number }[] {
  const records = parse(text, {
    bom: true,
    info: true,
    skip_empty_lines: true,
    relax_column_count: true,
  }) as unknown as { record: string[]; info: { lines: number } }[];
  const lineEnds = (field: string) => (field.match(/\r\n|\n|\r/g) ?? []).length;
  return records.map(({ record, info }) => ({
    fields: record,
    line: info.lines - record.reduce((n, field) => n + lineEnds(field), 0),
  }));
}

describe('CSV records (our RFC 4180 reader vs csv-parse)', () => {
  const samples: [string, string][] = [
    ['plain LF', 'a,b,c\n1,2,3\n'],
    ['CRLF, no final line end', 'a,b\r\n1,2'],
    ['a byte-order mark', '\uFEFFa,b\n1,2\n'],
    ['empty fields', 'a,,c\n,,\n'],
    ['quoted commas, quotes and line ends', 'a,"b, ""quoted""\nnext line",c\n"x","",z\n'],
    ['blank lines between records', 'a,b\n\n\n1,2\n\n'],
    ['blank CRLF lines', 'a,b\r\n\r\n1,2\r\n'],
    ['non-ASCII text', 'prefix,description\n49,"Deutschland – Mobilfunk"\n81,日本\n'],
    ['a trailing comma', 'a,b,\n1,2,\n'],
  ];
  for (const [what, text] of samples) {
    it(`reads ${what} exactly as csv-parse does, with the starting line`, () => {
      expect(readCsvRecords(text)).to.deep.equal(reference(text));
    });
  }

  const bad: [string, string, number][] = [
    ['an unclosed quote', 'a,b\n1,"2\n3\n', 2],
    ['text after a closing quote', 'a,b\n"1"x,2\n', 2],
    ['a quote inside an unquoted field', 'a,b\n\n1,2"3\n', 3],
  ];
  for (const [what, text, line] of bad) {
    it(`refuses ${what}, naming line ${line} (csv-parse refuses it too)`, () => {
      expect(() => parse(text)).to.throw();
      try {
        readCsvRecords(text);
        expect.fail('accepted');
      } catch (error) {
        expect(error).to.be.instanceOf(CsvSyntaxError);
        expect((error as CsvSyntaxError).line).to.equal(line);
      }
    });
  }
});
