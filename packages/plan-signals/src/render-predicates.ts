import { sqlString } from '@anatomy/contracts';
import { PlanSignalsError } from './plan-signals-error.js';
import type { SqlQueryable } from './sql-queryable.js';
import type { PredicateUse, ViewLineage } from './view-lineage.js';

/** A one-statement parse tree selecting `expression`, in the layout `json_serialize_sql` writes. */
function selectOf(expression: unknown): string {
  const node = {
    type: 'SELECT_NODE',
    modifiers: [],
    cte_map: { map: [] },
    select_list: [expression],
    from_table: { type: 'EMPTY', alias: '', sample: null },
    where_clause: null,
    group_expressions: [],
    group_sets: [],
    aggregate_handling: 'STANDARD_HANDLING',
    having: null,
    sample: null,
    qualify: null,
  };
  return JSON.stringify({ error: false, statements: [{ node, named_param_map: [] }] });
}

/** The most renderings kept; a program's predicates are far fewer. */
const KEPT_RENDERINGS = 4096;

/**
 * DuckDB's renderings already asked for, by the one-statement tree that was
 * rendered (null where DuckDB gave nothing usable). A rendering depends on
 * the expression alone, and a build renders the predicates of every view
 * twice: once before the views exist, once against them.
 */
const renderings = new Map<string, string | null>();

/** The SQL of an expression from DuckDB's rendering of `SELECT <expression>`: what follows the keyword. */
function expressionOf(text: string | undefined): string | null {
  return text !== undefined && text.startsWith('SELECT ') && text.length > 7 ? text.slice(7) : null;
}

/**
 * Fills in the `sql` of every predicate of a lineage with DuckDB's own
 * rendering of its expression (`json_deserialize_sql`), so that no SQL text
 * is ever assembled or parsed here. One query renders all those not
 * rendered before in this process; a predicate DuckDB cannot render keeps
 * `sql: null` and is never pushed anywhere.
 *
 * @example
 * const rendered = await renderPredicates(store, lineageFromParseTree(view, tree, catalog));
 * rendered.reads[0]?.predicates[0]?.sql; // "(kind = 'class')"
 */
export async function renderPredicates(store: SqlQueryable, lineage: ViewLineage): Promise<ViewLineage> {
  const pending = lineage.reads.flatMap((site) => site.predicates.filter((p) => p.sql === null));
  if (pending.length === 0) return lineage;
  const trees = pending.map((p) => selectOf(p.expression));
  // This call's answers are taken from here: keeping new renderings may evict older ones it needs.
  const answers = new Map<string, string | null>();
  for (const tree of trees) {
    const known = renderings.get(tree);
    if (known !== undefined) answers.set(tree, known);
  }
  const asked = [...new Set(trees.filter((tree) => !answers.has(tree)))];
  if (asked.length > 0) {
    const rows = asked.map((tree, i) => `(${i}, ${sqlString(tree)})`).join(', ');
    let rendered: Map<number, string>;
    try {
      const result = await store.query(`SELECT i, json_deserialize_sql(tree::JSON) AS sql FROM (VALUES ${rows}) AS t(i, tree) ORDER BY i`);
      rendered = new Map(result.map((r) => [Number(r['i']), String(r['sql'])]));
    } catch (error) {
      throw PlanSignalsError.create('ParseFailed', `DuckDB cannot render the predicates of view ${lineage.view}: ${(error as Error).message}`, {
        cause: error,
        details: { view: lineage.view },
        hint: 'check that the store is open and that its json extension loads (it ships with DuckDB)',
      });
    }
    asked.forEach((tree, i) => {
      const sql = expressionOf(rendered.get(i));
      answers.set(tree, sql);
      if (renderings.size >= KEPT_RENDERINGS) renderings.delete(renderings.keys().next().value as string);
      renderings.set(tree, sql);
    });
  }
  const sqlOf = new Map<PredicateUse, string | null>();
  pending.forEach((p, i) => sqlOf.set(p, answers.get(trees[i] as string) ?? null));
  return {
    ...lineage,
    reads: lineage.reads.map((site) => ({
      table: site.table,
      predicates: site.predicates.map((p) => (sqlOf.has(p) ? { ...p, sql: sqlOf.get(p) ?? null } : p)),
    })),
  };
}
