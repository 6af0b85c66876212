export {
  scipDocumentsDataset,
  scipOccurrencesDataset,
  scipSymbolsDataset,
  scipRelationshipsDataset,
  scipDiagnosticsDataset,
  SCIP_SYMBOL_ROLE_BITS,
} from './scip-datasets.js';
export { ExtractorDescriptorSchema } from './extractor-descriptor.js';
export type { ExtractorDescriptor } from './extractor-descriptor.js';
export { scipEvidenceDatasets, extractorDescriptor } from './scip-extractor-descriptor.js';
