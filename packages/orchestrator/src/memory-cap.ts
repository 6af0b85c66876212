import { totalmem } from 'node:os';
import { sqlString } from '@anatomy/contracts';
import type { Store } from '@anatomy/store';
import { sizeInMebibytes } from './memory-size.js';
import type { ProcessTreePeak } from './process-tree-memory.js';

/**
 * The DuckDB memory cap of a full build when none is configured. A full build
 * commits view by view, so DuckDB can evict what it wrote and spill what it
 * computes, writes its largest views the way that spills (see
 * write-shape.ts) and plans its rankings as sorts ({@link sortRankings}); a
 * view that still needs more is written again a leaner way or, failing that,
 * without the cap (see {@link withMemoryFallback}), so the cap bounds memory
 * without failing a build. On the standard library no view needs either under
 * 400MB: the process tree peaked at 958 and 993 MiB in the benchmark's builds
 * (1024 and 1043 MiB under 500MB, 1420 and 1517 MiB under 800MB with rankings
 * as aggregates), and `execute` took 35.3 and 37.1 s (35.8 and 36.7 s under
 * 500MB, 31.8 and 33.4 s under 800MB with aggregates; see docs/benchmarks.md).
 * Extraction that held and gave back more memory than the views would take
 * under it raises it for the views ({@link capAfterExtraction}).
 */
export const DEFAULT_FULL_BUILD_MEMORY_LIMIT = '400MB';

/** Whether an error (or one it wraps) is DuckDB running out of memory under its cap. */
export function isOutOfMemory(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (e.message.includes('Out of Memory Error')) return true;
  }
  return false;
}

/**
 * DuckDB's own default cap, 80% of the machine's memory. (`RESET memory_limit`
 * would give back the cap the database was opened with, when it was given one.)
 */
export function uncappedMemoryLimit(): string {
  return `${Math.floor((totalmem() * 0.8) / 2 ** 20)}MiB`;
}

/** Sets DuckDB's memory cap of a store's database instance; `null` lifts it to DuckDB's default. */
export async function setMemoryLimit(store: Store, limit: string | null): Promise<void> {
  await store.query(`SET memory_limit = ${sqlString(limit ?? uncappedMemoryLimit())}`);
}

/**
 * The memory cap a build's views are built under, the views written the
 * leaner way under it after the first way ran out of memory (`leaner`), the
 * views built again without it (`raised`), and whether rankings are sorted.
 */
export interface MemoryCap {
  readonly limit: string | null;
  readonly raised: { view: string; reason: string }[];
  readonly leaner?: { view: string; reason: string }[];
  /** Whether rankings are planned as sorts rather than aggregates ({@link sortRankings}). */
  readonly sortedRankings?: boolean;
  /** The cap extraction ran under when the views' cap was raised after it ({@link capAfterExtraction}), and why. */
  readonly extraction?: { readonly limit: string; readonly reason: string };
  /** What the build's processes held while extracting, when it was sampled (a full build's, where `/proc` tells). */
  readonly extractionHeld?: ExtractionMemory;
}

/**
 * The share of the memory a build's processes held while extracting and gave
 * back by its end that its views may then be capped at. DuckDB's process
 * grows past its cap (the JavaScript heap, buffers DuckDB does not count): in
 * the benchmark's builds of the standard library the whole tree peaked at
 * 958–993 MiB under 400MB, 1024–1043 MiB under 500MB and 1420–1517 MiB under
 * 800MB (docs/benchmarks.md), about 1.6 times the cap plus 330 MiB. A third
 * of what was given back keeps the views' growth well inside it.
 */
export const RELEASED_MEMORY_SHARE = 1 / 3;

/**
 * What a build's process tree held while extracting, as its sampler tells it:
 * the highest sample, and the last one, once extraction was over (null when it
 * could not be read: nothing is then known to have been given back).
 */
export type ExtractionMemory = ProcessTreePeak;

/** {@link ExtractionMemory} in whole MiB, as a build's summary tells it. */
export function heldInMebibytes(held: ExtractionMemory): { peakMiB: number; endMiB: number | null } {
  return { peakMiB: Math.floor(held.peakBytes / 2 ** 20), endMiB: held.endBytes === null ? null : Math.floor(held.endBytes / 2 ** 20) };
}

