import type { ColumnBatch, ExtractableFile, ExtractorCapability, Extractor, SchemaRegistry } from '@anatomy/schema-authority';
import type { PendingWrite, Store } from '@anatomy/store';
import type { ProgressReporter } from './progress-reporter.js';

/** What one extractor did in a build. */
export interface ExtractorReport {
  readonly extractor: string;
  readonly version: string;
  /** `ran`, `skipped` (nothing it emits is needed) or `unavailable` (its capability check failed). */
  readonly status: 'ran' | 'skipped' | 'unavailable';
  readonly reason?: string;
  readonly hint?: string;
  /** Rows written per dataset. */
  readonly rows: Readonly<Record<string, number>>;
  readonly durationMs: number;
}

/** Everything the extraction stage produced. */
export interface ExtractionResult {
  readonly reports: readonly ExtractorReport[];
  /** The batches written, left for `store.measureWrites` to measure with the build's other writes. */
  readonly writes: readonly PendingWrite[];
  /** Each extracted file's time in each extractor's workers, by file id. */
  readonly fileTimes: ReadonlyMap<string, Readonly<Record<string, number>>>;
}

/**
 * Runs the extractors whose datasets the program needs (or all of them when
 * `demanded` is undefined), side by side, and writes their batches into the
 * store as they arrive. Writes go through one queue because the store has
 * one connection; the extractors' own workers keep the cores busy meanwhile.
 * With `ready`, the first write waits for it: the extractors start (their
 * workers and processes, the parsing) while the caller still prepares the
 * store, and a rejected `ready` stops them. `signal` stops them too.
 */
export async function runExtractors(options: {
  readonly extractors: readonly Extractor[];
  readonly registry: SchemaRegistry;
  readonly store: Store;
  readonly root: string;
  readonly files: readonly ExtractableFile[];
  readonly demanded: ReadonlySet<string> | undefined;
  readonly progress: ProgressReporter;
  /** Settles when the store may be written to. */
  readonly ready?: Promise<unknown>;
  readonly signal?: AbortSignal;
}): Promise<ExtractionResult> {
  const { store, registry, progress } = options;
  const writes: PendingWrite[] = [];
  const fileTimes = new Map<string, Record<string, number>>();
  // Handled here at once: a `ready` rejected before any write waits on it must not count as unhandled.
  options.ready?.catch(() => undefined);
  let queue: Promise<unknown> = options.ready ?? Promise.resolve();
  const write = (batch: ColumnBatch): Promise<PendingWrite> => {
    const next = queue.then(() => store.ingest(registry.get(batch.dataset), batch, { measure: false }));
    queue = next.catch(() => undefined);
    return next;
  };

  const runOne = async (extractor: Extractor): Promise<ExtractorReport> => {
    const { name, version } = extractor.descriptor;
    const own = extractor.descriptor.datasets.map((d) => d.name);
    const wanted = new Set(own.filter((d) => options.demanded === undefined || options.demanded.has(d)));
    const started = performance.now();
    if (wanted.size === 0) {
      return { extractor: name, version, status: 'skipped', reason: 'the program reads none of its datasets', rows: {}, durationMs: 0 };
    }
    const capability: ExtractorCapability = await extractor.capability();
    if (!capability.available) {
      progress.info(`${name}: unavailable — ${capability.reason ?? 'no reason given'}${capability.hint ? ` (${capability.hint})` : ''}`);
      return {
        extractor: name,
        version,
        status: 'unavailable',
        ...(capability.reason === undefined ? {} : { reason: capability.reason }),
        ...(capability.hint === undefined ? {} : { hint: capability.hint }),
        rows: {},
        durationMs: 0,
      };
    }
    const rows: Record<string, number> = {};
    const bytesTotal = options.files.reduce((sum, f) => sum + f.size, 0);
    progress.count(name, 0, options.files.length, 'files', bytesTotal);
    for await (const batch of extractor.extract({
      root: options.root,
      files: options.files,
      datasets: wanted,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      // The reporter decides how often to show it: bars redraw in place, plain lines are throttled.
      onProgress: (done, total) => progress.count(name, done, total, 'files', bytesTotal),
      onFileTimed: (fileId, ms) => {
        const times = fileTimes.get(fileId) ?? {};
        times[name] = (times[name] ?? 0) + ms;
        fileTimes.set(fileId, times);
      },
    })) {
      rows[batch.dataset] = (rows[batch.dataset] ?? 0) + batch.rowCount;
      writes.push(await write(batch));
    }
    return { extractor: name, version, status: 'ran', rows, durationMs: performance.now() - started };
  };

  const reports = await Promise.all(options.extractors.map(runOne));
  // A rejected `ready` was swallowed by the queue: an extractor that wrote nothing must still fail.
  await options.ready;
  await queue;
  return { reports, writes, fileTimes };
}
