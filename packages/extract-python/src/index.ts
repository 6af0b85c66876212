export {
  pyAstNodesDataset,
  pyDefsDataset,
  pyImportsDataset,
  pyCallsDataset,
  pyDocstringsDataset,
  pyClassBasesDataset,
  pyDecoratorsDataset,
  pyParseErrorsDataset,
  pythonAstDatasets,
} from './ast-datasets.js';
export { pyScopesDataset, pyStarExportsDataset, pySymbolsDataset, SYMTABLE_SYMBOL_FLAGS, pythonSymtableDatasets } from './symtable-datasets.js';
export {
  pyCodeObjectsDataset,
  pyInstructionsDataset,
  pyLineTableDataset,
  pyCfgEdgesDataset,
  pythonBytecodeDatasets,
} from './bytecode-datasets.js';
export { pythonEvidenceDatasets, pythonExtractorDescriptor, PYTHON_EXTRACTOR_VERSION } from './python-extractor-descriptor.js';
export { createPythonExtractor, pythonExtractor } from './python-extractor.js';
export { PythonExtractorOptionsSchema, resolvePythonExtractorOptions } from './python-extractor-options.js';
export type { PythonExtractorOptions, ResolvedPythonExtractorOptions } from './python-extractor-options.js';
export { probePython } from './probe-python.js';
export { satisfiesVersionRange } from './version-range.js';
export { ExtractPythonError } from './extract-python-error.js';
export { WORKER_SCRIPT_PATH } from './worker-script.js';
