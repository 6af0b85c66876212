import { columnBatch } from '@anatomy/schema-authority';
import type { CellValue, ColumnBatch, DatasetSchema } from '@anatomy/schema-authority';

/**
 * Collects rows of one dataset column by column and hands them out as
 * validated batches of bounded size, so an extractor's memory stays flat
 * however many rows it produces.
 */
export class RowBuffer {
  readonly dataset: DatasetSchema;
  readonly capacity: number;
  #columns: Record<string, CellValue[]>;
  #rows = 0;

  constructor(dataset: DatasetSchema, capacity: number) {
    this.dataset = dataset;
    this.capacity = capacity;
    this.#columns = this.#empty();
  }

  #empty(): Record<string, CellValue[]> {
    return Object.fromEntries(this.dataset.columns.map((c) => [c.name, []]));
  }

  /** Appends a row; a column the row leaves out is NULL. */
  push(row: Readonly<Record<string, CellValue>>): void {
    for (const column of this.dataset.columns) (this.#columns[column.name] as CellValue[]).push(row[column.name] ?? null);
    this.#rows++;
  }

  /**
   * The value arrays of the columns, by name, for a writer that fills them
   * directly: it appends exactly one value to every column per row, then
   * tells how many rows with {@link added}. Valid until the next `take`.
   */
  columns(): Readonly<Record<string, CellValue[]>> {
    return this.#columns;
  }

  /** Counts rows a writer appended through {@link columns}; every column must have grown by as many values. */
  added(rows: number): void {
    this.#rows += rows;
    for (const [name, values] of Object.entries(this.#columns)) {
      if (values.length !== this.#rows) throw new Error(`RowBuffer of ${this.dataset.name}: column ${name} holds ${values.length} values for ${this.#rows} rows`);
    }
  }

  /** Rows collected and not yet handed out. */
  get size(): number {
    return this.#rows;
  }

  /**
   * Hands out the collected rows as batches of exactly `capacity` rows,
   * keeping the remainder; with `all`, the remainder too, as a last smaller
   * batch. The buffer keeps nothing it has handed out.
   */
  take(all: boolean): ColumnBatch[] {
    const batches: ColumnBatch[] = [];
    let from = 0;
    while (this.#rows - from >= this.capacity || (all && this.#rows > from)) {
      const to = Math.min(from + this.capacity, this.#rows);
      const slice = Object.fromEntries(Object.entries(this.#columns).map(([name, values]) => [name, from === 0 && to === this.#rows ? values : values.slice(from, to)]));
      batches.push(columnBatch(this.dataset, slice));
      from = to;
    }
    if (from > 0) {
      this.#columns = Object.fromEntries(Object.entries(this.#columns).map(([name, values]) => [name, values.slice(from)]));
      this.#rows -= from;
    }
    return batches;
  }
}
