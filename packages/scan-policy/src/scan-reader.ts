import { datasetReads } from '@anatomy/plan-signals';
import type { DatasetRead, ViewLineage } from '@anatomy/plan-signals';

/**
 * What scan policy needs to know about one view: how it reads each stored
 * relation. `PlanSignals` has this shape already; a `ViewLineage` is
 * turned into it by {@link scanReader}.
 */
export interface ScanReader {
  readonly view: string;
  readonly reads: readonly DatasetRead[];
}

function isLineage(input: ViewLineage | ScanReader): input is ViewLineage {
  return 'tables' in input && 'columns' in input;
}

/**
 * Reads a view's lineage (or passes plan signals through) as a ScanReader.
 *
 * @example
 * scanReader(lineage).reads; // [{ table: 'evidence.ts_defs', columns: [...], columnsComplete: true, sites: [[]] }]
 */
export function scanReader(input: ViewLineage | ScanReader): ScanReader {
  return isLineage(input) ? { view: input.view, reads: datasetReads(input) } : input;
}
