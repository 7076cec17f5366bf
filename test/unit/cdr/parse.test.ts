import { expect } from 'chai';
import { MAX_CDR_BYTES, MAX_STRING_LENGTH, type ParseOptions, parseCdr } from '../../../job/cdr/parse';
import type { CdrRecord, ParseResult } from '../../../job/cdr/record';
import { REJECT_CODE_LIST, type RejectCode } from '../../../job/cdr/reject-codes';
import { parseDecimal } from '../../../job/core/decimal';
import { MINUTES_SCALE, schemaFor } from '../../../job/core/schema';
import {
  BC_DOC_EXAMPLE,
  jsonBytes,
  SDR_DOC_EXAMPLE,
  textBytes,
  VC_DOC_EXAMPLE,
  VC_SAMPLE_2_TEXT,
} from '../../fixtures/cdr-examples';

const VC = schemaFor('AmazonChimeVoiceConnector');
const BC = schemaFor('AmazonChimeBusinessCalling');
/** Minutes as parseCdr holds them: scaled by 10^MINUTES_SCALE. */
const minutes = (text: string): bigint => parseDecimal(text, MINUTES_SCALE);
/** 2023-11-14T22:13:20Z: a fixed "now" so the future-start check is deterministic. */
const NOW: ParseOptions = { nowEpochSeconds: 1_700_000_000 };

function accepted(result: ParseResult): CdrRecord {
  if (!result.ok) throw new Error(`rejected: ${result.rejection.code}: ${result.rejection.reason}`);
  return result.record;
}

function fieldValue(record: CdrRecord, schema: typeof VC, name: string): unknown {
  const i = schema.cdrFields.findIndex((f) => f.name === name);
  expect(i, name).to.be.at.least(0);
  return record.values[i];
}

