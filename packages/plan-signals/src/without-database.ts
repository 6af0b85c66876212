/**
 * Drops the database name DuckDB puts in front of scanned tables
 * (`memory.evidence.defs`, `anatomy.evidence.defs`): it names the store, not
 * the plan, and would make equal plans differ between stores.
 */
export function withoutDatabase(value: unknown, database: string): unknown {
  if (Array.isArray(value)) return value.map((v) => withoutDatabase(v, database));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    out[key] =
      key === 'Table' && typeof child === 'string' && database !== '' && child.startsWith(`${database}.`)
        ? child.slice(database.length + 1)
        : withoutDatabase(child, database);
  }
  return out;
}
