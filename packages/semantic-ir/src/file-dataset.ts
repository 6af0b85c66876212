import { columnsWithRole } from '@anatomy/schema-authority';
import type { DatasetSchema } from '@anatomy/schema-authority';

/** The registered datasets that carry both a file identity and a path, split by what their rows are. */
export interface FileDatasets {
  /**
   * Datasets keyed by their file-identity column alone, with one path column:
   * exactly one row per file, so they describe files and can be joined on
   * file identity without multiplying rows.
   */
  readonly describing: readonly DatasetSchema[];
  /**
   * Datasets that look like file datasets — a file identity, a path and no
   * span — but are not keyed by the file identity (diagnostics, per-file
   * events): several rows may name one file, so they mention files without
   * describing them and are never joined for file-level columns. Datasets
   * with spans are not listed: their rows plainly sit inside files.
   */
  readonly mentioning: readonly DatasetSchema[];
}

/** True when the dataset's declared key is exactly its single file-identity column. */
function keyedByFileIdentity(ds: DatasetSchema): boolean {
  const files = columnsWithRole(ds, 'file-identity');
  const [file] = files;
  return file !== undefined && files.length === 1 && ds.key?.length === 1 && ds.key[0] === file.name;
}

/**
 * Finds the datasets that describe files, one row per file, by their key and
 * roles rather than their names: the key is exactly the file-identity column
 * and there is one path column. Unkeyed look-alikes that merely mention files
 * are listed apart, so decisions can say why they were passed over. Output contracts are
 * excluded: they are what the program fills, not evidence.
 *
 * @example
 * fileDatasets(registry.list(), new Set(['cpg.nodes']));
 * // { describing: [evidence.files], mentioning: [evidence.scan_diagnostics] }
 */
export function fileDatasets(datasets: readonly DatasetSchema[], outputs: ReadonlySet<string>): FileDatasets {
  const withPath = datasets.filter(
    (ds) => !outputs.has(ds.name) && columnsWithRole(ds, 'file-identity').length === 1 && columnsWithRole(ds, 'path').length === 1,
  );
  return Object.freeze({
    describing: Object.freeze(withPath.filter(keyedByFileIdentity)),
    mentioning: Object.freeze(withPath.filter((ds) => !keyedByFileIdentity(ds) && columnsWithRole(ds, 'span-start').length === 0)),
  });
}
