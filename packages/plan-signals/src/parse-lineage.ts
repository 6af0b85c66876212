import type { SqlQueryable } from './sql-queryable.js';
import { deepFreeze } from './deep-freeze.js';
import { readLineageCatalog } from './lineage-catalog.js';
import type { LineageCatalog } from './lineage-catalog.js';
import { lineageFromParseTree } from './lineage-from-parse-tree.js';
import { plannableView } from './plannable-view.js';
import type { PlannableView } from './plannable-view.js';
import { readParseTree } from './read-parse-tree.js';
import { renderPredicates } from './render-predicates.js';
import type { ViewLineage } from './view-lineage.js';

/** Options of {@link parseLineage}. */
export interface ParseLineageOptions {
  /** A catalog read once for a batch of views; read afresh when absent. */
  readonly catalog?: LineageCatalog;
  /** The view's parse tree, when the caller already read it with `readParseTree`; read when absent. */
  readonly parseTree?: unknown;
}

/**
 * Reads a view's lineage from DuckDB's own parser: the stored tables and
 * views it scans, the columns and functions it uses, its filters, joins and
 * set operations, its result columns and the predicates each read of a
 * stored relation could evaluate in its scan. The view's inputs need not exist yet — only macros must be
 * created for them to be recognised as macros. Throws
 * `plan-signals/InvalidView` for a malformed description and
 * `plan-signals/ParseFailed` when DuckDB rejects the SQL.
 *
 * @example
 * const lineage = await parseLineage(store, { name: 'norm.defs', sql: 'SELECT d.name FROM evidence.ts_defs d' });
 * lineage.tables; // ['evidence.ts_defs']
 */
export async function parseLineage(store: SqlQueryable, view: PlannableView, options: ParseLineageOptions = {}): Promise<ViewLineage> {
  const checked = plannableView(view);
  const catalog = options.catalog ?? (await readLineageCatalog(store));
  const tree = options.parseTree ?? (await readParseTree(store, checked));
  return deepFreeze(await renderPredicates(store, lineageFromParseTree(checked.name, tree, catalog)));
}