/**
 * The cap a full build's views get when its extraction took the machine's
 * memory further than the views would go under the default cap, and gave it
 * back: scip-python indexing the standard library holds 7 to 8 GiB and ends
 * before the views run, while the default cap keeps them to 400MB and
 * `cpg.edges` with SCIP evidence outgrows that (it is then built again
 * without any cap). Memory the build held and released is memory the machine
 * had: capping the views at {@link RELEASED_MEMORY_SHARE} of it keeps the
 * build under the peak it already reached. Memory still held at the end
 * (processes of the host's that outlive extraction, say) is not counted.
 * Returns null, keeping the cap, when the cap was configured
 * (`--memory-limit` is the user's word), when the memory is unknown (no
 * `/proc`, or no last sample), or when the share would not raise it.
 *
 * @example
 * capAfterExtraction({ limit: '400MB', raised: [] }, false, { peakBytes: 7_800 * 2 ** 20, endBytes: 600 * 2 ** 20 });
 * // { limit: '2400MiB', reason: "the build's processes held 7800 MiB while extracting and 600 MiB after; …" }
 */
export function capAfterExtraction(cap: MemoryCap, configured: boolean, held: ExtractionMemory | null): { limit: string; reason: string } | null {
  if (configured || cap.limit === null || held === null) return null;
  const { peakMiB, endMiB } = heldInMebibytes(held);
  if (endMiB === null) return null;
  const share = Math.floor(Math.max(0, peakMiB - endMiB) * RELEASED_MEMORY_SHARE);
  if (share <= sizeInMebibytes(cap.limit)) return null;
  return {
    limit: `${share}MiB`,
    reason:
      `the build's processes held ${peakMiB} MiB while extracting and ${endMiB} MiB after; the views are capped at a third ` +
      `of the ${peakMiB - endMiB} MiB given back, ${share}MiB, instead of ${cap.limit}, which keeps the build under the peak it reached`,
  };
}

/**
 * Raises a full build's cap for its views after extraction when
 * {@link capAfterExtraction} says so, and returns the cap they run under,
 * with what extraction held.
 */
export async function raiseCapAfterExtraction(store: Store, cap: MemoryCap, configured: boolean, held: ExtractionMemory | null): Promise<MemoryCap> {
  const sampled = held === null ? cap : { ...cap, extractionHeld: held };
  const raise = capAfterExtraction(cap, configured, held);
  if (raise === null || cap.limit === null) return sampled;
  await setMemoryLimit(store, raise.limit);
  return { ...sampled, limit: raise.limit, extraction: { limit: cap.limit, reason: raise.reason } };
}

/** DuckDB's optimizer rule that turns `QUALIFY row_number() OVER (…) = 1` into an `arg_min` aggregate. */
export const RANKING_AGGREGATE_RULE = 'top_n_window_elimination';

/**
 * Turns off, for the store's session, DuckDB's rewrite of a ranking that keeps
 * the first row of each group into an aggregate, keeping any other rule
 * already off. The aggregate holds each group's best row whole in memory
 * DuckDB cannot spill (278 MiB for the standard library's innermost scope of
 * each load, more than 400 MiB in `cpg.edges`), which is what a lower cap ran
 * out of; as a window, the ranking is a sort that spills. Same rows either way:
 * the compiled rankings order every group completely.
 */
export async function sortRankings(store: Store): Promise<void> {
  const current = String((await store.query("SELECT current_setting('disabled_optimizers') AS rules"))[0]?.['rules'] ?? '');
  const rules = current
    .split(',')
    .map((rule) => rule.trim())
    .filter((rule) => rule.length > 0);
  if (rules.includes(RANKING_AGGREGATE_RULE)) return;
  await store.query(`SET disabled_optimizers = ${sqlString([...rules, RANKING_AGGREGATE_RULE].join(','))}`);
}

