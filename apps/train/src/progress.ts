/** A live progress bar on a terminal; plain periodic lines when stdout is not a TTY. */

/** What the bar shows after each step. */
export interface ProgressState {
  done: number;
  total: number;
  loss: number;
  seconds: number;
}

/** Draws the progress of one epoch. */
export class Progress {
  private lastPlain = -1;

  constructor(
    private readonly label: string,
    private readonly stream: { isTTY?: boolean; write(text: string): unknown; columns?: number },
    private readonly quiet = false,
  ) {}

  /** Redraws the bar (TTY) or prints a line every 25% (not a TTY). */
  update(s: ProgressState): void {
    if (this.quiet) return;
    const rate = s.done / Math.max(s.seconds, 1e-9);
    const eta = (s.total - s.done) / Math.max(rate, 1e-9);
    const text = `${this.label} ${s.done}/${s.total} · ${rate.toFixed(0)} samples/s · loss ${s.loss.toFixed(4)} · ETA ${eta.toFixed(0)}s`;
    if (this.stream.isTTY) {
      const width = 24;
      const filled = Math.round((width * s.done) / s.total);
      this.stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}\u001b[K`);
    } else {
      const quarter = Math.floor((4 * s.done) / s.total);
      if (quarter > this.lastPlain && quarter > 0 && quarter < 4) {
        this.lastPlain = quarter;
        this.stream.write(`${text}\n`);
      }
    }
  }

  /** Clears the bar line (TTY). */
  end(): void {
    if (!this.quiet && this.stream.isTTY) this.stream.write('\r\u001b[K');
  }
}
