import { columnBatch } from '@anatomy/schema-authority';
import type { CellValue, ColumnBatch, DatasetSchema } from '@anatomy/schema-authority';
import { appendUnpacked } from './packed-rows.js';
import type { PackedRows } from './packed-rows.js';

interface Pending {
  readonly ds: DatasetSchema;
  columns: CellValue[][];
  rows: number;
}

/**
 * Gathers packed rows arriving from workers into column batches of at most
 * `maxRows` rows per dataset. Small results (a chunk's few definitions)
 * are merged until a batch is full, large ones (a huge file's references)
 * are cut, so the store sees batches of a steady size and memory holds at
 * most one partial batch per dataset.
 *
 * @example
 * const assembler = new BatchAssembler([tsRefsDataset], 50_000);
 * for (const batch of assembler.add(rows)) yield batch;
 * yield* assembler.flush();
 */
export class BatchAssembler {
  readonly #maxRows: number;
  readonly #pending = new Map<string, Pending>();

  constructor(datasets: readonly DatasetSchema[], maxRows: number) {
    if (!Number.isSafeInteger(maxRows) || maxRows < 1) throw new RangeError(`BatchAssembler: maxRows must be a positive integer, got ${maxRows}`);
    this.#maxRows = maxRows;
    for (const ds of datasets) this.#pending.set(ds.name, { ds, columns: ds.columns.map(() => []), rows: 0 });
  }

  /** Takes in one dataset's packed rows; returns the batches that became full. Rows of unknown datasets are ignored. */
  add(rows: PackedRows): ColumnBatch[] {
    const pending = this.#pending.get(rows.dataset);
    if (pending === undefined) return [];
    const out: ColumnBatch[] = [];
    let from = 0;
    while (from < rows.rowCount) {
      const to = Math.min(rows.rowCount, from + this.#maxRows - pending.rows);
      pending.ds.columns.forEach((col, i) => {
        const packed = rows.columns[col.name];
        if (packed === undefined) throw new RangeError(`BatchAssembler: ${rows.dataset} rows lack the column ${col.name}`);
        appendUnpacked(packed, from, to, pending.columns[i] as CellValue[]);
      });
      pending.rows += to - from;
      from = to;
      if (pending.rows >= this.#maxRows) out.push(this.#cut(pending));
    }
    return out;
  }

  /** The remaining partial batches, one per dataset that has rows. */
  flush(): ColumnBatch[] {
    const out: ColumnBatch[] = [];
    for (const pending of this.#pending.values()) if (pending.rows > 0) out.push(this.#cut(pending));
    return out;
  }

  #cut(pending: Pending): ColumnBatch {
    const columns: Record<string, CellValue[]> = {};
    pending.ds.columns.forEach((col, i) => {
      columns[col.name] = pending.columns[i] as CellValue[];
    });
    pending.columns = pending.ds.columns.map(() => []);
    pending.rows = 0;
    return columnBatch(pending.ds, columns);
  }
}
