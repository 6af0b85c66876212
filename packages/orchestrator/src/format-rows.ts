/** How `anatomy query` prints rows. */
export type RowFormat = 'table' | 'csv' | 'json';

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  if (typeof value === 'object') return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return String(value);
}

function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function jsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(jsonValue);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonValue(v)]));
  return value;
}

/**
 * Renders query rows as an aligned text table, RFC 4180 CSV, or a JSON array
 * of row objects (64-bit integers as numbers when exact, else as strings).
 *
 * @example
 * formatRows([{ node_kind: 'DEF', n: 3n }], 'csv'); // 'node_kind,n\nDEF,3\n'
 */
export function formatRows(rows: readonly Readonly<Record<string, unknown>>[], format: RowFormat): string {
  if (format === 'json') return `${JSON.stringify(rows.map((r) => jsonValue(r)), null, 2)}\n`;
  const columns = rows.length === 0 ? [] : Object.keys(rows[0] ?? {});
  const cells = rows.map((r) => columns.map((c) => cellText(r[c])));
  if (format === 'csv') {
    return [columns, ...cells].map((line) => line.map(csvCell).join(',')).join('\n') + '\n';
  }
  if (columns.length === 0) return '(no rows)\n';
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((line) => (line[i] ?? '').length)));
  const render = (line: readonly string[]): string => line.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [render(columns), rule, ...cells.map(render), `(${rows.length} row${rows.length === 1 ? '' : 's'})`].join('\n') + '\n';
}
