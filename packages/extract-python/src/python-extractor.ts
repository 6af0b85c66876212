import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { RelativePathSchema } from '@anatomy/repo-scan';
import type { CellValue, ColumnBatch, DatasetSchema, ExtractableFile, ExtractionRequest, Extractor, ExtractorCapability } from '@anatomy/schema-authority';
import { pyParseErrorsDataset } from './ast-datasets.js';
import { BatchAccumulator } from './batch-accumulator.js';
import { ExtractPythonError } from './extract-python-error.js';
import { probePython } from './probe-python.js';
import { pythonEvidenceDatasets, pythonExtractorDescriptor } from './python-extractor-descriptor.js';
import { resolvePythonExtractorOptions } from './python-extractor-options.js';
import type { PythonExtractorOptions, ResolvedPythonExtractorOptions } from './python-extractor-options.js';
import type { WorkerConfig, WorkerFileRequest } from './python-worker.js';
import { runWorkerPool } from './worker-pool.js';

const MAX_DEFAULT_CONCURRENCY = 8;

/** The table name the worker uses: the dataset name without its schema. */
function tableName(ds: DatasetSchema): string {
  return ds.name.slice(ds.name.indexOf('.') + 1);
}

/** A `py_parse_errors` row made by the pool for a file the worker never finished. */
interface PoolProblem {
  readonly file_id: string;
  readonly kind: 'unreadable' | 'too-large' | 'timeout' | 'worker-crash';
  readonly message: string;
  readonly python_version: string;
}

function poolProblemColumns(problem: PoolProblem): CellValue[][] {
  const row: Record<string, CellValue> = {
    file_id: problem.file_id,
    stage: 'pool',
    severity: 'error',
    kind: problem.kind,
    message: problem.message,
    python_version: problem.python_version,
  };
  return pyParseErrorsDataset.columns.map((c) => [row[c.name] ?? null]);
}

function workerConfig(demanded: readonly DatasetSchema[], options: ResolvedPythonExtractorOptions): WorkerConfig {
  const hooks = options.testHooks;
  return {
    protocol: 1,
    tables: Object.fromEntries(demanded.map((ds) => [tableName(ds), ds.columns.map((c) => [c.name, c.type] as const)])),
    frame_rows: options.batchRows,
    ...(hooks === undefined
      ? {}
      : { test_hooks: { ...(hooks.exitOn === undefined ? {} : { exit_on: hooks.exitOn }), ...(hooks.hangOn === undefined ? {} : { hang_on: hooks.hangOn }) } }),
  };
}

/** Splits files into worker requests and problems found before any worker sees them. */
function plan(request: ExtractionRequest, options: ResolvedPythonExtractorOptions, version: string): { requests: WorkerFileRequest[]; problems: PoolProblem[] } {
  const root = resolve(request.root);
  const requests: WorkerFileRequest[] = [];
  const problems: PoolProblem[] = [];
  request.files.forEach((file: ExtractableFile, seq) => {
    if (!RelativePathSchema.safeParse(file.path).success) {
      problems.push({ file_id: file.file_id, kind: 'unreadable', message: `'${file.path}' is not a repository-relative path`, python_version: version });
    } else if (file.size > options.maxFileBytes) {
      problems.push({
        file_id: file.file_id,
        kind: 'too-large',
        message: `${file.size} bytes is over the extractor's limit of ${options.maxFileBytes}; raise maxFileBytes to parse it`,
        python_version: version,
      });
    } else {
      requests.push({
        seq,
        path: join(root, ...file.path.split('/')),
        rel: file.path,
        file_id: file.file_id,
        encoding: file.encoding,
        size: file.size,
        sha256: file.sha256,
      });
    }
  });
  return { requests, problems };
}

class PythonEvidenceExtractor implements Extractor {
  readonly descriptor = pythonExtractorDescriptor;
  readonly #options: ResolvedPythonExtractorOptions;

  constructor(options: ResolvedPythonExtractorOptions) {
    this.#options = options;
  }

