/** A one-line progress indicator on a terminal (stderr); does nothing when stderr is not a TTY. */
export class ProgressLine {
  private readonly enabled = process.stderr.isTTY === true;
  private readonly started = Date.now();
  private lastDraw = 0;

  /** Redraws at most ten times a second. */
  update(done: number, total: number | undefined): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (total === undefined && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const rate = Math.round(done / seconds);
    const text = `  ${done.toLocaleString('en-US')} objects read  ${rate.toLocaleString('en-US')}/s  ${seconds.toFixed(1)} s`;
    process.stderr.write(`\r${text}\u001b[K${total === undefined ? '' : '\n'}`);
  }
}
