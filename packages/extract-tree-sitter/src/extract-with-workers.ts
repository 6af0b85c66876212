import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FileId } from '@anatomy/contracts';
import type { ColumnBatch, ExtractionRequest } from '@anatomy/schema-authority';
import { BatchAssembler } from './batch-assembler.js';
import { ExtractTreeSitterError } from './extract-tree-sitter-error.js';
import { extractionWorkerScript } from './extraction-worker-script.js';
import { packRows } from './packed-rows.js';
import type { PackedRows } from './packed-rows.js';
import { planChunks } from './plan-chunks.js';
import type { ChunkLimits, FileChunk } from './plan-chunks.js';
import { RowBuffer } from './row-buffer.js';
import { treeSitterDatasets, tsErrorsDataset } from './tree-sitter-datasets.js';
import type { TsErrorRow } from './ts-error-row.js';
import type { ExtractionWorkerReply } from './worker-protocol.js';

/** How `extractWithWorkers` sizes its work. */
export interface WorkerExtractionLimits {
  /** Most rows per yielded batch, per dataset. */
  readonly batchRows: number;
  readonly chunk: ChunkLimits;
  /** Heap limit of each worker in MiB; undefined for Node's default. */
  readonly workerHeapMb?: number | undefined;
}

/**
 * Workers used when the request does not say: one per core but one, which
 * leaves a core to the thread that turns results into batches and to the
 * store ingesting them — and at least two where there are two cores, which
 * measured faster than one on a two-core machine (see README).
 *
 * @example
 * defaultWorkerCount(); // 3 on a 4-core machine
 */
export function defaultWorkerCount(cores: number = availableParallelism()): number {
  return Math.max(Math.min(cores, 2), cores - 1, 1);
}

interface Slot {
  readonly worker: Worker;
  ready: boolean;
  work: FileChunk | null;
  error: unknown;
}

interface Finished {
  readonly files: number;
  readonly parts: readonly PackedRows[];
  /** Each file's extraction time in its worker; none for a file whose worker died. */
  readonly timed: readonly (readonly [string, number])[];
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('the extraction was aborted', 'AbortError');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Extracts the demanded tree-sitter datasets of the request's files on a
 * pool of worker threads, each with its own parser, reading its files
 * itself. Chunks of files go to idle workers (largest first); results are
 * turned into batches of at most `batchRows` rows per dataset and yielded
 * as they arrive. A new chunk is handed out only while fewer results wait
 * than there are workers, so a slow consumer holds the workers back and
 * memory stays bounded. A worker that dies on a chunk is replaced and the
 * chunk retried file by file; a file that kills a worker on its own
 * becomes an `evidence.ts_errors` row. Aborting the signal or leaving the
 * loop early stops every worker.
 *
 * @example
 * for await (const batch of extractWithWorkers(request, { batchRows: 50_000, chunk: { bytes: 1 << 20, files: 256 } })) {
 *   await store.ingest(registry.get(batch.dataset), batch);
 * }
 */
export async function* extractWithWorkers(request: ExtractionRequest, limits: WorkerExtractionLimits): AsyncGenerator<ColumnBatch, void, undefined> {
  const { signal, onProgress, onFileTimed } = request;
  const total = request.files.length;
  const demanded = treeSitterDatasets.filter((ds) => request.datasets.has(ds.name));
  if (signal?.aborted) throw abortReason(signal);
  onProgress?.(0, total);
  if (demanded.length === 0 || total === 0) {
    onProgress?.(total, total);
    return;
  }

  const queue: FileChunk[] = planChunks(request.files, limits.chunk);
  const wanted = request.concurrency !== undefined && Number.isFinite(request.concurrency) ? Math.floor(request.concurrency) : defaultWorkerCount();
  const workerCount = Math.max(1, Math.min(wanted, queue.length));
  const names = demanded.map((ds) => ds.name);
  const assembler = new BatchAssembler(demanded, limits.batchRows);
  const crashErrors = names.includes(tsErrorsDataset.name) ? new RowBuffer<TsErrorRow>(tsErrorsDataset) : null;
  const script = extractionWorkerScript();
  const slots = new Set<Slot>();
  const finished: Finished[] = [];
  let fatal: unknown = null;
  let closing = false;
  let chunkIds = 0;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    const resolve = wake;
    wake = null;
    resolve?.();
  };

