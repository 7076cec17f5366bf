import path from 'node:path';
import { expect } from 'chai';
import { SCHEDULE_EXPRESSIONS } from '../../infra/constructs/scheduler';
import { lateArrivalOf, periodsContaining } from '../../job/cdr/late-arrivals';
import type { CdrRecord } from '../../job/cdr/record';
import { skipReason } from '../../job/cdr/skip-rules';
import { addDays, dayIsOver, parseDate } from '../../job/core/period';
import { scheduledEndContaining, WEEKLY_END_WEEKDAY } from '../../job/core/scheduled-periods';
import { schemaFor } from '../../job/core/schema';
import { resolveSourceRoot, SourceRootError } from '../../job/pipeline/source-root';
import { configFromEnv } from '../../job/scheduler/config';
import { namedPeriods, needsRerun } from '../../job/scheduler/late-reruns';
import { jobCommand } from '../../job/scheduler/submit';
import { isOwnParquetFile, isOwnReportFile } from '../../job/sinks/own-files';
import { mistypedLocationHint, parseLocation } from '../../job/store/location';

const vc = schemaFor('AmazonChimeVoiceConnector');
const bc = schemaFor('AmazonChimeBusinessCalling');

describe('not-a-CDR objects (skip rules)', () => {
  it('skips folder markers, dot-files and temp files, and nothing else', () => {
    expect(skipReason('Amazon-Chime-Voice-Connector-CDRs/json/vc/2025/03/01/')).to.equal('folder-marker');
    expect(skipReason('a/b/.DS_Store')).to.equal('dot-file');
    expect(skipReason('a/b/._10.00.00.000_x')).to.equal('dot-file');
    expect(skipReason('a/b/10.00.00.000_x.tmp-123-lk2-1')).to.equal('temp-file');
    expect(skipReason('a/b/10.00.00.000_0a1b-2c3d')).to.equal(undefined);
    expect(skipReason('a/b/conf_2025-03-01-10.00.00.000_cdr.id')).to.equal(undefined);
  });
});

describe('own files (what a re-run may delete)', () => {
  it('knows its report, partial report and manifest names, and its Parquet part files', () => {
    const folder = 'Amazon-Chime-Voice-Connector-Summary/csv/Weekly/2025/03/02/';
    expect(isOwnReportFile(vc, `${folder}Amazon-Chime-Voice-Connector-Weekly-2025-02-24_2025-03-02.csv`)).to.equal(
      true,
    );
    expect(
      isOwnReportFile(vc, `${folder}Amazon-Chime-Voice-Connector-Monthly-2025-03-01_2025-03-02-partial.csv`),
    ).to.equal(true);
    expect(isOwnReportFile(vc, `${folder}manifest.json`)).to.equal(true);
    for (const foreign of [
      'notes.csv',
      'report-20250301T010203',
      'Amazon-Chime-Business-Calling-Weekly-2025-02-24_2025-03-02.csv',
    ])
      expect(isOwnReportFile(vc, `${folder}${foreign}`), foreign).to.equal(false);
    expect(isOwnReportFile(bc, `${folder}Amazon-Chime-Business-Calling-Daily-2025-03-02_2025-03-02.csv`)).to.equal(
      true,
    );
    expect(isOwnParquetFile('x/parquet/year=2025/month=03/day=01/part-00000.parquet')).to.equal(true);
    expect(isOwnParquetFile('x/parquet/year=2025/month=03/day=01/part-s0003-00012.parquet')).to.equal(true);
    for (const foreign of ['export.parquet', 'part-00000.parquet.bak', 'notes.txt', 'part-.parquet'])
      expect(isOwnParquetFile(`x/day=01/${foreign}`), foreign).to.equal(false);
  });
});

describe('mistyped S3 URIs', () => {
  it('refuses S3://, s3:/, s3//, s3: and surrounding whitespace with a hint, never as a local path', () => {
    for (const text of [
      'S3://bucket',
      's3:/bucket',
      's3//bucket',
      's3:bucket',
      'S3:bucket/x',
      's3:\\\\bucket',
      ' s3://bucket',
      's3://bucket\n',
    ]) {
      const hint = mistypedLocationHint(text);
      expect(hint, JSON.stringify(text)).to.be.a('string');
      expect(() => parseLocation(text), JSON.stringify(text)).to.throw(/mistyped S3 URI|whitespace/);
    }
    expect(mistypedLocationHint('s3:/bucket/prefix')).to.contain('s3://bucket/prefix');
    for (const text of ['s3://bucket', 's3://bucket/prefix/', './s3-copy', '/data/s3', 'my folder/s3'])
      expect(mistypedLocationHint(text), text).to.equal(undefined);
  });
});

