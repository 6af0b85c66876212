import { columnBatch } from '@anatomy/schema-authority';
import type { CellValue, ColumnBatch, DatasetSchema } from '@anatomy/schema-authority';

/**
 * Gathers rows of one dataset from many files and cuts them into batches of
 * at most `maxRows` rows, so consumers see bounded batches whatever the size
 * of a file.
 *
 * @example
 * const acc = new BatchAccumulator(pyDefsDataset, 8192);
 * for (const batch of acc.append(columns, rowCount)) yield batch;
 * const rest = acc.flush();
 */
export class BatchAccumulator {
  readonly #columns: CellValue[][];
  #rows = 0;

  constructor(
    readonly dataset: DatasetSchema,
    readonly maxRows: number,
  ) {
    this.#columns = dataset.columns.map(() => []);
  }

  /** Adds rows given as columns in dataset order; returns the batches that filled up. */
  append(columns: readonly (readonly CellValue[])[], rowCount: number): ColumnBatch[] {
    columns.forEach((values, i) => {
      const target = this.#columns[i] as CellValue[];
      for (let r = 0; r < rowCount; r++) target.push(values[r] as CellValue);
    });
    this.#rows += rowCount;
    const full: ColumnBatch[] = [];
    while (this.#rows >= this.maxRows) full.push(this.#cut(this.maxRows));
    return full;
  }

  /** The rows left over, as one last batch, or null when none are. */
  flush(): ColumnBatch | null {
    return this.#rows === 0 ? null : this.#cut(this.#rows);
  }

  #cut(rows: number): ColumnBatch {
    const record: Record<string, readonly CellValue[]> = {};
    this.dataset.columns.forEach((c, i) => {
      record[c.name] = (this.#columns[i] as CellValue[]).splice(0, rows);
    });
    this.#rows -= rows;
    return columnBatch(this.dataset, record);
  }
}
