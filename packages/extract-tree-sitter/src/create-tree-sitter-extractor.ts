import { formatIssues, validate } from '@anatomy/contracts';
import type { Extractor } from '@anatomy/schema-authority';
import { z } from 'zod';
import { ExtractTreeSitterError } from './extract-tree-sitter-error.js';
import { extractWithWorkers } from './extract-with-workers.js';
import { treeSitterDescriptor } from './extractor-descriptor.js';
import { treeSitterCapability } from './tree-sitter-capability.js';

/** How a tree-sitter extractor sizes its work; every field has a default. */
export const TreeSitterExtractorOptionsSchema = z
  .object({
    /** Most rows per yielded batch, per dataset. */
    batchRows: z.number().int().positive().default(50_000),
    /** Source bytes per chunk of files sent to a worker (a larger file is a chunk of its own). */
    chunkBytes: z.number().int().positive().default(1 << 20),
    /** Most files per chunk. */
    chunkFiles: z.number().int().positive().default(256),
    /**
     * Heap limit of each worker thread in MiB (its JavaScript heap; the
     * parser's WebAssembly memory is apart). A worker that exceeds it stops
     * and its chunk is retried file by file; unset, Node's default applies.
     */
    workerHeapMb: z.number().int().min(16).optional(),
  })
  .strict();
export type TreeSitterExtractorOptions = z.input<typeof TreeSitterExtractorOptionsSchema>;

/**
 * A tree-sitter extractor implementing the shared `Extractor` contract:
 * its descriptor, a capability check, and `extract`, which streams the
 * demanded datasets of the request's files as bounded column batches from a
 * pool of worker threads. Throws `extract-tree-sitter/InvalidOptions`
 * listing every problem with `options`.
 *
 * @example
 * const extractor = createTreeSitterExtractor({ batchRows: 10_000 });
 * for await (const batch of extractor.extract({ root, files: scan.files, datasets: new Set(['evidence.ts_calls']) })) {
 *   await store.ingest(tsCallsDataset, batch);
 * }
 */
export function createTreeSitterExtractor(options: TreeSitterExtractorOptions = {}): Extractor {
  const result = validate(TreeSitterExtractorOptionsSchema, options);
  if (!result.ok) {
    throw ExtractTreeSitterError.create('InvalidOptions', `invalid tree-sitter extractor options:\n${formatIssues(result.issues)}`, {
      details: { issues: result.issues },
      hint: 'fix the options named above',
    });
  }
  const { batchRows, chunkBytes, chunkFiles, workerHeapMb } = result.value;
  const extractor: Extractor = {
    descriptor: treeSitterDescriptor,
    capability: treeSitterCapability,
    extract: (request) => extractWithWorkers(request, { batchRows, chunk: { bytes: chunkBytes, files: chunkFiles }, workerHeapMb }),
  };
  return Object.freeze(extractor);
}

/**
 * The tree-sitter extractor with default sizing (batches of at most 50,000
 * rows per dataset, 1 MiB chunks).
 *
 * @example
 * const capability = await treeSitterExtractor.capability();
 * for await (const batch of treeSitterExtractor.extract(request)) await store.ingest(registry.get(batch.dataset), batch);
 */
export const treeSitterExtractor: Extractor = createTreeSitterExtractor();
