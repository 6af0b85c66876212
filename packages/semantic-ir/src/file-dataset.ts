import { columnsWithRole } from '@anatomy/schema-authority';
import type { DatasetSchema } from '@anatomy/schema-authority';

/**
 * Registered datasets that describe files, one row per file: a file identity
 * and a path, and no span (their rows are not located inside a file). Output
 * contracts are excluded: they are what the program fills, not evidence.
 *
 * @example
 * fileDatasets(registry.list(), new Set(['cpg.nodes'])).map((d) => d.name); // ['evidence.files']
 */
export function fileDatasets(datasets: readonly DatasetSchema[], outputs: ReadonlySet<string>): readonly DatasetSchema[] {
  return datasets.filter(
    (ds) =>
      !outputs.has(ds.name) &&
      columnsWithRole(ds, 'file-identity').length === 1 &&
      columnsWithRole(ds, 'path').length === 1 &&
      columnsWithRole(ds, 'span-start').length === 0,
  );
}
