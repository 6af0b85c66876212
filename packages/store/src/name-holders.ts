import type { NameHolder, Store } from './store.js';

/**
 * What holds each of the given `schema.table` names in the current
 * database (a view, a table, or nothing), in one catalog query: a build asks
 * once for all its views rather than once per view, and tells each write
 * (`MaterializeRequest.holder`).
 *
 * @example
 * (await nameHolders(store, ['rel.calls'])).get('rel.calls'); // 'view' after planning created it
 */
export async function nameHolders(store: Pick<Store, 'query'>, names: readonly string[]): Promise<Map<string, NameHolder>> {
  const rows = await store.query(
    `SELECT table_schema || '.' || table_name AS name, table_type FROM information_schema.tables
      WHERE table_catalog = current_database() AND table_schema || '.' || table_name IN (SELECT unnest(CAST(? AS JSON)::VARCHAR[]))`,
    [JSON.stringify([...names])],
  );
  const out = new Map<string, NameHolder>(names.map((n) => [n, null]));
  for (const row of rows) out.set(String(row['name']), String(row['table_type']) === 'VIEW' ? 'view' : 'table');
  return out;
}
