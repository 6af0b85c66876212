import type { DatasetSchema } from '@anatomy/schema-authority';
import type { ExtractorDescriptor } from './extractor-descriptor.js';
import {
  scipDiagnosticsDataset,
  scipDocumentsDataset,
  scipOccurrencesDataset,
  scipRelationshipsDataset,
  scipSymbolsDataset,
} from './scip-datasets.js';

/** Every evidence table the SCIP extractor emits. */
export const scipEvidenceDatasets: readonly DatasetSchema[] = Object.freeze([
  scipDocumentsDataset,
  scipOccurrencesDataset,
  scipSymbolsDataset,
  scipRelationshipsDataset,
  scipDiagnosticsDataset,
]);

/**
 * The SCIP extractor's self-description. It reads an existing `index.scip`
 * without any tool; only when asked to index does it need `scip-python`,
 * which the capability snapshot checks at that point, so `needs` stays empty.
 *
 * @example
 * registry.registerAll(extractorDescriptor.datasets);
 */
export const extractorDescriptor: ExtractorDescriptor = Object.freeze({
  name: 'scip',
  version: 1,
  needs: Object.freeze({}),
  datasets: scipEvidenceDatasets,
});
