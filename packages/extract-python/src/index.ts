export {
  pyAstNodesDataset,
  pyDefsDataset,
  pyImportsDataset,
  pyCallsDataset,
  pyDocstringsDataset,
  pyDecoratorsDataset,
  pyParseErrorsDataset,
  pythonAstDatasets,
} from './ast-datasets.js';
export { pyScopesDataset, pySymbolsDataset, SYMTABLE_SYMBOL_FLAGS, pythonSymtableDatasets } from './symtable-datasets.js';
export {
  pyCodeObjectsDataset,
  pyInstructionsDataset,
  pyLineTableDataset,
  pyCfgEdgesDataset,
  pythonBytecodeDatasets,
} from './bytecode-datasets.js';
export { ExtractorDescriptorSchema } from './extractor-descriptor.js';
export type { ExtractorDescriptor } from './extractor-descriptor.js';
export { pythonEvidenceDatasets, extractorDescriptor } from './python-extractor-descriptor.js';
