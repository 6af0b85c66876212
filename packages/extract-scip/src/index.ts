export {
  scipDocumentsDataset,
  scipOccurrencesDataset,
  scipSymbolsDataset,
  scipRelationshipsDataset,
  scipDiagnosticsDataset,
  SCIP_SYMBOL_ROLE_BITS,
} from './scip-datasets.js';
export { scipEvidenceDatasets, scipDescriptor, SCIP_EXTRACTOR_VERSION } from './scip-extractor-descriptor.js';
export { createScipExtractor, ScipExtractorOptionsSchema } from './scip-extractor.js';
export type { ScipExtractorOptions } from './scip-extractor.js';
export { INDEXER_SEMI_SPACE_MB, runScipPython, RunScipPythonOptionsSchema } from './run-scip-python.js';
export type { RunScipPythonOptions, ScipPythonRun } from './run-scip-python.js';
export { scipPythonToolchain } from './scip-python-toolchain.js';
export type { ScipPythonToolchain, ScipPythonToolchainOptions } from './scip-python-toolchain.js';
export { readScipIndex } from './read-scip-index.js';
export type { ReadScipIndexOptions } from './read-scip-index.js';
export type {
  ScipIndexEntry,
  ScipMetadata,
  ScipDocument,
  ScipOccurrence,
  ScipRange,
  ScipSymbolInformation,
  ScipRelationship,
  ScipDiagnostic,
} from './scip-messages.js';
export { parseScipSymbol } from './parse-scip-symbol.js';
export type { ParsedScipSymbol, ScipDescriptor, DescriptorSuffix } from './parse-scip-symbol.js';
export { DocumentPositionMap } from './document-position-map.js';
export { documentCharUnit } from './document-char-unit.js';
export type { CharUnit } from './scip-enums.js';
export { ExtractScipError } from './extract-scip-error.js';