  /** A chunk whose worker died: retried file by file, and a lone file that kills a worker is reported. */
  const crashed = (work: FileChunk, reason: unknown): void => {
    if (work.files.length > 1) {
      queue.unshift(...work.files.map((file) => ({ files: [file], bytes: file.size })));
      return;
    }
    const parts: PackedRows[] = [];
    const file = work.files[0];
    if (crashErrors !== null && file !== undefined) {
      crashErrors.append({
        file_id: file.file_id as FileId,
        bstart: 0,
        bend: 0,
        line: 1,
        col: 0,
        message: `the tree-sitter worker stopped while extracting this file: ${describe(reason)}`,
      });
      parts.push(packRows(tsErrorsDataset, crashErrors.take()).rows);
    }
    finished.push({ files: work.files.length, parts, timed: [] });
  };

  const spawn = (): Slot => {
    const worker = new Worker(script.url, {
      ...(script.execArgv === undefined ? {} : { execArgv: [...script.execArgv] }),
      ...(limits.workerHeapMb === undefined ? {} : { resourceLimits: { maxOldGenerationSizeMb: limits.workerHeapMb } }),
    });
    const slot: Slot = { worker, ready: false, work: null, error: null };
    worker.on('message', (reply: ExtractionWorkerReply) => {
      if (reply.kind === 'ready') slot.ready = true;
      else if (reply.kind === 'init-failed') {
        fatal ??= ExtractTreeSitterError.create('GrammarUnavailable', `the extraction worker cannot load tree-sitter-python: ${reply.message}`, {
          hint: 'check that web-tree-sitter and tree-sitter-python are installed (npm ls tree-sitter-python)',
        });
      } else {
        const files = slot.work?.files ?? [];
        finished.push({ files: files.length, parts: reply.parts, timed: files.map((f, i) => [f.file_id, reply.durationsMs[i] ?? 0] as const) });
        slot.work = null;
      }
      notify();
    });
    worker.on('error', (error) => {
      slot.error = error;
    });
    worker.on('exit', (code) => {
      slots.delete(slot);
      if (closing) return;
      const work = slot.work;
      slot.work = null;
      if (work !== null) {
        if (slot.ready) crashed(work, slot.error ?? `exit code ${code}`);
        else {
          fatal ??= ExtractTreeSitterError.create('WorkerFailed', `the extraction worker ${script.url.pathname} failed to start: ${describe(slot.error ?? `exit code ${code}`)}`, {
            cause: slot.error,
            hint: script.fromSource
              ? 'the sources run through typescript-source-hooks.mjs, which needs the workspace dev dependency typescript'
              : 'build the package (npm run build -w @anatomy/extract-tree-sitter) so that dist/extraction-worker.js exists',
          });
        }
      }
      notify();
    });
    slots.add(slot);
    return slot;
  };

  const dispatch = (): void => {
    while (queue.length > 0 && finished.length < workerCount) {
      let slot: Slot | undefined;
      for (const s of slots) if (s.work === null) slot = s;
      if (slot === undefined) {
        if (slots.size >= workerCount) return;
        slot = spawn();
      }
      const work = queue.shift() as FileChunk;
      slot.work = work;
      slot.worker.postMessage({ kind: 'extract', chunk: chunkIds++, root: request.root, files: work.files, datasets: names });
    }
  };

  signal?.addEventListener('abort', notify);
  try {
    let done = 0;
    for (;;) {
      if (signal?.aborted) throw abortReason(signal);
      if (fatal !== null) throw fatal;
      dispatch();
      const next = finished.shift();
      if (next !== undefined) {
        for (const part of next.parts) yield* assembler.add(part);
        for (const [fileId, ms] of next.timed) onFileTimed?.(fileId, ms);
        done += next.files;
        onProgress?.(done, total);
        continue;
      }
      let busy = false;
      for (const s of slots) busy ||= s.work !== null;
      if (queue.length === 0 && !busy) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    yield* assembler.flush();
  } finally {
    closing = true;
    signal?.removeEventListener('abort', notify);
    await Promise.all([...slots].map((s) => s.worker.terminate()));
  }
}
