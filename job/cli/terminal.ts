import { type Env, EnvReader } from '../core/env';

/** Whether stderr is a terminal that can redraw a line: a TTY whose TERM is not `dumb`. */
export function isInteractiveTerminal(stream: NodeJS.WriteStream = process.stderr, env: Env = process.env): boolean {
  return stream.isTTY === true && new EnvReader(env).text('TERM') !== 'dumb';
}
