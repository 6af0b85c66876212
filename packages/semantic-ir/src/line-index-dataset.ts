import { columnsWithRole } from '@anatomy/schema-authority';
import type { DatasetSchema } from '@anatomy/schema-authority';

/**
 * Finds the registered datasets that index lines, by roles and key rather
 * than names: keyed by exactly a file-identity and a line column, with a
 * span-start column holding the first byte of the line. Many datasets have
 * a file, a line and a span start (definitions do); only a line index has
 * one row per file and line.
 *
 * @example
 * lineIndexDatasets(registry.list()); // [evidence.line_index]
 */
export function lineIndexDatasets(datasets: readonly DatasetSchema[]): readonly DatasetSchema[] {
  return datasets.filter((ds) => {
    const [file] = columnsWithRole(ds, 'file-identity');
    const lines = columnsWithRole(ds, 'line');
    const [line] = lines;
    const key = new Set(ds.key ?? []);
    return (
      file !== undefined &&
      line !== undefined &&
      lines.length === 1 &&
      columnsWithRole(ds, 'span-start').length === 1 &&
      key.size === 2 &&
      key.has(file.name) &&
      key.has(line.name)
    );
  });
}
