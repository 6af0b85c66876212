import type { ProgressReporter } from './progress-reporter.js';

/** How long one stage of a command took. */
export interface StageTiming {
  readonly stage: string;
  readonly durationMs: number;
}

/**
 * Runs named stages one after another, reporting each to the progress
 * reporter and keeping their durations for the final summary.
 */
export class StageTimer {
  readonly #timings: StageTiming[] = [];

  constructor(private readonly progress: ProgressReporter) {}

  /** Runs one stage; `summarize` turns its result into the one-line report. */
  async run<T>(stage: string, fn: () => Promise<T>, summarize: (result: T) => string): Promise<T> {
    this.progress.stage(stage);
    const started = performance.now();
    const result = await fn();
    const durationMs = performance.now() - started;
    this.#timings.push({ stage, durationMs });
    this.progress.stageDone(stage, summarize(result), durationMs);
    return result;
  }

  /** Every stage run so far, in order. */
  timings(): readonly StageTiming[] {
    return [...this.#timings];
  }
}
