import { expect } from 'chai';
import { type Frequency, formatDate } from '../../../job/core/period';
import type { ServiceCode } from '../../../job/core/schema';
import { assertEndDateOver, EventError, manualEvent, parseSchedulerEvent } from '../../../job/scheduler/event';

const DEFAULTS: { frequency: Frequency; service: ServiceCode } = {
  frequency: 'Daily',
  service: 'AmazonChimeVoiceConnector',
};
const NOW = new Date('2020-03-01T00:00:05Z');

function period(event: unknown, now = NOW, defaults = DEFAULTS) {
  const { kind, period: p } = parseSchedulerEvent(event, defaults, now);
  return { kind, frequency: p.frequency, start: formatDate(p.start), end: formatDate(p.end) };
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('scheduler event parsing', () => {
  it('{} / null / undefined → the period ending yesterday (UTC) at the configured frequency', () => {
    for (const event of [{}, null, undefined]) {
      expect(period(event)).to.deep.equal({
        kind: 'scheduled',
        frequency: 'Daily',
        start: '2020-02-29',
        end: '2020-02-29',
      });
    }
    expect(period({}, NOW, { ...DEFAULTS, frequency: 'Monthly' })).to.deep.equal({
      kind: 'scheduled',
      frequency: 'Monthly',
      start: '2020-02-01',
      end: '2020-02-29',
    });
  });

  it('an EventBridge event uses its own time, never one in the future', () => {
    const event = { source: 'aws.events', 'detail-type': 'Scheduled Event', time: '2020-02-15T01:00:00Z', detail: {} };
    expect(period(event).end).to.equal('2020-02-14');
    expect(period({ ...event, time: '2020-06-01T00:00:00Z' }).end).to.equal('2020-02-29');
    expect(period({ ...event, time: 'garbage' }).end).to.equal('2020-02-29');
  });

  it('the manual form: strings or numbers, padded or not, frequency in any case', () => {
    const expected = { kind: 'manual', frequency: 'Monthly', start: '2020-01-01', end: '2020-01-31' };
    expect(period({ year: '2020', month: '1', day: '31', job_frequency: 'Monthly' })).to.deep.equal(expected);
    expect(period({ year: 2020, month: 1, day: 31, job_frequency: 'MONTHLY' })).to.deep.equal(expected);
    expect(period({ year: '2020', month: '01', day: '31', job_frequency: ' monthly ' })).to.deep.equal(expected);
    expect(period({ year: '2020', month: '2', day: '29' })).to.deep.equal({
      kind: 'manual',
      frequency: 'Daily',
      start: '2020-02-29',
      end: '2020-02-29',
    });
    expect(period({ year: '2020', month: '2', day: '29', job_frequency: 'Weekly' }).start).to.equal('2020-02-23');
  });

  it('job_frequency alone → yesterday at that frequency', () => {
    expect(period({ job_frequency: 'Weekly' })).to.deep.equal({
      kind: 'scheduled',
      frequency: 'Weekly',
      start: '2020-02-23',
      end: '2020-02-29',
    });
  });

  it('refuses impossible dates, unknown frequencies, dates not over, stray fields — one line each', () => {
    const cases: [unknown, RegExp][] = [
      [{ year: '2020', month: '13', day: '1' }, /^month 13 does not exist \(1–12\)$/],
      [{ year: '2021', month: '2', day: '29' }, /^2021-02 has no day 29 \(1–28\)$/],
      [{ year: '2020', month: '1', day: '0' }, /has no day 0/],
      [{ year: '2020', month: '1', day: '31', job_frequency: 'Hourly' }, /^unknown frequency "Hourly"/],
      [{ year: '2020', month: '1', day: '31', job_frequency: 7 }, /job_frequency/],
      [{ year: '2020', month: '3', day: '1' }, /2020-03-01 is in the future or not over yet.*2020-02-29$/],
      [{ year: '2020', month: '2', day: '31' }, /has no day 31/],
      [{ year: '20x0', month: '2', day: '1' }, /year must be a whole number/],
      [{ year: 2020.5, month: '2', day: '1' }, /year must be a whole number/],
      [{ year: true, month: '2', day: '1' }, /"year" must be a number or a numeric string/],
      [{ year: '2020', day: '1' }, /not month/],
      [{ Year: '2020' }, /unknown event field/],
      [[], /must be a JSON object/],
      [42, /must be a JSON object/],
      [{ service: 'Nope' }, /unknown service/],
    ];
    for (const [event, message] of cases) {
      const error = errorOf(() => parseSchedulerEvent(event, DEFAULTS, NOW));
      expect(error, JSON.stringify(event)).to.be.instanceOf(EventError);
      expect(error.message, JSON.stringify(event)).to.match(message);
      expect(error.message).to.not.include('\n');
    }
  });

  it('assertEndDateOver accepts yesterday, refuses today', () => {
    assertEndDateOver({ year: 2020, month: 2, day: 29 }, NOW);
    expect(() => assertEndDateOver({ year: 2020, month: 3, day: 1 }, NOW)).to.throw(EventError);
  });

  it('manualEvent builds the original form, which parses back to the same period', () => {
    const event = manualEvent({ year: 2020, month: 1, day: 31 }, 'Monthly');
    expect(event).to.deep.equal({ year: '2020', month: '1', day: '31', job_frequency: 'Monthly' });
    expect(period(event).start).to.equal('2020-01-01');
    expect(manualEvent({ year: 2020, month: 1, day: 31 }, 'Daily', 'AmazonChimeVoiceConnector').service).to.equal(
      'AmazonChimeVoiceConnector',
    );
  });
});
