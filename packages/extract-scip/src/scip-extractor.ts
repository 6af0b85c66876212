import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatIssues, validate } from '@anatomy/contracts';
import { readSource, RepoScanError } from '@anatomy/repo-scan';
import type { ColumnBatch, ExtractableFile, ExtractionRequest, Extractor, ExtractorCapability, ExtractorDescriptor } from '@anatomy/schema-authority';
import { z } from 'zod';
import { documentCharUnit } from './document-char-unit.js';
import { DocumentPositionMap } from './document-position-map.js';
import { ExtractScipError } from './extract-scip-error.js';
import { indexPathMapper } from './index-path-mapper.js';
import { locateScipPython } from './locate-scip-python.js';
import { readScipIndex } from './read-scip-index.js';
import { INDEXER_SEMI_SPACE_MB, runScipPython, RunScipPythonOptionsSchema } from './run-scip-python.js';
import { ScipEvidenceRows } from './scip-evidence-rows.js';
import { scipDescriptor, scipRunDescriptor } from './scip-extractor-descriptor.js';
import type { ScipDocument } from './scip-messages.js';
import { scipPythonToolchain } from './scip-python-toolchain.js';

const common = {
  /** Rows per batch and dataset; 8192 by default. */
  batchRows: z.number().int().positive().optional(),
};

/**
 * How the SCIP extractor gets its index: read an existing one (`--scip-index
 * FILE`), or run scip-python on the repository (`--scip`).
 */
export const ScipExtractorOptionsSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('index'), indexPath: z.string().min(1), ...common }),
  RunScipPythonOptionsSchema.omit({ root: true, outputPath: true }).extend({
    mode: z.literal('run'),
    /** Keep the index at this path; by default it goes to a temporary directory removed after reading. */
    outputPath: z.string().min(1).optional(),
    ...common,
  }),
]);
/** Options of {@link createScipExtractor}. */
export type ScipExtractorOptions = z.input<typeof ScipExtractorOptionsSchema>;

const DEFAULT_BATCH_ROWS = 8192;

/** The run options the extractor gives scip-python: the caller's, with a larger young generation unless they chose one. */
export function indexerOptions<T extends object>(options: T & { readonly nodeSemiSpaceMb?: number | undefined }): T & { readonly nodeSemiSpaceMb: number } {
  return { ...options, nodeSemiSpaceMb: options.nodeSemiSpaceMb ?? INDEXER_SEMI_SPACE_MB };
}

function unavailable(error: unknown): Pick<ExtractorCapability, 'available' | 'reason' | 'hint'> {
  if (ExtractScipError.is(error)) return { available: false, reason: error.message, ...(error.hint === undefined ? {} : { hint: error.hint }) };
  throw error;
}

async function indexCapability(indexPath: string): Promise<ExtractorCapability> {
  const found = await stat(indexPath).catch(() => null);
  if (found === null || !found.isFile() || found.size === 0) {
    return {
      extractor: 'scip',
      available: false,
      tools: {},
      reason: found === null ? `the SCIP index ${indexPath} does not exist` : `${indexPath} is not a non-empty file`,
      hint: 'pass the index.scip written by scip-python with --scip-index, or let Anatomy run scip-python with --scip',
    };
  }
  try {
    for await (const entry of readScipIndex(indexPath, { chunkBytes: 64 * 1024 })) {
      // scip.proto puts the metadata first so that readers can stream.
      if (entry.kind === 'metadata' && entry.metadata.toolName !== '') {
        return { extractor: 'scip', available: true, tools: { [entry.metadata.toolName]: entry.metadata.toolVersion } };
      }
      break;
    }
    return { extractor: 'scip', available: true, tools: {} };
  } catch (error) {
    return { extractor: 'scip', tools: {}, ...unavailable(error) };
  }
}

/** Reads a scanned file's text for position conversion, or says why it cannot. */
async function positionsOf(root: string, file: ExtractableFile): Promise<{ map: DocumentPositionMap } | { problem: string; code: string }> {
  let bytes: Buffer;
  try {
    bytes = await readSource(root, file);
  } catch (error) {
    if (!RepoScanError.is(error)) throw error;
    return { problem: `${error.message}; byte spans are NULL`, code: 'extract-scip/FileUnreadable' };
  }
  const decoded = DocumentPositionMap.decode(bytes, file.encoding);
  return decoded.ok ? { map: decoded.map } : { problem: `${file.path}: ${decoded.message}; byte spans are NULL`, code: 'extract-scip/FileUndecodable' };
}

