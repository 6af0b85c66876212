import type { CellValue, DatasetSchema } from '@anatomy/schema-authority';

/**
 * One column in the compact form rows cross a thread boundary in. Strings
 * are dictionary-encoded (a file id repeats on every row, names repeat
 * often), numbers and booleans travel as typed arrays whose buffers are
 * transferred rather than copied.
 */
export type PackedColumn =
  /** `codes[i]` indexes `dictionary`; -1 is null. */
  | { readonly encoding: 'dictionary'; readonly dictionary: readonly string[]; readonly codes: Int32Array }
  /** `nulls` (when present) marks null cells with 1. */
  | { readonly encoding: 'int32'; readonly values: Int32Array; readonly nulls: Uint8Array | null }
  | { readonly encoding: 'float64'; readonly values: Float64Array; readonly nulls: Uint8Array | null }
  /** 0 false, 1 true, 2 null. */
  | { readonly encoding: 'bool'; readonly values: Uint8Array }
  /** Anything else, cloned cell by cell. */
  | { readonly encoding: 'cells'; readonly values: readonly CellValue[] };

/** The rows of one dataset in packed form. */
export interface PackedRows {
  readonly dataset: string;
  readonly rowCount: number;
  readonly columns: Readonly<Record<string, PackedColumn>>;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** Past this many distinct values, a dictionary holding more than half the rows is given up. */
const DICTIONARY_PROBE = 1024;

/**
 * Dictionary-encodes a string column, unless its values are mostly distinct
 * (node ids): then the map costs more than it saves and the strings travel
 * as they are.
 */
function packStrings(values: readonly CellValue[]): PackedColumn {
  const codes = new Int32Array(values.length);
  const dictionary: string[] = [];
  const index = new Map<string, number>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      codes[i] = -1;
      continue;
    }
    const s = v as string;
    let code = index.get(s);
    if (code === undefined) {
      code = dictionary.length;
      dictionary.push(s);
      index.set(s, code);
      if (code >= DICTIONARY_PROBE && code * 2 > i) return { encoding: 'cells', values };
    }
    codes[i] = code;
  }
  return { encoding: 'dictionary', dictionary, codes };
}

/** Integer columns travel in 32 bits when every value fits, float columns always in 64. */
function packNumbers(values: readonly CellValue[], integers: boolean): PackedColumn {
  let nulls: Uint8Array | null = null;
  let fitsInt32 = integers;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null) {
      nulls ??= new Uint8Array(values.length);
      nulls[i] = 1;
    } else if (typeof v !== 'number' || !Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) fitsInt32 = false;
  }
  const out = fitsInt32 ? new Int32Array(values.length) : new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null) out[i] = Number(v);
  }
  return out instanceof Int32Array ? { encoding: 'int32', values: out, nulls } : { encoding: 'float64', values: out, nulls };
}

function packBools(values: readonly CellValue[]): PackedColumn {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] === null ? 2 : values[i] ? 1 : 0;
  return { encoding: 'bool', values: out };
}

/**
 * Packs a dataset's columns (as `RowBuffer.take()` hands them over) for
 * `postMessage`, and lists the buffers to transfer with it.
 *
 * @example
 * const { rows, transfer } = packRows(tsRefsDataset, buffer.take());
 * port.postMessage(rows, transfer);
 */
export function packRows(ds: DatasetSchema, columns: Readonly<Record<string, readonly CellValue[]>>): { rows: PackedRows; transfer: ArrayBuffer[] } {
  const packed: Record<string, PackedColumn> = {};
  const transfer: ArrayBuffer[] = [];
  let rowCount = 0;
  for (const col of ds.columns) {
    const values = columns[col.name] ?? [];
    rowCount = values.length;
    let p: PackedColumn;
    switch (col.type) {
      case 'utf8':
        p = packStrings(values);
        break;
      case 'int32':
      case 'int64':
        p = values.some((v) => typeof v === 'bigint') ? { encoding: 'cells', values } : packNumbers(values, true);
        break;
      case 'float64':
        p = packNumbers(values, false);
        break;
      case 'bool':
        p = packBools(values);
        break;
      default:
        p = { encoding: 'cells', values };
    }
    if (p.encoding === 'dictionary') transfer.push(p.codes.buffer as ArrayBuffer);
    else if (p.encoding === 'int32' || p.encoding === 'float64') {
      transfer.push(p.values.buffer as ArrayBuffer);
      if (p.nulls !== null) transfer.push(p.nulls.buffer as ArrayBuffer);
    } else if (p.encoding === 'bool') transfer.push(p.values.buffer as ArrayBuffer);
    packed[col.name] = p;
  }
  return { rows: { dataset: ds.name, rowCount, columns: packed }, transfer };
}

/**
 * Writes the cells `[from, to)` of a packed column into `out` from index
 * `at` on, as plain cell values again: into an array made at its final
 * length, no array grows (and is copied) cell by cell.
 *
 * @example
 * const names = new Array<CellValue>(rows.rowCount);
 * unpackInto(rows.columns['name'], 0, rows.rowCount, names, 0);
 */
export function unpackInto(column: PackedColumn, from: number, to: number, out: CellValue[], at: number): void {
  const shift = at - from;
  switch (column.encoding) {
    case 'dictionary': {
      const { dictionary, codes } = column;
      for (let i = from; i < to; i++) {
        const code = codes[i] as number;
        out[i + shift] = code < 0 ? null : (dictionary[code] as string);
      }
      return;
    }
    case 'int32':
    case 'float64': {
      const { values, nulls } = column;
      for (let i = from; i < to; i++) out[i + shift] = nulls !== null && nulls[i] === 1 ? null : (values[i] as number);
      return;
    }
    case 'bool': {
      const { values } = column;
      for (let i = from; i < to; i++) {
        const v = values[i];
        out[i + shift] = v === 2 ? null : v === 1;
      }
      return;
    }
    case 'cells':
      for (let i = from; i < to; i++) out[i + shift] = column.values[i] as CellValue;
  }
}
