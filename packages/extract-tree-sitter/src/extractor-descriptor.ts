import { defineExtractor } from '@anatomy/schema-authority';
import type { ExtractorDescriptor } from '@anatomy/schema-authority';
import { treeSitterDatasets } from './tree-sitter-datasets.js';

/** Version of the extraction logic; bump it when rows may differ for the same input. */
export const EXTRACTOR_VERSION = '2';
/** The grammar package whose parse trees the rows come from. */
export const TREE_SITTER_PYTHON_VERSION = '0.25.0';
/** The tree-sitter runtime that parses. */
export const WEB_TREE_SITTER_VERSION = '0.27.2';

/**
 * The tree-sitter extractor's self-description. It needs no external tool:
 * the grammar is bundled WebAssembly.
 *
 * @example
 * for (const ds of treeSitterDescriptor.datasets) registry.register(ds);
 */
export const treeSitterDescriptor: ExtractorDescriptor = defineExtractor({
  name: 'tree-sitter',
  version: `${EXTRACTOR_VERSION}+tree-sitter-python@${TREE_SITTER_PYTHON_VERSION}+web-tree-sitter@${WEB_TREE_SITTER_VERSION}`,
  needs: {},
  datasets: [...treeSitterDatasets],
});