async function* extractFromIndex(indexPath: string, request: ExtractionRequest, batchRows: number): AsyncGenerator<ColumnBatch, void, undefined> {
  const rows = new ScipEvidenceRows(request.datasets, batchRows);
  if (!rows.demandsAny) return;
  const byPath = new Map(request.files.map((f) => [f.path, f]));
  let toRepoPath = (p: string): string | null => p;
  let toolName = '';
  let done = 0;
  const seen = new Set<string>();
  const addDocument = async (doc: ScipDocument): Promise<void> => {
    const path = toRepoPath(doc.relativePath);
    const file = path === null ? undefined : byPath.get(path);
    if (seen.has(doc.relativePath)) {
      // scip.proto requires unique paths; a second document for one would duplicate its rows.
      rows.addProblem({
        fileId: file?.file_id ?? null,
        path: path ?? doc.relativePath,
        severity: 'warning',
        code: 'extract-scip/DuplicateDocument',
        message: `the index holds ${doc.relativePath} more than once; only the first document is read`,
      });
      return;
    }
    seen.add(doc.relativePath);
    if (file === undefined) {
      rows.addProblem({
        fileId: null,
        path: path ?? doc.relativePath,
        severity: 'information',
        code: 'extract-scip/DocumentNotScanned',
        message: `the index holds ${doc.relativePath}, which is not among the scanned files; its ${doc.occurrences.length} occurrence(s) are left out`,
      });
      return;
    }
    let positions: DocumentPositionMap | null = null;
    if (rows.needsPositions) {
      const found = await positionsOf(request.root, file);
      if ('map' in found) positions = found.map;
      else rows.addProblem({ fileId: file.file_id, path: file.path, severity: 'warning', code: found.code, message: found.problem });
    }
    rows.addDocument({ document: doc, fileId: file.file_id, path: file.path, positions, unit: documentCharUnit(doc.positionEncoding, toolName) });
    request.onProgress?.(++done, request.files.length);
  };
  const options = request.signal === undefined ? {} : { signal: request.signal };
  for await (const entry of readScipIndex(indexPath, options)) {
    switch (entry.kind) {
      case 'metadata':
        rows.setMetadata(entry.metadata);
        toolName = entry.metadata.toolName;
        toRepoPath = indexPathMapper(entry.metadata.projectRoot, request.root);
        break;
      case 'document':
        await addDocument(entry.document);
        break;
      case 'external-symbol':
        rows.addExternalSymbol(entry.symbol);
        break;
      case 'malformed-document':
        rows.addProblem({
          fileId: entry.relativePath === null ? null : (byPath.get(toRepoPath(entry.relativePath) ?? '')?.file_id ?? null),
          path: entry.relativePath,
          severity: 'error',
          code: 'extract-scip/MalformedDocument',
          message: `a document of the index cannot be decoded and was left out: ${entry.message}`,
        });
        break;
    }
    yield* rows.full();
  }
  yield* rows.rest();
  // Scanned files the index does not hold are finished too: they have no SCIP evidence.
  if (done < request.files.length) request.onProgress?.(request.files.length, request.files.length);
}

/**
 * Creates the SCIP extractor. In `index` mode it reads an existing
 * `index.scip`; in `run` mode it first runs the bundled scip-python on the
 * request's root. Either way `extract` streams bounded batches of the
 * demanded `evidence.scip_*` datasets, document by document: documents
 * become rows keyed by the scanned files' ids, ranges gain UTF-8 byte spans
 * computed in the unit the document counts in, and documents outside the
 * scan, unreadable files or ranges that do not fit become diagnostic rows.
 * Invalid options throw `extract-scip/InvalidOptions`.
 *
 * @example
 * const extractor = createScipExtractor({ mode: 'index', indexPath: 'index.scip' });
 * if ((await extractor.capability()).available) {
 *   for await (const batch of extractor.extract({ root, files, datasets: new Set(['evidence.scip_occurrences']) })) await store.ingest(registry.get(batch.dataset), batch);
 * }
 */
export function createScipExtractor(options: ScipExtractorOptions): Extractor {
  const checked = validate(ScipExtractorOptionsSchema, options);
  if (!checked.ok) {
    throw ExtractScipError.create('InvalidOptions', `invalid SCIP extractor options:\n${formatIssues(checked.issues)}`, {
      details: { issues: checked.issues },
      hint: "pass { mode: 'index', indexPath } to read an index, or { mode: 'run' } to run scip-python",
    });
  }
  const o = checked.value;
  const batchRows = o.batchRows ?? DEFAULT_BATCH_ROWS;
  if (o.mode === 'index') {
    return Object.freeze({
      descriptor: scipDescriptor,
      capability: () => indexCapability(o.indexPath),
      extract: (request: ExtractionRequest) => extractFromIndex(o.indexPath, request, batchRows),
    });
  }
  const toolchainOptions = { environmentPath: o.environmentPath, python3: o.python3, searchPath: o.searchPath };
  let descriptor: ExtractorDescriptor;
  try {
    descriptor = scipRunDescriptor(locateScipPython().version, o.environmentPath !== undefined);
  } catch (error) {
    if (!ExtractScipError.is(error, 'IndexerMissing')) throw error;
    // The descriptor still lists the datasets; capability() says what is missing.
    descriptor = scipRunDescriptor('missing', o.environmentPath !== undefined);
  }
  return Object.freeze({
    descriptor,
    async capability(): Promise<ExtractorCapability> {
      try {
        const t = await scipPythonToolchain(toolchainOptions);
        const tools: Record<string, string> = { 'scip-python': t.installation.version };
        if (t.python3 !== null) tools['python3'] = t.python3;
        if (t.pip !== null) tools['pip'] = t.pip;
        return { extractor: 'scip', available: true, tools };
      } catch (error) {
        return { extractor: 'scip', tools: {}, ...unavailable(error) };
      }
    },
    async *extract(request: ExtractionRequest): AsyncGenerator<ColumnBatch, void, undefined> {
      if (![...request.datasets].some((name) => descriptor.datasets.some((ds) => ds.name === name))) return;
      const temporary = o.outputPath === undefined ? await mkdtemp(join(tmpdir(), 'anatomy-scip-')) : null;
      try {
        // runScipPython's schema drops the extractor's own options (mode, batchRows).
        const run = await runScipPython({
          ...indexerOptions(o),
          root: request.root,
          outputPath: o.outputPath ?? join(temporary as string, 'index.scip'),
          ...(request.signal === undefined ? {} : { signal: request.signal }),
        });
        yield* extractFromIndex(run.indexPath, request, batchRows);
      } finally {
        if (temporary !== null) await rm(temporary, { recursive: true, force: true });
      }
    },
  });
}
