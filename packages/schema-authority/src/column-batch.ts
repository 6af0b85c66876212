import { SchemaAuthorityError } from './dataset-schema.js';
import type { ColumnSpec, DatasetSchema } from './dataset-schema.js';

/** A value of one cell of a batch. */
export type CellValue = string | number | bigint | boolean | Uint8Array | null;

/**
 * A column-major batch of rows for one dataset: the unit extractors hand to
 * the store. Every declared column is present and has `rowCount` values.
 */
export interface ColumnBatch {
  readonly dataset: string;
  readonly rowCount: number;
  readonly columns: Readonly<Record<string, readonly CellValue[]>>;
}

/** Whether a non-null value fits a column type. */
const FITS: Readonly<Record<ColumnSpec['type'], (v: CellValue) => boolean>> = {
  utf8: (v) => typeof v === 'string',
  int64: (v) => typeof v === 'bigint' || (typeof v === 'number' && Number.isSafeInteger(v)),
  int32: (v) => typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647,
  float64: (v) => typeof v === 'number',
  bool: (v) => typeof v === 'boolean',
  binary: (v) => v instanceof Uint8Array,
};

/**
 * The index of the first value a column cannot hold, or -1. A string column
 * (most cells of most batches) is checked by a loop of its own, with no call
 * per value: batches of the standard library's evidence hold about 20
 * million cells, checked on the thread that also feeds the store.
 */
function firstMisfit(col: ColumnSpec, values: readonly CellValue[]): number {
  const nullable = col.nullable;
  if (col.type === 'utf8') {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'string' && !(v === null && nullable)) return i;
    }
    return -1;
  }
  const fits = FITS[col.type];
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as CellValue;
    if (v === null ? !nullable : !fits(v)) return i;
  }
  return -1;
}

/**
 * Builds a batch for a dataset after checking that every declared column is
 * present with the same number of values of the declared type. Checking is
 * linear in the batch size and runs once, at the producer's edge.
 *
 * @example
 * columnBatch(filesDataset, { file_id: ['file:…'], path: ['a.py'], … });
 */
export function columnBatch(ds: DatasetSchema, columns: Readonly<Record<string, readonly CellValue[]>>): ColumnBatch {
  const problems: string[] = [];
  const first = ds.columns[0];
  const rowCount = first === undefined ? 0 : (columns[first.name]?.length ?? 0);
  for (const col of ds.columns) {
    const values = columns[col.name];
    if (values === undefined) {
      problems.push(`${col.name}: missing`);
      continue;
    }
    if (values.length !== rowCount) problems.push(`${col.name}: ${values.length} values, expected ${rowCount}`);
    const bad = firstMisfit(col, values);
    if (bad >= 0) problems.push(`${col.name}[${bad}]: ${String(values[bad])} is not a valid ${col.type}${col.nullable ? '' : ' (not nullable)'}`);
  }
  const declared = new Set(ds.columns.map((c) => c.name));
  for (const name of Object.keys(columns)) if (!declared.has(name)) problems.push(`${name}: not a column of ${ds.name}`);
  if (problems.length > 0) {
    throw SchemaAuthorityError.create('InvalidBatch', `batch for ${ds.name} does not match its schema:\n${problems.join('\n')}`, {
      details: { dataset: ds.name, problems },
      hint: 'the producer must emit exactly the columns its dataset declares',
    });
  }
  return Object.freeze({ dataset: ds.name, rowCount, columns: Object.freeze({ ...columns }) });
}
