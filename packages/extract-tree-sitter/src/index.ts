export { treeSitterExtractor, createTreeSitterExtractor, TreeSitterExtractorOptionsSchema } from './create-tree-sitter-extractor.js';
export type { TreeSitterExtractorOptions } from './create-tree-sitter-extractor.js';
export { treeSitterCapability } from './tree-sitter-capability.js';
export { defaultWorkerCount } from './extract-with-workers.js';
export { TreeSitterExtractor } from './tree-sitter-extractor.js';
export type { FileEvidence } from './tree-sitter-extractor.js';
export { TsDefRowSchema, DefKindSchema } from './ts-def-row.js';
export type { TsDefRow, DefKind } from './ts-def-row.js';
export { TsErrorRowSchema } from './ts-error-row.js';
export type { TsErrorRow } from './ts-error-row.js';
export {
  tsDefsDataset,
  tsErrorsDataset,
  tsNodesDataset,
  tsParamsDataset,
  tsRefsDataset,
  tsAttributesDataset,
  tsImportsDataset,
  tsCallsDataset,
  tsDecoratorsDataset,
  tsDocstringsDataset,
  treeSitterDatasets,
  defsBatch,
  errorsBatch,
  MAX_TEXT_LENGTH,
} from './tree-sitter-datasets.js';
export type { TsNodeRow, TsParamRow, TsRefRow, TsAttributeRow, TsImportRow, TsCallRow, TsDecoratorRow, TsDocstringRow } from './tree-sitter-datasets.js';
export { tsNodeId, TS_NODE_ID_NAMESPACE } from './collect-nodes.js';
export { treeSitterDescriptor, EXTRACTOR_VERSION, TREE_SITTER_PYTHON_VERSION, WEB_TREE_SITTER_VERSION } from './extractor-descriptor.js';
export { ExtractTreeSitterError } from './extract-tree-sitter-error.js';
