/** One counter shown as a bar: `done` of `total` items since `startedMs`. */
export interface ProgressCounter {
  readonly label: string;
  readonly done: number;
  readonly total: number;
  /** What is counted: `files`, `views`, `tables`. */
  readonly unit: string;
  /** Bytes behind `total` items, for a MB/s rate; absent when not known. */
  readonly bytesTotal?: number;
  readonly startedMs: number;
}

/** What a progress display shows at one moment: the running stage and its counters. */
export interface ProgressState {
  readonly stage: string;
  readonly stageStartedMs: number;
  readonly counters: readonly ProgressCounter[];
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

function bar(fraction: number, width: number): string {
  const clamped = Math.min(1, Math.max(0, fraction));
  const full = Math.floor(clamped * width);
  return `${'█'.repeat(full)}${'░'.repeat(width - full)}`;
}

/**
 * The lines of a progress display at `nowMs`: the stage with its elapsed
 * time, then one bar per counter with `done/total`, the rate in items per
 * second and, when the bytes are known, MB/s (kB/s below 0.1 MB/s; bytes estimated from the
 * average item size until the counter completes). A pure function of its
 * inputs, so frames can be checked exactly.
 *
 * @example
 * renderProgressFrame({ stage: 'extract', stageStartedMs: 0, counters: [{ label: 'tree-sitter', done: 50, total: 100, unit: 'files', startedMs: 0 }] }, 2000);
 * // ['» extract 2.0 s', '  tree-sitter  [██████████░░░░░░░░░░]  50/100 files  25.0 files/s']
 */
export function renderProgressFrame(state: ProgressState, nowMs: number, width = 80): string[] {
  const lines = [`» ${state.stage} ${seconds(Math.max(0, nowMs - state.stageStartedMs))}`];
  const labelWidth = Math.max(0, ...state.counters.map((c) => [...c.label].length));
  const tails = state.counters.map((c) => {
    const elapsedS = Math.max(0, nowMs - c.startedMs) / 1000;
    const rate = elapsedS > 0 ? `  ${(c.done / elapsedS).toFixed(1)} ${c.unit}/s` : '';
    const bytesDone = c.bytesTotal === undefined || c.total === 0 ? undefined : (c.bytesTotal * c.done) / c.total;
    const mbPerS = bytesDone === undefined || elapsedS === 0 ? undefined : bytesDone / 1e6 / elapsedS;
    // Small repositories read well under 0.1 MB/s; kB/s keeps their rate readable.
    const mbRate = mbPerS === undefined ? '' : mbPerS >= 0.1 ? `  ${mbPerS.toFixed(2)} MB/s` : `  ${(mbPerS * 1000).toFixed(1)} kB/s`;
    return `  ${c.done}/${c.total} ${c.unit}${rate}${mbRate}`;
  });
  // One bar width for every counter, so the bars line up.
  const barWidth = Math.max(10, Math.min(30, width - labelWidth - Math.max(0, ...tails.map((t) => t.length)) - 6));
  state.counters.forEach((c, i) => {
    lines.push(`  ${c.label.padEnd(labelWidth)}  [${bar(c.total === 0 ? 1 : c.done / c.total, barWidth)}]${tails[i] ?? ''}`);
  });
  return lines;
}