  /** The probe of an interpreter found usable; an unusable one is probed again, so a fix is seen. */
  #available: Promise<ExtractorCapability> | null = null;

  /** Probes the interpreter (one process start); a usable answer is kept for this extractor's life, and `extract` reuses it. */
  async capability(): Promise<ExtractorCapability> {
    if (this.#available !== null) return this.#available;
    const probe = probePython(this.#options.python, this.descriptor.needs['python3'] ?? '>=3.8');
    this.#available = probe;
    const found = await probe;
    if (!found.available) this.#available = null;
    return found;
  }

  async *extract(request: ExtractionRequest): AsyncGenerator<ColumnBatch> {
    const demanded = pythonEvidenceDatasets.filter((ds) => request.datasets.has(ds.name));
    if (demanded.length === 0) return;
    const capability = await this.capability();
    if (!capability.available) {
      throw ExtractPythonError.create('PythonUnavailable', capability.reason ?? 'python3 is unavailable', {
        details: { capability },
        hint: capability.hint ?? 'check capability() before extracting',
      });
    }
    const version = capability.tools['python3'] ?? '';
    const options = this.#options;
    const accumulators = new Map(demanded.map((ds) => [ds.name, new BatchAccumulator(ds, options.batchRows)]));
    const byTable = new Map(demanded.map((ds) => [tableName(ds), ds]));
    const errors = accumulators.get(pyParseErrorsDataset.name);
    const total = request.files.length;
    let done = 0;

    const { requests, problems } = plan(request, options, version);
    for (const problem of problems) {
      if (errors !== undefined) yield* errors.append(poolProblemColumns(problem), 1);
      request.onProgress?.(++done, total);
    }
    const pool = runWorkerPool(requests, {
      executable: options.python,
      config: workerConfig(demanded, options),
      datasetOf: (table) => byTable.get(table),
      concurrency: Math.max(1, request.concurrency ?? options.concurrency ?? Math.min(availableParallelism(), MAX_DEFAULT_CONCURRENCY)),
      fileTimeoutMs: options.fileTimeoutMs,
      signal: request.signal,
    });
    for await (const { request: file, outcome, pythonVersion, durationMs } of pool) {
      request.onFileTimed?.(file.file_id, durationMs);
      if (outcome.status === 'done') {
        for (const frame of outcome.tables) {
          const ds = byTable.get(frame.table) as DatasetSchema;
          yield* (accumulators.get(ds.name) as BatchAccumulator).append(frame.columns, frame.rowCount);
        }
      } else if (errors !== undefined) {
        const kind = outcome.status === 'timeout' ? 'timeout' : 'worker-crash';
        yield* errors.append(poolProblemColumns({ file_id: file.file_id, kind, message: outcome.message, python_version: pythonVersion }), 1);
      }
      request.onProgress?.(++done, total);
    }
    for (const accumulator of accumulators.values()) {
      const rest = accumulator.flush();
      if (rest !== null) yield rest;
    }
  }
}

/**
 * Makes a python extractor with its own options (interpreter, timeouts,
 * limits). Validates them, throwing `extract-python/InvalidOptions`.
 *
 * @example
 * const extractor = createPythonExtractor({ python: '/usr/bin/python3.12', fileTimeoutMs: 60_000 });
 * if ((await extractor.capability()).available) for await (const batch of extractor.extract(request)) await store.ingest(registry.get(batch.dataset), batch);
 */
export function createPythonExtractor(options: PythonExtractorOptions = {}): Extractor {
  return new PythonEvidenceExtractor(resolvePythonExtractorOptions(options));
}

/**
 * The python extractor with default options: `python3` from PATH, two or
 * more workers (the machine's parallelism, at most 8), 30 s per file, files
 * up to 4 MiB, batches of up to 8192 rows. Call `capability()` first: without
 * a usable python3, `extract()` throws `extract-python/PythonUnavailable`.
 *
 * @example
 * for await (const batch of pythonExtractor.extract({ root, files, datasets: new Set(['evidence.py_defs']) })) console.log(batch.dataset, batch.rowCount);
 */
export const pythonExtractor: Extractor = createPythonExtractor();