describe('--source inside the CDR layout', () => {
  it('re-roots the CDR prefix and json/, on disk and on S3', () => {
    expect(resolveSourceRoot('s3://bkt/Amazon-Chime-Voice-Connector-CDRs', vc)).to.deep.equal({
      location: 's3://bkt',
      reRootedFrom: 's3://bkt/Amazon-Chime-Voice-Connector-CDRs',
    });
    expect(resolveSourceRoot('s3://bkt/copy/Amazon-Chime-Voice-Connector-CDRs/json/', vc).location).to.equal(
      's3://bkt/copy',
    );
    expect(resolveSourceRoot('/data/bucket/Amazon-Chime-Voice-Connector-CDRs/json', vc).location).to.equal(
      path.resolve('/data/bucket'),
    );
    expect(resolveSourceRoot('s3://bkt', vc)).to.deep.equal({ location: 's3://bkt' });
    expect(resolveSourceRoot('/data/bucket', vc)).to.deep.equal({ location: '/data/bucket' });
  });

  it('refuses a connector folder, a day folder and the other service, naming what to give', () => {
    expect(() => resolveSourceRoot('s3://bkt/Amazon-Chime-Voice-Connector-CDRs/json/vc1/', vc))
      .to.throw(SourceRootError)
      .with.property('message')
      .that.contains('--source s3://bkt ');
    expect(() => resolveSourceRoot('/d/Amazon-Chime-Voice-Connector-CDRs/json/vc1/2025/03/01', vc)).to.throw(
      SourceRootError,
    );
    expect(() => resolveSourceRoot('s3://bkt/Amazon-Chime-Business-Calling-CDRs/json/', vc)).to.throw(
      /--service AmazonChimeBusinessCalling --source s3:\/\/bkt/,
    );
  });
});

describe('finished days and scheduled periods', () => {
  it('a day is over from 00:00:00Z of the next day, as the scheduler says', () => {
    const day = parseDate('2025-03-01');
    expect(dayIsOver(day, new Date('2025-03-01T23:59:59.999Z'))).to.equal(false);
    expect(dayIsOver(day, new Date('2025-03-02T00:00:00.000Z'))).to.equal(true);
  });

  it('Weekly periods end on the weekday before the Weekly schedule runs (01:00 UTC)', () => {
    const cronDay = /cron\(\S+ \S+ \S+ \S+ (\w+) \S+\)/.exec(SCHEDULE_EXPRESSIONS.Weekly)?.[1];
    const weekdays = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
    expect(weekdays.indexOf(cronDay ?? '')).to.equal((WEEKLY_END_WEEKDAY + 1) % 7);
    expect(SCHEDULE_EXPRESSIONS.Monthly).to.match(/^cron\(0 1 1 \* \? \*\)$/);
  });

  it('names the Daily, Weekly (to Sunday) and Monthly (to month end) periods of a day', () => {
    expect(periodsContaining(parseDate('2024-02-26'))).to.deep.equal([
      { frequency: 'Daily', end: '2024-02-26' },
      { frequency: 'Weekly', end: '2024-03-03' },
      { frequency: 'Monthly', end: '2024-02-29' },
    ]);
    expect(scheduledEndContaining('Weekly', parseDate('2025-03-02'))).to.deep.equal(parseDate('2025-03-02'));
    for (let i = 0; i < 7; i++) {
      const end = scheduledEndContaining('Weekly', addDays(parseDate('2025-03-03'), i));
      expect(end).to.deep.equal(parseDate('2025-03-09'));
    }
  });
});

describe('late arrivals', () => {
  const record = (startIso: string, id: string): CdrRecord => {
    const values = vc.cdrFields.map((c) => (c.name === 'TransactionId' ? id : null));
    return {
      values,
      startEpochSeconds: Date.parse(startIso) / 1000,
      endEpochSeconds: null,
      billableMinutes: 0n,
      usageType: undefined,
    };
  };

  it('a CDR in its start day folder or the next one is on time; later is late, with its periods', () => {
    const object = (folder: string) => ({ key: `k/${folder}`, folderDate: parseDate(folder) });
    expect(lateArrivalOf(vc, object('2025-03-01'), record('2025-03-01T10:00:00Z', 't1'))).to.equal(undefined);
    expect(lateArrivalOf(vc, object('2025-03-02'), record('2025-03-01T23:59:00Z', 't1'))).to.equal(undefined);
    expect(lateArrivalOf(vc, object('2025-03-03'), record('2025-03-01T23:59:00Z', 't1'))).to.deep.equal({
      key: 'k/2025-03-03',
      callIdField: 'TransactionId',
      callId: 't1',
      startDay: '2025-03-01',
      folderDay: '2025-03-03',
      periods: [
        { frequency: 'Daily', end: '2025-03-01' },
        { frequency: 'Weekly', end: '2025-03-02' },
        { frequency: 'Monthly', end: '2025-03-31' },
      ],
    });
  });

  it('Business Calling calls are named by CdrId', () => {
    const values = bc.cdrFields.map((c) => (c.name === 'CdrId' ? 'cdr-9' : null));
    const late = lateArrivalOf(
      bc,
      { key: 'k', folderDate: parseDate('2025-03-10') },
      {
        values,
        startEpochSeconds: Date.parse('2025-03-01T00:00:00Z') / 1000,
        endEpochSeconds: null,
        billableMinutes: 0n,
        usageType: undefined,
      },
    );
    expect([late?.callIdField, late?.callId]).to.deep.equal(['CdrId', 'cdr-9']);
  });
});

