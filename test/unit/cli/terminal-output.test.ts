import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import { ProgressLine } from '../../../job/cli/progress';
import { isInteractiveTerminal } from '../../../job/cli/terminal';
import { createJsonLogger } from '../../../job/core/logger';

/** A stand-in for process.stderr: a stream that says whether it is a TTY. */
function fakeStderr(isTTY: boolean): NodeJS.WriteStream {
  return Object.assign(new PassThrough(), { isTTY }) as unknown as NodeJS.WriteStream;
}

describe('cli: terminal output', () => {
  it('draws progress only on a TTY whose TERM is not dumb', () => {
    expect(isInteractiveTerminal(fakeStderr(true), { TERM: 'xterm-256color' })).to.equal(true);
    expect(isInteractiveTerminal(fakeStderr(true), { TERM: 'dumb' })).to.equal(false);
    expect(isInteractiveTerminal(fakeStderr(false), { TERM: 'xterm' })).to.equal(false);
  });

  it('does nothing when disabled', () => {
    const progress = new ProgressLine(false);
    progress.update(10, undefined);
    progress.update(20, 20);
    progress.stop();
  });

  it('logs JSON lines with level names and ISO 8601 UTC times', () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ app: 'test', level: 'info', destination: { write: (line) => lines.push(line) } });
    logger.debug('hidden');
    logger.warn({ period: '2025-03-01' }, 'something to see');
    expect(lines).to.have.length(1);
    const line = JSON.parse(lines[0] as string) as Record<string, unknown>;
    expect(line).to.include({ level: 'warn', app: 'test', msg: 'something to see', period: '2025-03-01' });
    expect(String(line.time)).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });
});
