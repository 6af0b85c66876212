import { defineExtractor } from '@anatomy/schema-authority';
import type { DatasetSchema, ExtractorDescriptor } from '@anatomy/schema-authority';
import { pythonAstDatasets } from './ast-datasets.js';
import { pythonBytecodeDatasets } from './bytecode-datasets.js';
import { pythonSymtableDatasets } from './symtable-datasets.js';

/** Every evidence table the python extractor emits: ast, then symtable, then bytecode. */
export const pythonEvidenceDatasets: readonly DatasetSchema[] = Object.freeze([
  ...pythonAstDatasets,
  ...pythonSymtableDatasets,
  ...pythonBytecodeDatasets,
]);

/**
 * Version of the rows the worker script produces; change it whenever the same
 * file could give other rows. The rows also depend on the python3 that runs
 * the worker (its version is in the capability's `tools`).
 */
export const PYTHON_EXTRACTOR_VERSION = '3';

/**
 * The python extractor's self-description: CPython's own ast, symtable and
 * dis, run by python3 3.8 or newer (end positions of ast nodes exist from 3.8).
 *
 * @example
 * registry.registerAll(pythonExtractorDescriptor.datasets);
 */
export const pythonExtractorDescriptor: ExtractorDescriptor = defineExtractor({
  name: 'python',
  version: PYTHON_EXTRACTOR_VERSION,
  needs: { python3: '>=3.8' },
  datasets: [...pythonEvidenceDatasets],
});
