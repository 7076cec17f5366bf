import { MultiBar, Presets } from 'cli-progress';
import { isInteractiveTerminal } from './terminal';

/** The progress line that is being drawn, if any: log lines are printed above it (see `writeAboveProgress`). */
let active: MultiBar | undefined;

/**
 * A one-line progress indicator on stderr (cli-progress), drawn only on an interactive terminal
 * (a TTY whose TERM is not `dumb`); on anything else it does nothing, and the JSON logs tell the story.
 */
export class ProgressLine {
  private readonly bars: MultiBar | undefined;
  private readonly started = Date.now();
  private bar: ReturnType<MultiBar['create']> | undefined;

  constructor(enabled = isInteractiveTerminal()) {
    this.bars = enabled
      ? new MultiBar(
          {
            format: '  {value} objects read  {rate}/s  {seconds} s',
            formatValue: (value, _options, type) => (type === 'value' ? value.toLocaleString('en-US') : String(value)),
            fps: 10,
            hideCursor: false,
            stream: process.stderr,
          },
          Presets.legacy,
        )
      : undefined;
    // Never keep the process alive for a redraw (a failed run may not reach `update(…, total)`).
    this.bars?.on('update-post', () => (this.bars as unknown as { timer?: NodeJS.Timeout }).timer?.unref());
  }

  /** Records progress; with `total` set the line is drawn a last time and ends. */
  update(done: number, total: number | undefined): void {
    if (!this.bars) return;
    const seconds = Math.max((Date.now() - this.started) / 1000, 0.001);
    const payload = { rate: Math.round(done / seconds).toLocaleString('en-US'), seconds: seconds.toFixed(1) };
    if (!this.bar) {
      this.bar = this.bars.create(0, done, payload);
      active = this.bars;
    } else this.bar.update(done, payload);
    if (total !== undefined) this.stop();
  }

  /** Ends the line (safe to call twice). */
  stop(): void {
    if (!this.bars || active !== this.bars) return;
    this.bars.stop();
    active = undefined;
  }
}

/** Ends the progress line being drawn, if any (before a final error line). */
export function stopProgress(): void {
  active?.stop();
  active = undefined;
}

/**
 * Writes `text` (whole lines) to stderr; while a progress line is drawn, clears it first and draws
 * it again below, so log output and progress never mix on one line.
 */
export function writeAboveProgress(text: string): void {
  if (active) {
    active.log(text);
    active.update();
  } else process.stderr.write(text);
}
