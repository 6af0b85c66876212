import { isAscii } from 'node:buffer';
import type { CellValue, ColumnType, DatasetSchema } from '@anatomy/schema-authority';
import { ExtractPythonError } from './extract-python-error.js';

/** The rows of one table for one file, decoded from a `T` frame, columns in dataset order. */
export interface TableFrame {
  readonly seq: number;
  /** Dataset name without the `evidence.` schema, as the worker names tables. */
  readonly table: string;
  readonly rowCount: number;
  readonly columns: readonly (readonly CellValue[])[];
}

const TWO_32 = 2 ** 32;

function protocolError(message: string): Error {
  return ExtractPythonError.create('WorkerProtocol', `the python worker sent a malformed frame: ${message}`, {
    hint: 'the worker script and this package disagree; reinstall @anatomy/extract-python',
  });
}

/** Reads frames with bounds checks: a short frame is a protocol error, never a silent misread. */
class Cursor {
  at = 0;
  constructor(readonly bytes: Buffer) {}

  need(n: number): void {
    if (this.at + n > this.bytes.length) throw protocolError(`needs ${n} bytes at ${this.at}, has ${this.bytes.length - this.at}`);
  }

  u8(): number {
    this.need(1);
    return this.bytes.readUInt8(this.at++);
  }

  u16(): number {
    this.need(2);
    const v = this.bytes.readUInt16LE(this.at);
    this.at += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.bytes.readUInt32LE(this.at);
    this.at += 4;
    return v;
  }

  take(n: number): Buffer {
    this.need(n);
    const v = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return v;
  }
}

function readInt(bytes: Buffer, at: number, type: ColumnType): number | bigint {
  const lo = bytes.readUInt32LE(at);
  const hi = bytes.readInt32LE(at + 4);
  const value = hi * TWO_32 + lo;
  if (Number.isSafeInteger(value)) return value;
  if (type === 'int32') throw protocolError(`${value} does not fit an int32 column`);
  return bytes.readBigInt64LE(at);
}

function readColumn(cursor: Cursor, rows: number, type: ColumnType): CellValue[] {
  const hasNulls = cursor.u8() === 1;
  const validity = hasNulls ? cursor.take(rows) : null;
  const out = new Array<CellValue>(rows);
  switch (type) {
    case 'utf8': {
      const lengths = cursor.take(rows * 4);
      let total = 0;
      for (let i = 0; i < rows; i++) total += lengths.readUInt32LE(i * 4);
      const text = cursor.take(total);
      // A column of ASCII only is decoded once and its cells cut from that string, with no decoding call per cell.
      const whole = isAscii(text) ? text.toString('latin1') : null;
      let at = 0;
      for (let i = 0; i < rows; i++) {
        const length = lengths.readUInt32LE(i * 4);
        out[i] = validity !== null && validity[i] === 0 ? null : whole !== null ? whole.substring(at, at + length) : text.toString('utf8', at, at + length);
        at += length;
      }
      return out;
    }
    case 'bool': {
      const values = cursor.take(rows);
      for (let i = 0; i < rows; i++) out[i] = validity !== null && validity[i] === 0 ? null : values[i] === 1;
      return out;
    }
    case 'int32':
    case 'int64': {
      const values = cursor.take(rows * 8);
      for (let i = 0; i < rows; i++) out[i] = validity !== null && validity[i] === 0 ? null : readInt(values, i * 8, type);
      return out;
    }
    case 'float64':
    case 'binary':
      throw protocolError(`columns of type ${type} are not part of the protocol`);
  }
}

/**
 * Decodes a `T` frame (its type byte already read by the caller is included:
 * `payload[0]` is `T`) against the dataset it names, whose columns the worker
 * sends in dataset order.
 *
 * @example
 * const frame = decodeTableFrame(payload, (table) => datasetsByTable.get(table));
 */
export function decodeTableFrame(payload: Buffer, datasetOf: (table: string) => DatasetSchema | undefined): TableFrame {
  const cursor = new Cursor(payload);
  if (cursor.u8() !== 0x54) throw protocolError('a table frame must start with T');
  const seq = cursor.u32();
  const table = cursor.take(cursor.u8()).toString('utf8');
  const rowCount = cursor.u32();
  const columnCount = cursor.u16();
  const ds = datasetOf(table);
  if (ds === undefined) throw protocolError(`rows for ${table}, which was not asked for`);
  if (columnCount !== ds.columns.length) throw protocolError(`${table} has ${ds.columns.length} columns, the frame ${columnCount}`);
  const columns = ds.columns.map((c) => readColumn(cursor, rowCount, c.type));
  if (cursor.at !== payload.length) throw protocolError(`${payload.length - cursor.at} bytes left over after ${table}`);
  return { seq, table, rowCount, columns };
}
