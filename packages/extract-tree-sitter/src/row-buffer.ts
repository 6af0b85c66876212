import { columnBatch } from '@anatomy/schema-authority';
import type { CellValue, ColumnBatch, ColumnType, DatasetSchema } from '@anatomy/schema-authority';

type CellOf<T extends ColumnType> = T extends 'utf8' ? string : T extends 'bool' ? boolean : T extends 'binary' ? Uint8Array : number;

/** A row of any dataset: cells by column name. */
export type AnyRow = Readonly<Record<string, CellValue>>;

/** The column declarations a row type is derived from (a `const` tuple of column specs). */
export type ColumnDeclarations = readonly { readonly name: string; readonly type: ColumnType; readonly nullable: boolean }[];

/**
 * The row of a dataset, derived from the same column declarations the
 * dataset is defined with, so a row and its schema cannot drift apart:
 * `utf8` is a string, integer and float columns numbers, `bool` a boolean,
 * and nullable columns also accept null.
 *
 * @example
 * type Ref = RowOf<typeof refColumns>; // { file_id: string; name: string; def_bstart: number | null; … }
 */
export type RowOf<C extends ColumnDeclarations> = {
  readonly [K in C[number] as K['name']]: K['nullable'] extends true ? CellOf<K['type']> | null : CellOf<K['type']>;
};

/**
 * Rows of one dataset gathered column by column, the layout batches and the
 * store want. Walks append rows as objects; the buffer splits them into one
 * array per declared column, in declaration order.
 *
 * @example
 * const refs = new RowBuffer<TsRefRow>(tsRefsDataset);
 * refs.append(row);
 * await store.ingest(tsRefsDataset, refs.toBatch());
 */
export class RowBuffer<R extends AnyRow> {
  readonly dataset: DatasetSchema;
  readonly #names: readonly string[];
  readonly #spread: (columns: CellValue[][], row: AnyRow) => void;
  #columns: CellValue[][];

  constructor(dataset: DatasetSchema) {
    this.dataset = dataset;
    this.#names = dataset.columns.map((c) => c.name);
    this.#spread = columnSpreader(this.#names);
    this.#columns = this.#names.map(() => []);
  }

  /** Number of rows appended since creation or the last {@link take}. */
  get rowCount(): number {
    return this.#columns[0]?.length ?? 0;
  }

  /** Appends one row; every declared column is read from it. */
  append(row: R): void {
    this.#spread(this.#columns, row);
  }

  /**
   * Drops the rows appended after the first `rowCount`, e.g. the partial
   * evidence of a file whose extraction failed halfway.
   */
  truncate(rowCount: number): void {
    for (const column of this.#columns) column.length = Math.min(column.length, rowCount);
  }

  /** Hands over the gathered columns by name and starts empty again. */
  take(): Record<string, CellValue[]> {
    const out: Record<string, CellValue[]> = {};
    this.#names.forEach((name, i) => {
      out[name] = this.#columns[i] as CellValue[];
    });
    this.#columns = this.#names.map(() => []);
    return out;
  }

  /** The gathered rows as a validated batch of the dataset; the buffer starts empty again. */
  toBatch(): ColumnBatch {
    return columnBatch(this.dataset, this.take());
  }
}

/**
 * A function that pushes each named cell of a row onto its column, one
 * statement per column with the name written into it. A loop reading
 * `row[names[i]]` makes every read a lookup by a key V8 learns nothing
 * from, across the datasets' row shapes; written out, each read has one
 * name and one shape. A cell the row lacks is pushed as `undefined`, as the
 * loop did. The names are the dataset's declared columns, quoted as JSON.
 */
function columnSpreader(names: readonly string[]): (columns: CellValue[][], row: AnyRow) => void {
  const statements = names.map((name, i) => `columns[${i}].push(row[${JSON.stringify(name)}]);`);
  // Code made from the declared column names only, each quoted as a JSON string.
  return new Function('columns', 'row', statements.join('\n')) as (columns: CellValue[][], row: AnyRow) => void;
}
