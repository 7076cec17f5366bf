import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { UsageError } from '../../../job/cli/errors';
import { main } from '../../../job/cli/program';
import { ConfigError } from '../../../job/core/env';
import { CdrSummaryError, EXIT, exitCodeOf, rethrowNaming } from '../../../job/core/errors';
import { InterruptedError } from '../../../job/core/interruption';
import { PeriodError } from '../../../job/core/period';
import { EmptyDaysRefusedError } from '../../../job/pipeline/empty-day-guard';
import { EmptyPeriodError } from '../../../job/pipeline/empty-period';
import { ShardMissingError } from '../../../job/pipeline/finalize';
import { LeaseHeldError, type LeaseRecord } from '../../../job/pipeline/lease';
import { SourceRootError } from '../../../job/pipeline/source-root';
import { PriceSourceError } from '../../../job/prices/errors';
import { RateDeckError } from '../../../job/prices/rate-deck/deck-error';
import { StoreLocationError } from '../../../job/store/object-store';

describe('one error family with its exit codes', () => {
  it('every domain error carries the exit code of its kind', () => {
    const holder = { owner: 'run:x', expiresAt: '2030-01-01T00:00:00.000Z' } as unknown as LeaseRecord;
    const cases: [Error, number][] = [
      [new UsageError('bad'), EXIT.usage],
      [new ConfigError('X', 'is bad'), EXIT.usage],
      [new PeriodError('bad date'), EXIT.usage],
      [new PriceSourceError('no prices'), EXIT.usage],
      [new StoreLocationError('no folder'), EXIT.usage],
      [new SourceRootError('inside the layout'), EXIT.usage],
      [new EmptyPeriodError('no CDR'), EXIT.usage],
      [new EmptyDaysRefusedError([{ day: '2020-01-01', files: 1 } as never]), EXIT.usage],
      [new RateDeckError('line 2: bad'), EXIT.usage],
      [new LeaseHeldError('leases/x.json', holder), EXIT.locked],
      [new ShardMissingError('shard 2 missing'), EXIT.failure],
      [new InterruptedError('SIGTERM'), 143],
      [new InterruptedError('SIGINT'), 130],
      [new Error('anything else'), EXIT.failure],
    ];
    for (const [error, code] of cases) {
      expect(exitCodeOf(error), error.name).to.equal(code);
      if (code !== EXIT.failure || error instanceof ShardMissingError)
        expect(error, error.name).to.be.instanceOf(CdrSummaryError);
    }
  });

  it('rethrowNaming puts the option in front of an input error only, keeping its class', () => {
    const named = (() => {
      try {
        rethrowNaming('--dest', new StoreLocationError('no such folder'));
      } catch (error) {
        return error;
      }
    })();
    expect(named).to.be.instanceOf(StoreLocationError).with.property('message', '--dest: no such folder');
    expect(() => rethrowNaming('--dest', new Error('disk full'))).to.throw(/^disk full$/);
  });

  it('the CLI turns them into exit codes in one place: a missing --source folder is exit 2, named', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'errors-'));
    const writes: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((text: string) => writes.push(text) > 0) as typeof process.stderr.write;
    try {
      const code = await main([
        'node',
        'cdr-summary',
        'run',
        '--source',
        path.join(dir, 'missing'),
        '--prices',
        dir,
        '--frequency',
        'Daily',
        '--end',
        '2020-01-01',
        '--quiet',
        '--log-level',
        'silent',
      ]);
      expect(code).to.equal(EXIT.usage);
      expect(writes.join('')).to.match(/^cdr-summary: --source: .*missing/m);
    } finally {
      process.stderr.write = write;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
