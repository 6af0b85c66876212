import { columnBatch } from '@anatomy/schema-authority';
import type { CellValue, ColumnBatch, DatasetSchema } from '@anatomy/schema-authority';
import { unpackInto } from './packed-rows.js';
import type { PackedColumn, PackedRows } from './packed-rows.js';

/** Rows `[from, to)` of one packed result, kept packed until their batch is cut. */
interface Part {
  readonly rows: PackedRows;
  readonly from: number;
  readonly to: number;
}

interface Pending {
  readonly ds: DatasetSchema;
  parts: Part[];
  rows: number;
}

/**
 * Gathers packed rows arriving from workers into column batches of at most
 * `maxRows` rows per dataset. Small results (a chunk's few definitions)
 * are merged until a batch is full, large ones (a huge file's references)
 * are cut, so the store sees batches of a steady size and memory holds at
 * most one partial batch per dataset. Rows stay packed until their batch is
 * cut, then each column is unpacked into an array made at its final length.
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
    for (const ds of datasets) this.#pending.set(ds.name, { ds, parts: [], rows: 0 });
  }

  /** Takes in one dataset's packed rows; returns the batches that became full. Rows of unknown datasets are ignored. */
  add(rows: PackedRows): ColumnBatch[] {
    const pending = this.#pending.get(rows.dataset);
    if (pending === undefined) return [];
    for (const col of pending.ds.columns) {
      if (rows.columns[col.name] === undefined) throw new RangeError(`BatchAssembler: ${rows.dataset} rows lack the column ${col.name}`);
    }
    const out: ColumnBatch[] = [];
    let from = 0;
    while (from < rows.rowCount) {
      const to = Math.min(rows.rowCount, from + this.#maxRows - pending.rows);
      pending.parts.push({ rows, from, to });
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

  /** The pending rows as one batch, each column unpacked into an array made at its final length. */
  #cut(pending: Pending): ColumnBatch {
    const columns: Record<string, CellValue[]> = {};
    for (const col of pending.ds.columns) {
      const cells = new Array<CellValue>(pending.rows);
      let at = 0;
      for (const part of pending.parts) {
        unpackInto(part.rows.columns[col.name] as PackedColumn, part.from, part.to, cells, at);
        at += part.to - part.from;
      }
      columns[col.name] = cells;
    }
    pending.parts = [];
    pending.rows = 0;
    return columnBatch(pending.ds, columns);
  }
}
