/** Options of {@link createProgressBar}. */
export interface ProgressBarOptions {
  total: number;
  label: string;
  /** Where to draw. Default process.stderr. */
  stream?: NodeJS.WriteStream;
  /** Minimum time between redraws (lines, when not a terminal), ms. Default 200 on a TTY, 5000 otherwise. */
  intervalMs?: number;
}

/**
 * A progress bar for long work: redrawn in place on a terminal, a line every few seconds in logs
 * and CI. Shows done/total, percent, rate and time left.
 */
export function createProgressBar(options: ProgressBarOptions) {
  const stream = options.stream ?? process.stderr;
  const tty = Boolean(stream.isTTY);
  const interval = options.intervalMs ?? (tty ? 200 : 5_000);
  const started = Date.now();
  let last = 0;
  const render = (done: number, detail: string) => {
    const elapsed = (Date.now() - started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const fraction = options.total > 0 ? Math.min(1, done / options.total) : 1;
    const eta = rate > 0 ? (options.total - done) / rate : 0;
    const width = 24;
    const bar = "█".repeat(Math.round(fraction * width)).padEnd(width, "░");
    return `${options.label} ${bar} ${(fraction * 100).toFixed(1).padStart(5)}%  ${formatCount(done)}/${formatCount(options.total)}  ${formatCount(rate)} rows/s  ETA ${formatSeconds(eta)}  ${detail}`;
  };
  return {
    update(done: number, detail = "") {
      const now = Date.now();
      if (now - last < interval && done < options.total) return;
      last = now;
      if (tty) stream.write(`\r\x1b[2K${render(done, detail)}`);
      else stream.write(`${render(done, detail)}\n`);
    },
    finish(done: number) {
      if (tty) stream.write(`\r\x1b[2K${render(done, "")}\n`);
    },
  };
}

/** 1234567 → "1.23M". */
export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  return s >= 60 ? `${Math.floor(s / 60)}m${Math.round(s % 60)}s` : `${Math.round(s)}s`;
}
