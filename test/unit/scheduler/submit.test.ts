import { expect } from 'chai';
import { parseDate, periodEndingOn } from '../../../job/core/period';
import { jobCommand, jobNameFor, jobParameters, sanitizeJobName } from '../../../job/scheduler/submit';

describe('Batch job naming and command', () => {
  it('names a job <prefix>-<service>-<frequency>-<yyyy-mm-dd>', () => {
    const period = periodEndingOn('Monthly', parseDate('2020-1-31'));
    expect(jobNameFor('cdr-summary', 'AmazonChimeVoiceConnector', period)).to.equal(
      'cdr-summary-AmazonChimeVoiceConnector-Monthly-2020-01-31',
    );
  });

  it("sanitizes names to Batch's rules: [A-Za-z0-9_-], alphanumeric first, at most 128", () => {
    expect(sanitizeJobName('my stack/prod.v2-x')).to.equal('my-stack-prod-v2-x');
    expect(sanitizeJobName('--_x')).to.equal('x');
    expect(sanitizeJobName('!!!')).to.equal('job');
    const long = sanitizeJobName(`${'a'.repeat(200)}`);
    expect(long).to.have.length(128);
    expect(sanitizeJobName('été')).to.equal('t-');
  });

  it('gives the same contract in the container command and the parameters', () => {
    const spec = {
      bucket: 'b',
      service: 'AmazonChimeBusinessCalling',
      frequency: 'Weekly',
      end: '2020-01-31',
      prices: 's3://b/Amazon-Chime-Business-Calling-Pricing/snapshots/2020-01-25_2020-01-31.json',
    } as const;
    expect(jobCommand(spec)).to.deep.equal([
      'run',
      '--source',
      's3://b',
      '--prices',
      spec.prices,
      '--frequency',
      'Weekly',
      '--end',
      '2020-01-31',
      '--service',
      'AmazonChimeBusinessCalling',
    ]);
    expect(jobParameters(spec)).to.deep.equal({
      source: 's3://b',
      prices: spec.prices,
      frequency: 'Weekly',
      end: '2020-01-31',
      service: 'AmazonChimeBusinessCalling',
    });
  });
});