describe('parseCdr', () => {
  describe('accepts the documented examples', () => {
    it('VC admin-guide example: every field in schema order', () => {
      const record = accepted(parseCdr(jsonBytes(VC_DOC_EXAMPLE), VC, NOW));
      expect(record.values).to.have.length(VC.cdrFields.length);
      const expected = VC.cdrFields.map((f) => {
        const v = (VC_DOC_EXAMPLE as Record<string, unknown>)[f.name];
        if (v === undefined) return null;
        if (f.kind === 'minutes') return minutes('0.1');
        return v;
      });
      expect(record.values).to.deep.equal(expected);
      expect(record.startEpochSeconds).to.equal(1565399625);
      expect(record.endEpochSeconds).to.equal(1565399629);
      expect(record.billableMinutes).to.equal(minutes('0.1'));
      expect(record.usageType).to.equal('USE1-US-US-outbound-minutes');
      expect(fieldValue(record, VC, 'IsProxyCall')).to.equal(null);
    });

    it('cdr_sample_2 (compact, IsProxyCall false, Streaming false)', () => {
      const record = accepted(parseCdr(textBytes(VC_SAMPLE_2_TEXT), VC, NOW));
      expect(record.billableMinutes).to.equal(minutes('0.5'));
      expect(record.usageType).to.equal('USW2-US-US-outbound-minutes');
      expect(fieldValue(record, VC, 'IsProxyCall')).to.equal(false);
      expect(fieldValue(record, VC, 'Streaming')).to.equal(false);
      expect(fieldValue(record, VC, 'SipAuthUser')).to.equal(null);
      expect(fieldValue(record, VC, 'BillableDurationSeconds')).to.equal(30);
    });

    it('BC admin-guide example: numbers as strings, no UsageType', () => {
      const record = accepted(parseCdr(jsonBytes(BC_DOC_EXAMPLE), BC, NOW));
      expect(record.values).to.have.length(BC.cdrFields.length);
      expect(record.startEpochSeconds).to.equal(1556009611);
      expect(record.endEpochSeconds).to.equal(1556009623);
      expect(record.billableMinutes).to.equal(minutes('0.4'));
      expect(record.usageType).to.equal(undefined);
      expect(fieldValue(record, BC, 'BillableDurationSeconds')).to.equal(24);
      expect(fieldValue(record, BC, 'ConferenceStartTimeEpochSeconds')).to.equal(1556009595);
      expect(fieldValue(record, BC, 'UsageType')).to.equal(null);
      expect(fieldValue(record, BC, 'OrganizerEmail')).to.equal('jdoe@example.com');
    });

    it('accepts a Buffer as input', () => {
      accepted(parseCdr(Buffer.from(VC_SAMPLE_2_TEXT), VC, NOW));
    });
  });

  describe('lenient but exact conversions', () => {
    const cases: { name: string; patch: Record<string, unknown>; field: string; expected: unknown }[] = [
      {
        name: 'minutes ".4"',
        patch: { BillableDurationMinutes: '.4' },
        field: 'BillableDurationMinutes',
        expected: minutes('0.4'),
      },
      {
        name: 'minutes "1.5e1"',
        patch: { BillableDurationMinutes: '1.5e1' },
        field: 'BillableDurationMinutes',
        expected: minutes('15'),
      },
      {
        name: 'minutes "1.5E-1"',
        patch: { BillableDurationMinutes: '1.5E-1' },
        field: 'BillableDurationMinutes',
        expected: minutes('0.15'),
      },
      {
        name: 'minutes 0.3 (no float noise)',
        patch: { BillableDurationMinutes: 0.3 },
        field: 'BillableDurationMinutes',
        expected: minutes('0.3'),
      },
      {
        name: 'minutes 12345.123456',
        patch: { BillableDurationMinutes: 12345.123456 },
        field: 'BillableDurationMinutes',
        expected: minutes('12345.123456'),
      },
      {
        name: 'minutes 0.1000000 as text',
        patch: { BillableDurationMinutes: '0.1000000' },
        field: 'BillableDurationMinutes',
        expected: minutes('0.1'),
      },
      {
        name: 'minutes "12."',
        patch: { BillableDurationMinutes: '12.' },
        field: 'BillableDurationMinutes',
        expected: minutes('12'),
      },
      {
        name: 'minutes "007.5"',
        patch: { BillableDurationMinutes: '007.5' },
        field: 'BillableDurationMinutes',
        expected: minutes('7.5'),
      },
      {
        name: 'minutes " 0.4 " (trimmed)',
        patch: { BillableDurationMinutes: ' 0.4 ' },
        field: 'BillableDurationMinutes',
        expected: minutes('0.4'),
      },
      {
        name: 'minutes "40000.999999"',
        patch: { BillableDurationMinutes: '40000.999999' },
        field: 'BillableDurationMinutes',
        expected: minutes('40000.999999'),
      },
      { name: 'minutes 0', patch: { BillableDurationMinutes: 0 }, field: 'BillableDurationMinutes', expected: 0n },
      {
        name: 'minutes 1e-6',
        patch: { BillableDurationMinutes: 1e-6 },
        field: 'BillableDurationMinutes',
        expected: minutes('0.000001'),
      },
      {
        name: 'seconds "24"',
        patch: { BillableDurationSeconds: '24' },
        field: 'BillableDurationSeconds',
        expected: 24,
      },
      {
        name: 'seconds "1.5e1"',
        patch: { BillableDurationSeconds: '1.5e1' },
        field: 'BillableDurationSeconds',
        expected: 15,
      },
      {
        name: 'seconds "24.0"',
        patch: { BillableDurationSeconds: '24.0' },
        field: 'BillableDurationSeconds',
        expected: 24,
      },
      {
        name: 'seconds 1.2e1 number',
        patch: { BillableDurationSeconds: 12.0 },
        field: 'BillableDurationSeconds',
        expected: 12,
      },
      {
        name: 'seconds "" → null',
        patch: { BillableDurationSeconds: '' },
        field: 'BillableDurationSeconds',
        expected: null,
      },
      {
        name: 'start as string',
        patch: { StartTimeEpochSeconds: '1565399625' },
        field: 'StartTimeEpochSeconds',
        expected: 1565399625,
      },
      { name: 'Streaming "true"', patch: { Streaming: 'true' }, field: 'Streaming', expected: true },
      { name: 'Streaming "false"', patch: { Streaming: 'false' }, field: 'Streaming', expected: false },
      { name: 'Streaming null', patch: { Streaming: null }, field: 'Streaming', expected: null },
      { name: 'IsProxyCall true', patch: { IsProxyCall: true }, field: 'IsProxyCall', expected: true },
      { name: 'optional null', patch: { CallId: null }, field: 'CallId', expected: null },
      { name: 'optional empty string kept', patch: { SipAuthUser: '' }, field: 'SipAuthUser', expected: '' },
      {
        name: 'account id as number',
        patch: { AwsAccountId: 111122223333 },
        field: 'AwsAccountId',
        expected: '111122223333',
      },
      {
        name: 'name with commas, quotes, umlauts, emoji',
        patch: { SourcePhoneNumberName: 'Müller, "Jörg" 😀' },
        field: 'SourcePhoneNumberName',
        expected: 'Müller, "Jörg" 😀',
      },
      {
        name: 'escaped surrogate pair is fine',
        patch: { SourcePhoneNumberName: '\ud83d\ude00' },
        field: 'SourcePhoneNumberName',
        expected: '😀',
      },
      {
        name: 'brackets and escaped quotes inside strings are not nesting',
        patch: { SourcePhoneNumberName: `${'[{'.repeat(40)}\\"${'['.repeat(40)}` },
        field: 'SourcePhoneNumberName',
        expected: `${'[{'.repeat(40)}\\"${'['.repeat(40)}`,
      },
      {
        name: 'shallow unknown nesting accepted',
        patch: { Extra: [[{ a: [1] }]] },
        field: 'Status',
        expected: 'Completed',
      },
      {
        name: 'unknown fields ignored',
        patch: { Foo: { bar: [1, 2] }, Extra: 'x' },
        field: 'Status',
        expected: 'Completed',
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        // Keep minutes and seconds consistent: the case varies one of them.
        const consistent: Record<string, unknown> =
          'BillableDurationMinutes' in c.patch
            ? { BillableDurationSeconds: null }
            : { BillableDurationMinutes: Number(c.patch.BillableDurationSeconds || 6) / 60 };
        const record = accepted(parseCdr(jsonBytes({ ...VC_DOC_EXAMPLE, ...consistent, ...c.patch }), VC, NOW));
        expect(fieldValue(record, VC, c.field)).to.deep.equal(c.expected);
      });
    }

    it('strips a leading UTF-8 BOM', () => {
      const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(VC_SAMPLE_2_TEXT)]);
      accepted(parseCdr(bytes, VC, NOW));
    });

    it('tolerates surrounding whitespace and pretty printing', () => {
      accepted(parseCdr(textBytes(`\n  ${JSON.stringify(VC_DOC_EXAMPLE, null, 4)}\n\n`), VC, NOW));
    });

    it('rates any precision a JSON writer emits exactly: 3,599 s is 59.983333333333334 minutes', () => {
      const record = accepted(
        parseCdr(
          jsonBytes({ ...VC_DOC_EXAMPLE, BillableDurationSeconds: 3599, BillableDurationMinutes: 3599 / 60 }),
          VC,
          NOW,
        ),
      );
      expect(record.billableMinutes).to.equal(minutes('59.983333333333334'));
      const oneSecond = accepted(
        parseCdr(
          jsonBytes({ ...VC_DOC_EXAMPLE, BillableDurationSeconds: 1, BillableDurationMinutes: 1 / 60 }),
          VC,
          NOW,
        ),
      );
      expect(oneSecond.billableMinutes).to.equal(minutes('0.016666666666666666'));
    });

    it('reads a minutes literal as written, even with more digits than a double holds', () => {
      const text = VC_SAMPLE_2_TEXT.replace('"BillableDurationSeconds":30', '"BillableDurationSeconds":6').replace(
        '"BillableDurationMinutes":0.5',
        '"BillableDurationMinutes":0.123456789012345678',
      );
      const record = accepted(parseCdr(textBytes(text), VC, NOW));
      expect(record.billableMinutes).to.equal(123_456_789_012_345_678n);
      const spaced = VC_SAMPLE_2_TEXT.replace(
        '"BillableDurationMinutes":0.5',
        '"BillableDurationMinutes" :\n 4.99999999999999999e-1',
      );
      expect(accepted(parseCdr(textBytes(spaced), VC, NOW)).billableMinutes).to.equal(499_999_999_999_999_999n);
    });

    it('reads the literal in pretty-printed JSON too, and after escapes', () => {
      const pretty = JSON.stringify(
        { ...VC_DOC_EXAMPLE, BillableDurationMinutes: 0.5, BillableDurationSeconds: 30 },
        null,
        2,
      ).replace('"BillableDurationMinutes": 0.5', '"BillableDurationMinutes": 0.500000000000000001');
      expect(accepted(parseCdr(textBytes(pretty), VC, NOW)).billableMinutes).to.equal(500_000_000_000_000_001n);
      const escaped = VC_SAMPLE_2_TEXT.replace(
        '"BillableDurationMinutes":0.5',
        '"Billable\\u0044urationMinutes":0.500000000000000001',
      );
      expect(accepted(parseCdr(textBytes(escaped), VC, NOW)).billableMinutes).to.equal(500_000_000_000_000_001n);
    });

    it('accepts minutes × 60 within one 6-second increment of the seconds', () => {
      for (const [seconds, minutesValue] of [
        [0, 0.1],
        [12, 0.1],
        [30, 0.5],
        [3599, 60],
      ] as const) {
        const body = { ...VC_DOC_EXAMPLE, BillableDurationSeconds: seconds, BillableDurationMinutes: minutesValue };
        accepted(parseCdr(jsonBytes(body), VC, NOW));
      }
    });

    it('duplicate keys inside a nested (ignored) object are not duplicate fields', () => {
      const text = VC_SAMPLE_2_TEXT.replace('{', '{"Extra":{"a":1,"a":2},');
      expect(accepted(parseCdr(textBytes(text), VC, NOW)).usageType).to.equal('USW2-US-US-outbound-minutes');
    });

    it('__proto__ / constructor / prototype keys are harmless and pollute nothing', () => {
      const text = VC_SAMPLE_2_TEXT.replace(
        '{',
        '{"__proto__":{"polluted":1,"UsageType":"EVIL"},"constructor":{"prototype":{"polluted":2}},"prototype":{"polluted":3},',
      );
      const record = accepted(parseCdr(textBytes(text), VC, NOW));
      expect(record.usageType).to.equal('USW2-US-US-outbound-minutes');
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      expect((Object.prototype as Record<string, unknown>).polluted).to.equal(undefined);
      expect(Object.getPrototypeOf(record)).to.equal(Object.prototype);
      expect(Object.keys(record).sort()).to.deep.equal(
        ['billableMinutes', 'endEpochSeconds', 'startEpochSeconds', 'usageType', 'values'].sort(),
      );
    });

    it('reads only own properties: a polluted Object.prototype does not supply missing fields', () => {
      const proto = Object.prototype as Record<string, unknown>;
      proto.BillableDurationMinutes = 1;
      proto.CallId = 'inherited';
      try {
        const { BillableDurationMinutes: _, ...rest } = VC_DOC_EXAMPLE;
        const result = parseCdr(jsonBytes({ ...rest, CallId: undefined }), VC, NOW);
        expect(result.ok).to.equal(false);
        if (!result.ok) expect(result.rejection.code).to.equal('missing-field');
      } finally {
        delete proto.BillableDurationMinutes;
        delete proto.CallId;
      }
    });

    it('accepts a start up to a day after now, and uses the wall clock by default', () => {
      accepted(
        parseCdr(
          jsonBytes({ ...VC_DOC_EXAMPLE, StartTimeEpochSeconds: 1_700_086_000, EndTimeEpochSeconds: null }),
          VC,
          NOW,
        ),
      );
      const nowSeconds = Math.floor(Date.now() / 1000);
      accepted(
        parseCdr(
          jsonBytes({ ...VC_DOC_EXAMPLE, StartTimeEpochSeconds: nowSeconds, EndTimeEpochSeconds: nowSeconds + 60 }),
          VC,
        ),
      );
    });
  });

  describe('rejects hostile or broken objects with a precise code', () => {
    const bad = (patch: Record<string, unknown>): Uint8Array => jsonBytes({ ...VC_DOC_EXAMPLE, ...patch });
    const without = (field: string): Uint8Array => {
      const copy: Record<string, unknown> = { ...VC_DOC_EXAMPLE };
      delete copy[field];
      return jsonBytes(copy);
    };
    const cases: { name: string; bytes: Uint8Array; code: RejectCode; field?: string; options?: ParseOptions }[] = [
      { name: 'empty body', bytes: new Uint8Array(0), code: 'empty' },
      { name: 'whitespace only', bytes: textBytes(' \n\t '), code: 'empty' },
      { name: 'BOM only', bytes: new Uint8Array([0xef, 0xbb, 0xbf]), code: 'empty' },
      { name: 'truncated JSON', bytes: textBytes(VC_SAMPLE_2_TEXT.slice(0, 300)), code: 'not-json' },
      { name: 'trailing garbage', bytes: textBytes(`${VC_SAMPLE_2_TEXT}x`), code: 'not-json' },
      { name: 'two objects', bytes: textBytes(`${VC_SAMPLE_2_TEXT}\n${VC_SAMPLE_2_TEXT}`), code: 'not-json' },
      {
        name: 'binary (gzip header)',
        bytes: new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe, 0x00]),
        code: 'not-utf8',
      },
      {
        name: 'latin-1 umlaut',
        bytes: Buffer.from('{"SourcePhoneNumberName":"M\xfcller"}', 'latin1'),
        code: 'not-utf8',
      },
      { name: 'UTF-16LE with BOM', bytes: Buffer.from(`\ufeff${VC_SAMPLE_2_TEXT}`, 'utf16le'), code: 'not-utf8' },
      { name: 'overlong UTF-8', bytes: new Uint8Array([0x7b, 0xc0, 0xaf, 0x7d]), code: 'not-utf8' },
      { name: 'top-level array', bytes: textBytes(`[${VC_SAMPLE_2_TEXT}]`), code: 'not-object' },
      { name: 'top-level number', bytes: textBytes('42'), code: 'not-object' },
      { name: 'top-level string', bytes: textBytes('"hello"'), code: 'not-object' },
      { name: 'top-level null', bytes: textBytes('null'), code: 'not-object' },
      { name: 'top-level true', bytes: textBytes('true'), code: 'not-object' },
      { name: 'empty object', bytes: textBytes('{}'), code: 'missing-field', field: 'AwsAccountId' },
      { name: 'missing TransactionId', bytes: without('TransactionId'), code: 'missing-field', field: 'TransactionId' },
      {
        name: 'null VoiceConnectorId',
        bytes: bad({ VoiceConnectorId: null }),
        code: 'missing-field',
        field: 'VoiceConnectorId',
      },
      { name: 'empty AwsAccountId', bytes: bad({ AwsAccountId: '' }), code: 'missing-field', field: 'AwsAccountId' },
      {
        name: 'missing minutes',
        bytes: without('BillableDurationMinutes'),
        code: 'missing-field',
        field: 'BillableDurationMinutes',
      },
      {
        name: 'empty minutes string',
        bytes: bad({ BillableDurationMinutes: '' }),
        code: 'missing-field',
        field: 'BillableDurationMinutes',
      },
      {
        name: 'missing start',
        bytes: without('StartTimeEpochSeconds'),
        code: 'missing-field',
        field: 'StartTimeEpochSeconds',
      },
      { name: 'object for a string', bytes: bad({ CallId: { a: 1 } }), code: 'wrong-type', field: 'CallId' },
      { name: 'array for a string', bytes: bad({ Status: ['Completed'] }), code: 'wrong-type', field: 'Status' },
      { name: 'boolean for a string', bytes: bad({ Region: true }), code: 'wrong-type', field: 'Region' },
      {
        name: 'object for minutes',
        bytes: bad({ BillableDurationMinutes: { v: 1 } }),
        code: 'wrong-type',
        field: 'BillableDurationMinutes',
      },
      {
        name: 'boolean for minutes',
        bytes: bad({ BillableDurationMinutes: true }),
        code: 'wrong-type',
        field: 'BillableDurationMinutes',
      },
      {
        name: 'array for an integer',
        bytes: bad({ StartTimeEpochSeconds: [1] }),
        code: 'wrong-type',
        field: 'StartTimeEpochSeconds',
      },
      { name: '"yes" for a boolean', bytes: bad({ Streaming: 'yes' }), code: 'wrong-type', field: 'Streaming' },
      { name: '1 for a boolean', bytes: bad({ Streaming: 1 }), code: 'wrong-type', field: 'Streaming' },
      {
        name: 'non-numeric minutes',
        bytes: bad({ BillableDurationMinutes: 'abc' }),
        code: 'invalid-number',
        field: 'BillableDurationMinutes',
      },
      {
        name: 'minutes "1.2.3"',
        bytes: bad({ BillableDurationMinutes: '1.2.3' }),
        code: 'invalid-number',
        field: 'BillableDurationMinutes',
      },
      {
        name: 'minutes "NaN"',
        bytes: bad({ BillableDurationMinutes: 'NaN' }),
        code: 'invalid-number',
        field: 'BillableDurationMinutes',
      },
      {
        name: 'minutes "Infinity"',
        bytes: bad({ BillableDurationMinutes: 'Infinity' }),
        code: 'invalid-number',
        field: 'BillableDurationMinutes',
      },
      {
        name: 'minutes "0x10"',
        bytes: bad({ BillableDurationMinutes: '0x10' }),
        code: 'invalid-number',
        field: 'BillableDurationMinutes',
      },
      {
        name: 'minutes "."',
        bytes: bad({ BillableDurationMinutes: '.' }),
        code: 'invalid-number',
        field: 'BillableDurationMinutes',
      },
      {
        name: 'minutes "+-1"',
        bytes: bad({ BillableDurationMinutes: '+-1' }),
        code: 'invalid-number',
        field: 'BillableDurationMinutes',
      },
      {
        name: 'minutes text with 20 decimals that rounds to 0.1 as a float',
        bytes: bad({ BillableDurationMinutes: '0.10000000000000000001' }),
        code: 'too-many-decimals',
        field: 'BillableDurationMinutes',
      },
      {
        name: 'non-numeric seconds',
        bytes: bad({ BillableDurationSeconds: 'six' }),
        code: 'invalid-number',
        field: 'BillableDurationSeconds',
      },
      {
        name: 'fractional seconds',
        bytes: bad({ BillableDurationSeconds: 6.5 }),
        code: 'invalid-number',
        field: 'BillableDurationSeconds',
      },
      {
        name: 'fractional seconds text',
        bytes: bad({ BillableDurationSeconds: '6.5' }),
        code: 'invalid-number',
        field: 'BillableDurationSeconds',
      },
      {
        name: 'unsafe integer start',
        bytes: bad({ StartTimeEpochSeconds: 2 ** 60 }),
        code: 'invalid-number',
        field: 'StartTimeEpochSeconds',
      },
      {
        name: 'unsafe integer start text',
        bytes: bad({ StartTimeEpochSeconds: '123456789012345678901' }),
        code: 'invalid-number',
        field: 'StartTimeEpochSeconds',
      },
      {
        name: 'fractional start 1e-3',
        bytes: bad({ StartTimeEpochSeconds: '1565399625.5' }),
        code: 'invalid-number',
        field: 'StartTimeEpochSeconds',
      },
      {
        name: 'minutes literal with 19 decimals (beyond MINUTES_SCALE)',
        bytes: textBytes(
          VC_SAMPLE_2_TEXT.replace('"BillableDurationMinutes":0.5', '"BillableDurationMinutes":0.5000000000000000001'),
        ),
        code: 'too-many-decimals',
        field: 'BillableDurationMinutes',
      },
      {
        name: 'minutes text with 19 decimals',
        bytes: bad({ BillableDurationMinutes: '0.1000000000000000001', BillableDurationSeconds: null }),
        code: 'too-many-decimals',
        field: 'BillableDurationMinutes',
      },
      {
        name: 'minutes 1e-19 number',
        bytes: bad({ BillableDurationMinutes: 1e-19, BillableDurationSeconds: null }),
        code: 'too-many-decimals',
        field: 'BillableDurationMinutes',
      },
      {
        name: 'minutes contradict seconds by more than 6 s (60 s vs 44,640 min)',
        bytes: bad({ BillableDurationSeconds: 60, BillableDurationMinutes: 44_640 }),
        code: 'duration-mismatch',
        field: 'BillableDurationMinutes',
      },
      {
        name: 'minutes contradict seconds by 6.000001 s',
        bytes: bad({ BillableDurationSeconds: 0, BillableDurationMinutes: '0.10000001666666667' }),
        code: 'duration-mismatch',
        field: 'BillableDurationSeconds',
      },
      {
        name: 'a duplicate key (JSON.parse would keep the last)',
        bytes: textBytes(VC_SAMPLE_2_TEXT.replace('{', '{"BillableDurationMinutes":9,')),
        code: 'duplicate-key',
      },
      {
        name: 'a duplicate key spelled with an escape',
        bytes: textBytes(VC_SAMPLE_2_TEXT.replace('{', '{"\\u0055sageType":"FREE",')),
        code: 'duplicate-key',
      },
      {
        name: 'a duplicate key written as `"k" : v`',
        bytes: textBytes(VC_SAMPLE_2_TEXT.replace('"Streaming":false', '"Streaming" : false, "Streaming":true')),
        code: 'duplicate-key',
      },
      {
        name: 'negative seconds',
        bytes: bad({ BillableDurationSeconds: -6 }),
        code: 'negative-value',
        field: 'BillableDurationSeconds',
      },
      {
        name: 'negative minutes',
        bytes: bad({ BillableDurationMinutes: -0.1 }),
        code: 'negative-value',
        field: 'BillableDurationMinutes',
      },
      {
        name: 'negative minutes text',
        bytes: bad({ BillableDurationMinutes: '-.4' }),
        code: 'negative-value',
        field: 'BillableDurationMinutes',
      },
      {
        name: 'negative start',
        bytes: bad({ StartTimeEpochSeconds: -1 }),
        code: 'negative-value',
        field: 'StartTimeEpochSeconds',
      },
      {
        name: 'absurd seconds (1 year)',
        bytes: bad({ BillableDurationSeconds: 365 * 86_400 }),
        code: 'duration-out-of-range',
        field: 'BillableDurationSeconds',
      },
      {
        name: 'absurd minutes',
        bytes: bad({ BillableDurationMinutes: 1e8 }),
        code: 'duration-out-of-range',
        field: 'BillableDurationMinutes',
      },
      {
        name: 'absurd end - start',
        bytes: bad({ EndTimeEpochSeconds: 1565399625 + 40 * 86_400 }),
        code: 'duration-out-of-range',
        field: 'EndTimeEpochSeconds',
      },
      {
        name: 'end before start',
        bytes: bad({ EndTimeEpochSeconds: 1565399624 }),
        code: 'end-before-start',
        field: 'EndTimeEpochSeconds',
      },
      {
        name: 'start in 2014',
        bytes: bad({ StartTimeEpochSeconds: 1_400_000_000 }),
        code: 'start-out-of-range',
        field: 'StartTimeEpochSeconds',
      },
      {
        name: 'start 0 (epoch)',
        bytes: bad({ StartTimeEpochSeconds: 0, EndTimeEpochSeconds: 4 }),
        code: 'start-out-of-range',
        field: 'StartTimeEpochSeconds',
      },
      {
        name: 'start in milliseconds (far future)',
        bytes: bad({ StartTimeEpochSeconds: 1565399625000, EndTimeEpochSeconds: null }),
        code: 'start-out-of-range',
        field: 'StartTimeEpochSeconds',
      },
      {
        name: 'start two days after now',
        bytes: bad({ StartTimeEpochSeconds: 1_700_000_000 + 2 * 86_400, EndTimeEpochSeconds: null }),
        code: 'start-out-of-range',
        field: 'StartTimeEpochSeconds',
      },
      {
        name: 'huge string',
        bytes: bad({ SourcePhoneNumberName: 'x'.repeat(MAX_STRING_LENGTH + 1) }),
        code: 'string-too-long',
        field: 'SourcePhoneNumberName',
      },
      {
        name: 'lone surrogate escape',
        bytes: textBytes(VC_SAMPLE_2_TEXT.replace('"US"', '"\\ud800"')),
        code: 'invalid-string',
        field: 'SourceCountry',
      },
      { name: 'object over the size cap', bytes: bad({ Padding: 'x'.repeat(MAX_CDR_BYTES) }), code: 'too-large' },
      { name: 'SDR in the VC folder', bytes: jsonBytes(SDR_DOC_EXAMPLE), code: 'wrong-service', field: 'ServiceCode' },
      {
        name: 'BC record in the VC folder',
        bytes: bad({ ServiceCode: 'AmazonChimeBusinessCalling' }),
        code: 'wrong-service',
        field: 'ServiceCode',
      },
      {
        name: 'ServiceCode as an object',
        bytes: bad({ ServiceCode: { x: 1 } }),
        code: 'wrong-service',
        field: 'ServiceCode',
      },
      { name: '60k unclosed [', bytes: textBytes('['.repeat(60_000)), code: 'too-deep' },
      {
        name: '30k balanced [] at top level',
        bytes: textBytes(`${'['.repeat(30_000)}${']'.repeat(30_000)}`),
        code: 'too-deep',
      },
      {
        name: 'deep nesting inside an unknown field',
        bytes: textBytes(VC_SAMPLE_2_TEXT.replace('{', `{"X":${'{"a":'.repeat(1000)}1${'}'.repeat(1000)},`)),
        code: 'too-deep',
      },
      {
        name: '500k [ with a raised size cap (no stack overflow)',
        bytes: textBytes('['.repeat(500_000)),
        code: 'too-deep',
        options: { ...NOW, maxBytes: 1 << 20 },
      },
      {
        name: '500k balanced {"a": with a raised depth cap goes through JSON.parse cleanly',
        bytes: textBytes(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`),
        code: 'missing-field',
        options: { ...NOW, maxBytes: 1 << 20, maxDepth: 1_000_000 },
      },
    ];
    for (const c of cases) {
      it(`${c.name} → ${c.code}`, () => {
        const result = parseCdr(c.bytes, VC, c.options ?? NOW);
        if (result.ok) throw new Error(`accepted: ${JSON.stringify(result.record.values.map(String))}`);
        expect(result.rejection.code).to.equal(c.code);
        expect(REJECT_CODE_LIST).to.include(result.rejection.code);
        expect(result.rejection.reason).to.be.a('string').and.not.match(/\n/);
        expect(result.rejection.reason.length).to.be.below(300);
        if (c.field) expect(result.rejection.reason).to.include(c.field);
      });
    }

    it('BC: an object in the BC folder from VC is a wrong-service reject', () => {
      const result = parseCdr(textBytes(VC_SAMPLE_2_TEXT), BC, NOW);
      expect(result.ok ? 'ok' : result.rejection.code).to.equal('wrong-service');
    });

    it('BC: missing CdrId', () => {
      const { CdrId: _, ...rest } = BC_DOC_EXAMPLE;
      const result = parseCdr(jsonBytes(rest), BC, NOW);
      expect(result.ok ? 'ok' : result.rejection.code).to.equal('missing-field');
    });

    it('BC: minutes ".45e" is not a number', () => {
      const result = parseCdr(jsonBytes({ ...BC_DOC_EXAMPLE, BillableDurationMinutes: '.45e' }), BC, NOW);
      expect(result.ok ? 'ok' : result.rejection.code).to.equal('invalid-number');
    });

    it('every reject code is exercised by the table above', () => {
      const used = new Set(cases.map((c) => c.code));
      expect(REJECT_CODE_LIST.filter((code) => !used.has(code))).to.deep.equal([]);
    });
  });
});