/**
 * Sets the memory cap of a build on its store and returns it: the configured
 * one (already set when the store was opened) or, for a full build, the
 * default; an incremental build without one keeps DuckDB's default (null).
 * A full build sorts its rankings under its cap ({@link sortRankings}).
 *
 * @example
 * const memory = await applyBuildMemoryCap(store, 'full', undefined); // { limit: '400MB', raised: [], leaner: [], sortedRankings: true }
 */
export async function applyBuildMemoryCap(store: Store, mode: 'full' | 'incremental', configured: string | undefined): Promise<MemoryCap> {
  if (mode === 'incremental') return { limit: configured ?? null, raised: [], leaner: [], sortedRankings: false };
  if (configured === undefined) await setMemoryLimit(store, DEFAULT_FULL_BUILD_MEMORY_LIMIT);
  await sortRankings(store);
  return { limit: configured ?? DEFAULT_FULL_BUILD_MEMORY_LIMIT, raised: [], leaner: [], sortedRankings: true };
}

/**
 * Lifts a build's memory cap for the writes that need it and sets it again
 * when the last of them is done: two views written at once share one, so the
 * end of one never caps the other while it still runs without the cap.
 */
export interface CapLift {
  lift(): Promise<void>;
  restore(): Promise<void>;
}

/**
 * The {@link CapLift} of a store's instance under the cap `limit`: the first
 * lift sets DuckDB's default, the last restore sets `limit` again; a lift
 * while the first is still being set waits for it.
 *
 * @example
 * const lift = capLift(store, '400MB');
 * await Promise.all([withMemoryFallback(store, '400MB', writeA, raised, undefined, lift), withMemoryFallback(lane, '400MB', writeB, raised, undefined, lift)]);
 */
export function capLift(store: Store, limit: string | null): CapLift {
  let lifted = 0;
  let setting: Promise<void> = Promise.resolve();
  return {
    lift: async () => {
      lifted += 1;
      if (lifted === 1) setting = setting.then(() => setMemoryLimit(store, null));
      await setting;
    },
    restore: async () => {
      lifted -= 1;
      if (lifted === 0) setting = setting.then(() => setMemoryLimit(store, limit));
      await setting;
    },
  };
}

/** A second way to do a write, slower but holding less in memory, tried under the cap before the cap is lifted. */
export interface LeanerWrite<T> {
  readonly write: () => Promise<T>;
  /** What the leaner way does, for the reason told to `used`, e.g. "written unsorted, then sorted from the stored table". */
  readonly how: string;
  /** Told why, when the leaner way was taken and succeeded. */
  readonly used: (reason: string) => void;
}

/**
 * Runs one write of a full build under the memory cap `limit`. When DuckDB
 * runs out of memory under it, the `leaner` way (when given) runs under the
 * same cap; when there is none or it runs out too, `raised` is told why, the
 * cap is lifted, the write runs once more, and the cap is set again, whether
 * or not the second run succeeds (by `lift`: once no other write sharing it
 * still runs without the cap). Only for writes that leave nothing behind
 * when they fail (each statement committed on its own, like a view
 * materialized by a full build, which the next attempt replaces): inside a
 * transaction the failed statement would abort it.
 *
 * @example
 * const outcome = await withMemoryFallback(store, '1GB', () => store.materialize(request), (why) => progress.info(`cpg.edges: ${why}`));
 */
export async function withMemoryFallback<T>(
  store: Store,
  limit: string | null,
  write: () => Promise<T>,
  raised: (reason: string) => void,
  leaner?: LeanerWrite<T>,
  lift: CapLift = capLift(store, limit),
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (limit === null || !isOutOfMemory(error)) throw error;
    const why = `DuckDB ran out of memory under the ${limit} cap (${(error as Error).message.split('\n')[0] ?? ''})`;
    if (leaner !== undefined) {
      try {
        const result = await leaner.write();
        leaner.used(`${why}; ${leaner.how} under it`);
        return result;
      } catch (again) {
        if (!isOutOfMemory(again)) throw again;
      }
    }
    raised(`${why}${leaner === undefined ? '' : `, also when ${leaner.how}`}; built again without it`);
    await lift.lift();
    try {
      return await write();
    } finally {
      await lift.restore();
    }
  }
}
