import { DuckDBListValue, DuckDBStructValue, DuckDBBlobValue, DuckDBMapValue } from '@duckdb/node-api';
import type { DuckDBValue } from '@duckdb/node-api';

/** A DuckDB value converted to plain JavaScript data. */
export type PlainValue = string | number | bigint | boolean | Uint8Array | null | PlainValue[] | { [key: string]: PlainValue };

/**
 * Converts a value read from DuckDB to plain data at the package edge:
 * integers wider than 32 bits stay `bigint` (never a lossy number), lists
 * become arrays, structs objects, blobs bytes; other values (dates,
 * decimals, …) become their DuckDB text form.
 */
export function toPlainValue(value: DuckDBValue): PlainValue {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'bigint':
    case 'boolean':
      return value;
    default:
      break;
  }
  if (value instanceof DuckDBListValue) return value.items.map(toPlainValue);
  if (value instanceof DuckDBStructValue) {
    return Object.fromEntries(Object.entries(value.entries).map(([k, v]) => [k, toPlainValue(v)]));
  }
  if (value instanceof DuckDBBlobValue) return new Uint8Array(value.bytes);
  if (value instanceof DuckDBMapValue) {
    return value.entries.map((e) => ({ key: toPlainValue(e.key), value: toPlainValue(e.value) }));
  }
  return String(value);
}
