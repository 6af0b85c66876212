/**
 * The one thing plan-signals needs from a store: running a query and reading
 * its rows. An `@anatomy/store` Store has it, and so does a thin wrapper over
 * a DuckDB connection, which lets packages that may not depend on the store
 * ask DuckDB through plan-signals.
 */
export interface SqlQueryable {
  query(sql: string): Promise<readonly Readonly<Record<string, unknown>>[]>;
}
