import type { SqlQueryable } from './sql-queryable.js';
import { PlanSignalsError } from './plan-signals-error.js';

/** One catalog entry for a function name (a name can have several: scalar and table `range`, …). */
export interface CatalogFunction {
  /** DuckDB's `function_type`: scalar, aggregate, table, macro, table_macro, pragma. */
  readonly type: string;
  readonly internal: boolean;
}

/**
 * What the DuckDB catalog says, read once and reused for many views: the
 * functions that exist (to tell macros from built-ins), the columns of the
 * tables and views that exist (to attribute unqualified column names) and
 * the schema unqualified table names resolve to.
 */
export interface LineageCatalog {
  readonly defaultSchema: string;
  /** Lower-case function name → its catalog entries. */
  readonly functions: ReadonlyMap<string, readonly CatalogFunction[]>;
  /** Lower-case `schema.table` → its lower-case column names. */
  readonly columns: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * Reads the catalog of a store once. Pass the result to every `parseLineage`
 * call of a batch; read it again after creating macros, tables or views.
 *
 * @example
 * const catalog = await readLineageCatalog(store);
 * for (const view of views) lineages.push(await parseLineage(store, view, { catalog }));
 */
export async function readLineageCatalog(store: SqlQueryable): Promise<LineageCatalog> {
  try {
    const [schemaRows, functionRows, columnRows] = [
      await store.query('SELECT current_schema() AS schema'),
      await store.query(
        'SELECT DISTINCT lower(function_name) AS name, function_type AS type, internal FROM duckdb_functions() ORDER BY ALL',
      ),
      await store.query(
        `SELECT lower(schema_name) || '.' || lower(table_name) AS tbl, list(lower(column_name) ORDER BY column_index) AS cols
           FROM duckdb_columns() WHERE database_name = current_database() AND NOT internal GROUP BY ALL`,
      ),
    ];
    const functions = new Map<string, CatalogFunction[]>();
    for (const row of functionRows) {
      const name = String(row['name']);
      const entries = functions.get(name) ?? [];
      entries.push(Object.freeze({ type: String(row['type']), internal: row['internal'] === true }));
      functions.set(name, entries);
    }
    const columns = new Map<string, ReadonlySet<string>>();
    for (const row of columnRows) {
      const cols = Array.isArray(row['cols']) ? row['cols'].map(String) : [];
      columns.set(String(row['tbl']), new Set(cols));
    }
    return Object.freeze({ defaultSchema: String(schemaRows[0]?.['schema'] ?? 'main').toLowerCase(), functions, columns });
  } catch (error) {
    throw PlanSignalsError.create('CatalogFailed', `cannot read the DuckDB catalog: ${(error as Error).message}`, {
      cause: error,
      hint: 'check that the store is open; the catalog functions duckdb_functions() and duckdb_columns() ship with DuckDB',
    });
  }
}

/**
 * The catalog with one relation's columns added or replaced — what reading
 * the catalog again after creating that one table or view would give,
 * without asking DuckDB for every other relation again.
 *
 * @example
 * catalog = withRelationColumns(catalog, 'rel.calls', ['call_id', 'def_id']);
 */
export function withRelationColumns(catalog: LineageCatalog, relation: string, columns: readonly string[]): LineageCatalog {
  const name = relation.toLowerCase();
  const key = name.includes('.') ? name : `${catalog.defaultSchema}.${name}`;
  const next = new Map(catalog.columns);
  next.set(key, new Set(columns.map((c) => c.toLowerCase())));
  return Object.freeze({ defaultSchema: catalog.defaultSchema, functions: catalog.functions, columns: next });
}
