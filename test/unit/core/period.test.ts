import { expect } from 'chai';
import {
  calendarDate,
  daysInMonth,
  folderDays,
  formatDate,
  inPeriod,
  PeriodError,
  parseDate,
  parseFrequency,
  periodDays,
  periodEndingOn,
  scheduledPeriod,
} from '../../../job/core/period';

const d = (text: string) => parseDate(text);

describe('period', () => {
  describe('dates', () => {
    it('accepts zero-padded and unpadded forms', () => {
      expect(calendarDate('2020', '1', '31')).to.deep.equal({ year: 2020, month: 1, day: 31 });
      expect(calendarDate(2020, 1, 31)).to.deep.equal({ year: 2020, month: 1, day: 31 });
      expect(parseDate('2020-1-5')).to.deep.equal({ year: 2020, month: 1, day: 5 });
      expect(formatDate(parseDate('2020-1-5'))).to.equal('2020-01-05');
    });

    for (const [text, message] of [
      ['2026-02-30', '2026-02 has no day 30'],
      ['2021-02-29', '2021-02 has no day 29'],
      ['2026-13-01', 'month 13 does not exist'],
      ['2026-00-10', 'month 0 does not exist'],
      ['2026-04-31', '2026-04 has no day 31'],
      ['20260101', 'not in the form YYYY-MM-DD'],
      ['yesterday', 'not in the form YYYY-MM-DD'],
    ] as const) {
      it(`refuses ${text}`, () => {
        expect(() => parseDate(text))
          .to.throw(PeriodError)
          .with.property('message')
          .that.contains(message);
      });
    }

    it('knows every month length, leap years included', () => {
      const lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
      for (let m = 1; m <= 12; m++) expect(daysInMonth(2023, m)).to.equal(lengths[m - 1]);
      expect(daysInMonth(2024, 2)).to.equal(29);
      expect(daysInMonth(2000, 2)).to.equal(29);
      expect(daysInMonth(1900 + 200, 2)).to.equal(28);
    });
  });

  describe('frequencies', () => {
    it('parses any letter case and refuses unknown names', () => {
      expect(parseFrequency('monthly')).to.equal('Monthly');
      expect(() => parseFrequency('Hourly')).to.throw(PeriodError, 'unknown frequency "Hourly"');
    });

    it('Daily is the end date alone', () => {
      const p = periodEndingOn('Daily', d('2024-02-29'));
      expect(formatDate(p.start)).to.equal('2024-02-29');
      expect(p.endEpochSecondsExclusive - p.startEpochSeconds).to.equal(86_400);
    });

    it('Weekly is D-6 … D, across month and year ends', () => {
      const p = periodEndingOn('Weekly', d('2021-01-03'));
      expect(periodDays(p).map(formatDate)).to.deep.equal([
        '2020-12-28',
        '2020-12-29',
        '2020-12-30',
        '2020-12-31',
        '2021-01-01',
        '2021-01-02',
        '2021-01-03',
      ]);
    });

    it('Monthly is the 1st … D, a full calendar month on its last day (the original was wrong after long months)', () => {
      for (const [end, days] of [
        ['2021-02-28', 28],
        ['2024-02-29', 29],
        ['2021-03-31', 31],
        ['2021-04-30', 30],
        ['2021-03-15', 15],
      ] as const) {
        const p = periodEndingOn('Monthly', d(end));
        expect(formatDate(p.start)).to.equal(`${end.slice(0, 7)}-01`);
        expect(periodDays(p)).to.have.length(days);
      }
    });
  });

  describe('membership', () => {
    const p = periodEndingOn('Daily', d('2020-01-31'));
    it('includes the first second and excludes the next midnight', () => {
      const start = Date.UTC(2020, 0, 31) / 1000;
      expect(inPeriod(p, start)).to.equal(true);
      expect(inPeriod(p, start - 1)).to.equal(false);
      expect(inPeriod(p, start + 86_399)).to.equal(true);
      expect(inPeriod(p, start + 86_400)).to.equal(false);
    });

    it('crawls the period days plus the next day', () => {
      expect(folderDays(p).map(formatDate)).to.deep.equal(['2020-01-31', '2020-02-01']);
    });

    it('schedules yesterday (UTC)', () => {
      const p2 = scheduledPeriod('Weekly', new Date('2026-03-01T01:00:00Z'));
      expect(formatDate(p2.end)).to.equal('2026-02-28');
      expect(formatDate(p2.start)).to.equal('2026-02-22');
    });
  });
});