describe('late-arrival re-runs (scheduler rule)', () => {
  const late = (key: string, periods: [string, string][]) => ({
    key,
    callIdField: 'TransactionId' as const,
    callId: key,
    startDay: '2025-03-01',
    folderDay: '2025-03-05',
    periods: periods.map(([frequency, end]) => ({ frequency: frequency as 'Daily', end })),
  });
  const facts = (
    frequency: 'Daily' | 'Weekly' | 'Monthly',
    end: string,
    startedAt: string,
    lateArrivals = [] as ReturnType<typeof late>[],
  ) => ({
    frequency,
    periodStart: end,
    periodEnd: end,
    startedAt,
    finishedAt: startedAt,
    lateArrivals,
    lateArrivalsTotal: lateArrivals.length,
  });
  const now = new Date('2025-03-10T01:00:00Z');

  it("names the finished periods of one frequency, never the naming run's own period", () => {
    const x = late('k1', [
      ['Daily', '2025-03-01'],
      ['Weekly', '2025-03-02'],
      ['Monthly', '2025-03-31'],
    ]);
    const manifests = [
      facts('Daily', '2025-03-05', '2025-03-06T01:00:00Z', [x]),
      facts('Weekly', '2025-03-02', '2025-03-03T01:00:00Z', [x]),
    ];
    expect(
      namedPeriods(manifests, 'Daily', now).map((c) => [c.period.frequency, c.period.end, [...c.keys]]),
    ).to.deep.equal([['Daily', parseDate('2025-03-01'), ['k1']]]);
    // Named by the Daily run; the Weekly run's own period is left out of what it names.
    expect(namedPeriods([manifests[1] as (typeof manifests)[number]], 'Weekly', now)).to.deep.equal([]);
    expect(namedPeriods(manifests, 'Weekly', now).map((c) => c.period.end)).to.deep.equal([parseDate('2025-03-02')]);
    // March is not over on 03-10.
    expect(namedPeriods(manifests, 'Monthly', now)).to.deep.equal([]);
  });

  it("re-runs until the period's report includes every late CDR named for it, then stops", () => {
    const [candidate] = namedPeriods(
      [facts('Daily', '2025-03-05', '2025-03-06T01:00:00Z', [late('k1', [['Daily', '2025-03-01']])])],
      'Daily',
      now,
    );
    if (!candidate) throw new Error('no candidate');
    expect(needsRerun(candidate, facts('Daily', '2025-03-01', '2025-03-02T01:00:00Z'))).to.equal(true);
    expect(needsRerun(candidate, facts('Daily', '2025-03-01', '2025-03-07T01:00:00Z', [late('k1', [])]))).to.equal(
      false,
    );
    expect(needsRerun(candidate, undefined)).to.equal(false);
  });
});

describe('scheduled jobs and quiet periods', () => {
  const env = {
    CDR_BUCKET: 'cdr-bucket',
    SERVICE_NAME: 'AmazonChimeVoiceConnector',
    JOB_FREQUENCY: 'Daily',
    JOB_QUEUE: 'q',
    JOB_DEFINITION: 'd',
  };
  const spec = {
    bucket: 'cdr-bucket',
    service: 'AmazonChimeVoiceConnector' as const,
    frequency: 'Daily' as const,
    end: '2025-03-01',
    prices: 's3://cdr-bucket/p.json',
  };

  it('jobs fail on a period with no CDR unless ALLOW_EMPTY_PERIODS is set, then they pass --allow-empty', () => {
    expect(configFromEnv(env).allowEmptyPeriods).to.equal(undefined);
    expect(jobCommand(spec)).to.not.include('--allow-empty');
    expect(configFromEnv({ ...env, ALLOW_EMPTY_PERIODS: 'true' }).allowEmptyPeriods).to.equal(true);
    expect(jobCommand({ ...spec, allowEmpty: true })).to.include('--allow-empty');
  });
});
