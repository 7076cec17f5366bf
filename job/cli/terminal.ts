/** Whether stderr is a terminal that can redraw a line: a TTY whose TERM is not `dumb`. */
export function isInteractiveTerminal(stream: NodeJS.WriteStream = process.stderr, env = process.env): boolean {
  return stream.isTTY === true && env.TERM !== 'dumb';
}
