import { renderProgressFrame } from './progress-frame.js';
import type { ProgressCounter } from './progress-frame.js';

/** Receives the progress of a long command. */
export interface ProgressReporter {
  /** A stage starts (`scan`, `extract`, …). */
  stage(name: string, detail?: string): void;
  /** Progress within the current stage: `done` of `total` items (the views of `execute`). */
  tick(done: number, total: number): void;
  /**
   * Progress of one named part of the current stage, e.g. an extractor:
   * `done` of `total` `unit`s; `bytesTotal` lets the display show MB/s.
   */
  count(label: string, done: number, total: number, unit: string, bytesTotal?: number): void;
  /** A stage ended; `summary` is one short line. */
  stageDone(name: string, summary: string, durationMs: number): void;
  /** A note that is not an error. */
  info(message: string): void;
}

/**
 * Plain-line progress on stderr, suitable for pipes and CI logs: one line per
 * stage start and end, and progress lines per counter at most every
 * `everyMs` (and always when it completes). No control characters.
 *
 * @example
 * const progress = lineProgress(process.stderr);
 */
export function lineProgress(stream: NodeJS.WritableStream, everyMs = 1000): ProgressReporter {
  const last = new Map<string, number>();
  let current = '';
  const shouldShow = (key: string, done: number, total: number): boolean => {
    const now = Date.now();
    if (now - (last.get(key) ?? 0) < everyMs && done < total) return false;
    last.set(key, now);
    return true;
  };
  return {
    stage(name, detail) {
      current = name;
      last.clear();
      last.set(name, Date.now());
      stream.write(`» ${name}${detail === undefined ? '' : ` — ${detail}`}\n`);
    },
    tick(done, total) {
      if (shouldShow(current, done, total)) stream.write(`  ${current}: ${done}/${total}\n`);
    },
    count(label, done, total, unit) {
      if (shouldShow(`count:${label}`, done, total)) stream.write(`  ${label}: ${done}/${total} ${unit}\n`);
    },
    stageDone(name, summary, durationMs) {
      stream.write(`✓ ${name}: ${summary} (${formatDuration(durationMs)})\n`);
    },
    info(message) {
      stream.write(`  ${message}\n`);
    },
  };
}

/** Options of {@link barProgress}; tests pass a clock. */
export interface BarProgressOptions {
  /** Milliseconds now; `Date.now` by default. */
  readonly now?: () => number;
  /** Least time between two redraws caused by counters. */
  readonly everyMs?: number;
  /** Terminal width in columns; the stream's own, else 80. */
  readonly columns?: number;
}

/**
 * Progress bars for a terminal: the running stage and a bar per counter
 * (each extractor, the views of `execute`) with counts and rates, redrawn in
 * place with ANSI cursor movements; finished stages and notes stay above
 * as plain lines. Use it only when the stream is a TTY.
 *
 * @example
 * const progress = process.stderr.isTTY ? barProgress(process.stderr) : lineProgress(process.stderr);
 */
export function barProgress(stream: NodeJS.WritableStream, options: BarProgressOptions = {}): ProgressReporter {
  const now = options.now ?? Date.now;
  const everyMs = options.everyMs ?? 100;
  // A pseudo-terminal may report 0 columns; a frame cut to nothing would show nothing.
  const own = (stream as { columns?: number }).columns;
  const columns = options.columns ?? (own !== undefined && own > 0 ? own : 80);
  let stage = '';
  let stageStartedMs = now();
  const counters = new Map<string, ProgressCounter>();
  let drawn = 0;
  let lastDraw = -Infinity;
  // Moves up over the lines drawn last and clears them, so the next frame replaces them.
  const erase = (): string => (drawn === 0 ? '' : `\x1b[${drawn}F\x1b[J`);
  const draw = (force: boolean): void => {
    const t = now();
    if (!force && t - lastDraw < everyMs) return;
    lastDraw = t;
    const lines = stage === '' ? [] : renderProgressFrame({ stage, stageStartedMs, counters: [...counters.values()] }, t, columns).map((l) => l.slice(0, columns));
    stream.write(`${erase()}${lines.map((l) => `${l}\n`).join('')}`);
    drawn = lines.length;
  };
  // A counter still running when a stage starts or ends stays, with its start (the extractors start while the
  // store is prepared, and their rates count from then); finished ones go.
  const dropFinished = (): void => {
    for (const [label, counter] of counters) if (counter.done >= counter.total) counters.delete(label);
  };
  const update = (label: string, done: number, total: number, unit: string, bytesTotal?: number): void => {
    const before = counters.get(label);
    counters.set(label, { label, done, total, unit, startedMs: before?.startedMs ?? now(), ...(bytesTotal === undefined ? {} : { bytesTotal }) });
    draw(done === total);
  };
  return {
    stage(name) {
      stage = name;
      stageStartedMs = now();
      dropFinished();
      draw(true);
    },
    tick(done, total) {
      update(stage, done, total, 'views');
    },
    count(label, done, total, unit, bytesTotal) {
      update(label, done, total, unit, bytesTotal);
    },
    stageDone(name, summary, durationMs) {
      stream.write(`${erase()}✓ ${name}: ${summary} (${formatDuration(durationMs)})\n`);
      drawn = 0;
      stage = '';
      dropFinished();
    },
    info(message) {
      stream.write(`${erase()}  ${message}\n`);
      drawn = 0;
      draw(true);
    },
  };
}

/** A reporter that prints nothing (for `--json` and `--quiet`). */
export function silentProgress(): ProgressReporter {
  return { stage() {}, tick() {}, count() {}, stageDone() {}, info() {} };
}

/** `1.2 s`, `340 ms`. */
export function formatDuration(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}
