/** Receives the progress of a long command. */
export interface ProgressReporter {
  /** A stage starts (`scan`, `extract tree-sitter`, …). */
  stage(name: string, detail?: string): void;
  /** Progress within the current stage: `done` of `total` items. */
  tick(done: number, total: number): void;
  /** A stage ended; `summary` is one short line. */
  stageDone(name: string, summary: string, durationMs: number): void;
  /** A note that is not an error. */
  info(message: string): void;
}

/**
 * Plain-line progress on stderr, suitable for pipes and CI logs: one line per
 * stage start and end, and progress lines at most every `everyMs`.
 *
 * @example
 * const progress = lineProgress(process.stderr);
 */
export function lineProgress(stream: NodeJS.WritableStream, everyMs = 1000): ProgressReporter {
  let last = 0;
  let current = '';
  return {
    stage(name, detail) {
      current = name;
      last = Date.now();
      stream.write(`» ${name}${detail === undefined ? '' : ` — ${detail}`}\n`);
    },
    tick(done, total) {
      const now = Date.now();
      if (now - last < everyMs && done < total) return;
      last = now;
      stream.write(`  ${current}: ${done}/${total}\n`);
    },
    stageDone(name, summary, durationMs) {
      stream.write(`✓ ${name}: ${summary} (${formatDuration(durationMs)})\n`);
    },
    info(message) {
      stream.write(`  ${message}\n`);
    },
  };
}

/** A reporter that prints nothing (for `--json` and `--quiet`). */
export function silentProgress(): ProgressReporter {
  return { stage() {}, tick() {}, stageDone() {}, info() {} };
}

/** `1.2 s`, `340 ms`. */
export function formatDuration(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}
