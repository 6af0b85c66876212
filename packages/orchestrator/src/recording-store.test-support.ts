import type { Store } from '@anatomy/store';

/**
 * The store as it is, with the SQL of every `query` call recorded in
 * `queries`: for tests asserting what a function does or does not ask DuckDB.
 *
 * @example
 * const { store: watched, queries } = recordingQueries(store);
 * await updateView(watched, view, options);
 * expect(queries.filter((q) => q.startsWith('DESCRIBE'))).toEqual([]);
 */
export function recordingQueries(store: Store): { readonly store: Store; readonly queries: string[] } {
  const queries: string[] = [];
  const watched = new Proxy(store, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key);
      if (key === 'query') return (sql: string, params?: never) => (queries.push(sql), target.query(sql, params));
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: watched, queries };
}
