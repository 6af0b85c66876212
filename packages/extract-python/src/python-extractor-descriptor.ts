import type { DatasetSchema } from '@anatomy/schema-authority';
import { pythonAstDatasets } from './ast-datasets.js';
import { pythonBytecodeDatasets } from './bytecode-datasets.js';
import type { ExtractorDescriptor } from './extractor-descriptor.js';
import { pythonSymtableDatasets } from './symtable-datasets.js';

/** Every evidence table the python extractor emits: ast, then symtable, then bytecode. */
export const pythonEvidenceDatasets: readonly DatasetSchema[] = Object.freeze([
  ...pythonAstDatasets,
  ...pythonSymtableDatasets,
  ...pythonBytecodeDatasets,
]);

/**
 * The python extractor's self-description: CPython's own ast, symtable and
 * dis, run by python3 3.8 or newer (end positions of ast nodes exist from 3.8).
 *
 * @example
 * registry.registerAll(extractorDescriptor.datasets);
 */
export const extractorDescriptor: ExtractorDescriptor = Object.freeze({
  name: 'python',
  version: 1,
  needs: Object.freeze({ python3: '>=3.8' }),
  datasets: pythonEvidenceDatasets,
});
