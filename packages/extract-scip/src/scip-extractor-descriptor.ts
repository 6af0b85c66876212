import { defineExtractor } from '@anatomy/schema-authority';
import type { DatasetSchema, ExtractorDescriptor } from '@anatomy/schema-authority';
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

/** Version of the reading logic; change it whenever the same index may give other rows. */
export const SCIP_EXTRACTOR_VERSION = '2';

/**
 * The SCIP extractor's self-description when it reads an existing index: it
 * needs no tool. Running scip-python adds the indexer's version and the
 * Python tools it calls (see `createScipExtractor`).
 *
 * @example
 * registry.registerAll(scipDescriptor.datasets);
 */
export const scipDescriptor: ExtractorDescriptor = defineExtractor({
  name: 'scip',
  version: SCIP_EXTRACTOR_VERSION,
  needs: {},
  datasets: [...scipEvidenceDatasets],
});

/**
 * The self-description of a run of scip-python: the rows also depend on the
 * indexer's version, and without an environment file scip-python asks
 * `python3` and `pip` which packages are installed.
 */
export function scipRunDescriptor(scipPythonVersion: string, usesEnvironmentFile: boolean): ExtractorDescriptor {
  return defineExtractor({
    name: 'scip',
    version: `${SCIP_EXTRACTOR_VERSION}+scip-python@${scipPythonVersion}`,
    needs: usesEnvironmentFile ? {} : { python3: '>=3.8', pip: '>=9' },
    datasets: [...scipEvidenceDatasets],
  });
}
