import { expect } from 'chai';
import { awsRegion, ConfigError, DEFAULT_REGION, EnvReader, parseFlag } from '../../../job/core/env';
import { EXIT } from '../../../job/core/errors';

describe('the environment reader', () => {
  it('reads flags as true/false/1/0/yes/no/on/off in any case, blank as the fallback', () => {
    for (const word of ['true', 'TRUE', '1', 'yes', 'on']) expect(parseFlag(word, 'X'), word).to.equal(true);
    for (const word of ['false', 'False', '0', 'no', 'off']) expect(parseFlag(word, 'X', true), word).to.equal(false);
    expect(new EnvReader({ X: ' ' }).flag('X', true)).to.equal(true);
    expect(new EnvReader({}).flag('X')).to.equal(false);
  });

  it('names the variable in every error, which is unusable input (exit 2)', () => {
    const read = new EnvReader({ F: 'maybe', N: '2.5', P: '-1', C: 'Yearly' });
    const cases: [() => unknown, string][] = [
      [() => read.flag('F'), 'F "maybe" must be true or false'],
      [() => read.integer('N', 1, 1, 10), 'N "2.5" must be a whole number from 1 to 10'],
      [() => read.positiveNumber('P'), 'P must be a positive number, got "-1"'],
      [() => read.oneOf('C', ['Daily', 'Weekly'] as const, 'Daily'), 'C "Yearly" is not one of Daily, Weekly'],
      [() => read.required('MISSING'), 'environment variable MISSING is not set'],
    ];
    for (const [fn, message] of cases) {
      expect(fn).to.throw(ConfigError, message);
      try {
        fn();
      } catch (error) {
        expect((error as ConfigError).exitCode).to.equal(EXIT.usage);
        expect((error as ConfigError).variable).to.match(/^[A-Z]+$/);
      }
    }
  });

  it('reads whole numbers, text, lists and one-of values; unset or blank gives the fallback', () => {
    const read = new EnvReader({ N: ' 8 ', T: '  a b ', L: 'x, ,y', C: 'weekly' });
    expect(read.integer('N', 1, 1, 10)).to.equal(8);
    expect(read.integer('UNSET', undefined, 1, 10)).to.equal(undefined);
    expect(read.text('T')).to.equal('a b');
    expect(read.list('L')).to.deep.equal(['x', 'y']);
    expect(read.oneOf('C', ['Daily', 'Weekly'] as const, 'Daily')).to.equal('Weekly');
  });

  it('takes the region from AWS_REGION, then AWS_DEFAULT_REGION, then the one default', () => {
    expect(awsRegion({ AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'us-west-2' })).to.equal('eu-west-1');
    expect(awsRegion({ AWS_REGION: '', AWS_DEFAULT_REGION: 'us-west-2' })).to.equal('us-west-2');
    expect(awsRegion({})).to.equal(DEFAULT_REGION);
  });
});
