import type { DatasetSchema } from '@anatomy/schema-authority';
import type { SyntaxSinks } from './collect-syntax-evidence.js';
import { RowBuffer } from './row-buffer.js';
import type { AnyRow } from './row-buffer.js';
import {
  tsAttributesDataset,
  tsCallsDataset,
  tsDecoratorsDataset,
  tsDefsDataset,
  tsDocstringsDataset,
  tsErrorsDataset,
  tsImportsDataset,
  tsNodesDataset,
  tsParamsDataset,
  tsRefsDataset,
} from './tree-sitter-datasets.js';
import type { TsNodeRow } from './tree-sitter-datasets.js';
import type { TsDefRow } from './ts-def-row.js';
import type { TsErrorRow } from './ts-error-row.js';

/** A row buffer per demanded tree-sitter dataset; null for the others, whose walks are skipped. */
export interface FileEvidenceSinks extends SyntaxSinks {
  readonly defs: RowBuffer<TsDefRow> | null;
  readonly errors: RowBuffer<TsErrorRow> | null;
  readonly nodes: RowBuffer<TsNodeRow> | null;
}

function bufferFor<R extends AnyRow>(ds: DatasetSchema, demanded: ReadonlySet<string>): RowBuffer<R> | null {
  return demanded.has(ds.name) ? new RowBuffer<R>(ds) : null;
}

/**
 * Row buffers for the demanded datasets (names such as
 * `evidence.ts_refs`); names of other extractors' datasets are ignored.
 *
 * @example
 * const sinks = fileEvidenceSinks(new Set(['evidence.ts_defs', 'evidence.ts_calls']));
 */
export function fileEvidenceSinks(demanded: ReadonlySet<string>): FileEvidenceSinks {
  return {
    defs: bufferFor(tsDefsDataset, demanded),
    errors: bufferFor(tsErrorsDataset, demanded),
    nodes: bufferFor(tsNodesDataset, demanded),
    params: bufferFor(tsParamsDataset, demanded),
    refs: bufferFor(tsRefsDataset, demanded),
    attributes: bufferFor(tsAttributesDataset, demanded),
    imports: bufferFor(tsImportsDataset, demanded),
    calls: bufferFor(tsCallsDataset, demanded),
    decorators: bufferFor(tsDecoratorsDataset, demanded),
    docstrings: bufferFor(tsDocstringsDataset, demanded),
  };
}

/**
 * The buffers that exist, in the order of `treeSitterDatasets`.
 *
 * @example
 * for (const buffer of activeBuffers(sinks)) await store.ingest(buffer.dataset, buffer.toBatch());
 */
export function activeBuffers(sinks: FileEvidenceSinks): RowBuffer<AnyRow>[] {
  const all = [sinks.defs, sinks.errors, sinks.nodes, sinks.params, sinks.refs, sinks.attributes, sinks.imports, sinks.calls, sinks.decorators, sinks.docstrings];
  return all.filter((b) => b !== null) as unknown as RowBuffer<AnyRow>[];
}
