import { expect } from 'chai';
import {
  businessCallingCdrKey,
  businessCallingObjectName,
  cdrKeyPrefix,
  dayFolderPrefix,
  dayFolderPrefixVariants,
  formatTimeOfDay,
  parseBusinessCallingObjectName,
  parseCdrKey,
  parseVoiceConnectorObjectName,
  partitionPrefix,
  voiceConnectorCdrKey,
  voiceConnectorObjectName,
} from '../../../job/core/layout/cdr-keys';
import { schemaFor } from '../../../job/core/schema';

const VC = schemaFor('AmazonChimeVoiceConnector');
const BC = schemaFor('AmazonChimeBusinessCalling');
/** 2019-03-01T17:10:00.020Z, the time of the documented example keys. */
const DOC_START_MS = Date.UTC(2019, 2, 1, 17, 10, 0, 20);

describe('CDR keys', () => {
  it('prefixes', () => {
    expect(cdrKeyPrefix(VC)).to.equal('Amazon-Chime-Voice-Connector-CDRs/json/');
    expect(cdrKeyPrefix(BC)).to.equal('Amazon-Chime-Business-Calling-CDRs/json/');
    expect(partitionPrefix(VC, 'abc')).to.equal('Amazon-Chime-Voice-Connector-CDRs/json/abc/');
    expect(dayFolderPrefix(VC, 'abcdef1ghij2klmno3pqr4', { year: 2019, month: 3, day: 1 })).to.equal(
      'Amazon-Chime-Voice-Connector-CDRs/json/abcdef1ghij2klmno3pqr4/2019/03/01/',
    );
    expect(dayFolderPrefixVariants(BC, '111122223333', { year: 2019, month: 3, day: 1 })).to.deep.equal([
      'Amazon-Chime-Business-Calling-CDRs/json/111122223333/2019/03/01/',
      'Amazon-Chime-Business-Calling-CDRs/json/111122223333/2019/3/1/',
    ]);
    expect(dayFolderPrefixVariants(BC, 'a', { year: 2019, month: 12, day: 31 })).to.have.length(1);
    expect(() => dayFolderPrefix(VC, 'a/b', { year: 2019, month: 3, day: 1 })).to.throw(/partition/);
    expect(() => dayFolderPrefix(VC, '', { year: 2019, month: 3, day: 1 })).to.throw(/partition/);
  });

  it('builds the documented VC key', () => {
    const key = voiceConnectorCdrKey(
      VC,
      'abcdef1ghij2klmno3pqr4',
      { year: 2019, month: 3, day: 1 },
      DOC_START_MS,
      '123abc4d-efg5-6789-h012-j3456789k012',
    );
    expect(key).to.equal(
      'Amazon-Chime-Voice-Connector-CDRs/json/abcdef1ghij2klmno3pqr4/2019/03/01/17.10.00.020_123abc4d-efg5-6789-h012-j3456789k012',
    );
  });

  it('builds the documented BC key', () => {
    const key = businessCallingCdrKey(
      BC,
      '111122223333',
      { year: 2019, month: 3, day: 1 },
      '123a4567-b890-1234-5678-cd90efgh1234',
      DOC_START_MS,
      '1a234567-89bc-01d2-3456-e78f9g01234h',
    );
    expect(key).to.equal(
      'Amazon-Chime-Business-Calling-CDRs/json/111122223333/2019/03/01/123a4567-b890-1234-5678-cd90efgh1234_2019-03-01-17.10.00.020_1a234567-89bc-01d2-3456-e78f9g01234h',
    );
  });

  it('formats times of day with zero padding', () => {
    expect(formatTimeOfDay(Date.UTC(2020, 0, 1, 0, 0, 0, 0))).to.equal('00.00.00.000');
    expect(formatTimeOfDay(Date.UTC(2020, 0, 1, 9, 5, 7, 5))).to.equal('09.05.07.005');
    expect(formatTimeOfDay(Date.UTC(2020, 0, 1, 23, 59, 59, 999))).to.equal('23.59.59.999');
  });

  it('a late call filed in the next day folder keeps its own time in the name', () => {
    const start = Date.UTC(2019, 2, 31, 23, 58, 30, 1);
    const key = voiceConnectorCdrKey(VC, 'vc1', { year: 2019, month: 4, day: 1 }, start, 'tx');
    expect(key).to.equal('Amazon-Chime-Voice-Connector-CDRs/json/vc1/2019/04/01/23.58.30.001_tx');
    const info = parseCdrKey(VC, key);
    expect(info).to.deep.equal({ partitionId: 'vc1', date: { year: 2019, month: 4, day: 1 }, name: '23.58.30.001_tx' });
    const bc = businessCallingObjectName('conf', start, 'cdr');
    expect(bc).to.equal('conf_2019-03-31-23.58.30.001_cdr');
  });

  describe('parseCdrKey', () => {
    const cases: { key: string; expected: ReturnType<typeof parseCdrKey> }[] = [
      {
        key: 'Amazon-Chime-Voice-Connector-CDRs/json/abcdef1ghij2klmno3pqr4/2019/03/01/17.10.00.020_123abc4d',
        expected: {
          partitionId: 'abcdef1ghij2klmno3pqr4',
          date: { year: 2019, month: 3, day: 1 },
          name: '17.10.00.020_123abc4d',
        },
      },
      {
        key: 'Amazon-Chime-Voice-Connector-CDRs/json/vc/2019/3/1/x',
        expected: { partitionId: 'vc', date: { year: 2019, month: 3, day: 1 }, name: 'x' },
      },
      { key: 'Amazon-Chime-Voice-Connector-CDRs/json/vc/2019/02/30/x', expected: undefined },
      { key: 'Amazon-Chime-Voice-Connector-CDRs/json/vc/2019/13/01/x', expected: undefined },
      { key: 'Amazon-Chime-Voice-Connector-CDRs/json/vc/19/03/01/x', expected: undefined },
      { key: 'Amazon-Chime-Voice-Connector-CDRs/json/vc/2019/003/01/x', expected: undefined },
      { key: 'Amazon-Chime-Voice-Connector-CDRs/json/vc/2019/03/01/', expected: undefined },
      { key: 'Amazon-Chime-Voice-Connector-CDRs/json/vc/2019/03/01/a/b', expected: undefined },
      { key: 'Amazon-Chime-Voice-Connector-CDRs/json/vc/2019/03/x', expected: undefined },
      { key: 'Amazon-Chime-Voice-Connector-CDRs/json//2019/03/01/x', expected: undefined },
      { key: 'Amazon-Chime-Voice-Connector-Summary/csv/Daily/2019/03/01/x', expected: undefined },
      { key: 'Amazon-Chime-Business-Calling-CDRs/json/1111/2019/03/01/x', expected: undefined },
      { key: 'Amazon-Chime-Voice-Connector-SDRs/json/vc/2019/03/01/x', expected: undefined },
      { key: 'Amazon-Chime-Voice-Connector-CDRs/json/vc/2019/0x/01/x', expected: undefined },
    ];
    for (const c of cases) {
      it(c.key, () => {
        expect(parseCdrKey(VC, c.key)).to.deep.equal(c.expected);
      });
    }
  });

  it('VC object names round-trip', () => {
    for (const ms of [DOC_START_MS, Date.UTC(2024, 1, 29, 0, 0, 0, 0), Date.UTC(2024, 11, 31, 23, 59, 59, 999)]) {
      const name = voiceConnectorObjectName(ms, 'ac42568d-dd5b-4b3b-b1e6-bff0203ed124');
      const parsed = parseVoiceConnectorObjectName(name);
      const d = new Date(ms);
      expect(parsed).to.deep.equal({
        time: {
          hour: d.getUTCHours(),
          minute: d.getUTCMinutes(),
          second: d.getUTCSeconds(),
          millisecond: d.getUTCMilliseconds(),
        },
        transactionId: 'ac42568d-dd5b-4b3b-b1e6-bff0203ed124',
      });
    }
    expect(parseVoiceConnectorObjectName('17.10.00.020-abc')?.transactionId).to.equal('abc');
    expect(parseVoiceConnectorObjectName('25.10.00.020_abc')).to.equal(undefined);
    expect(parseVoiceConnectorObjectName('17.10.00_abc')).to.equal(undefined);
    expect(parseVoiceConnectorObjectName('17.10.00.020_')).to.equal(undefined);
  });

  it('BC object names round-trip', () => {
    const name = businessCallingObjectName(
      '123a4567-b890-1234-5678-cd90efgh1234',
      DOC_START_MS,
      '1a234567-89bc-01d2-3456-e78f9g01234h',
    );
    expect(parseBusinessCallingObjectName(name)).to.deep.equal({
      conferenceId: '123a4567-b890-1234-5678-cd90efgh1234',
      date: { year: 2019, month: 3, day: 1 },
      time: { hour: 17, minute: 10, second: 0, millisecond: 20 },
      cdrId: '1a234567-89bc-01d2-3456-e78f9g01234h',
    });
    expect(parseBusinessCallingObjectName('conf_2019-02-30-17.10.00.020_cdr')).to.equal(undefined);
    expect(parseBusinessCallingObjectName('conf-2019-03-01-17.10.00.020_cdr')).to.equal(undefined);
    expect(() => businessCallingObjectName('a/b', DOC_START_MS, 'c')).to.throw(/conference/);
  });
});
