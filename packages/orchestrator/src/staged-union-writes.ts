import { parseTreeObjects } from '@anatomy/plan-signals';
import type { Store } from '@anatomy/store';
import { deserializedSql } from './file-filtered-sql.js';

/**
 * Full builds write a view whose rows come from a CTE over a large union
 * (`cpg.edges`: the rows of 34 relations, fused by identity) in stages:
 * the union's branches are inserted one by one into a temporary table,
 * and the view's own statement reads that table instead of the CTE.
 *
 * In one statement DuckDB holds the CTE's rows (1 GB of `cpg.edges` on the
 * standard library), the hash tables of every branch's joins and the final
 * sort together: it took 3 GB and ran out of memory under a 1 GB cap, also
 * without the sort. Staged, each branch runs alone and the stored
 * rows can be spilled: 10.4–10.6 s and 1.1–1.3 GB under caps of 600 MB and
 * 1 GB, against 6.3–8.3 s and 2–3 GB in one statement without a cap.
 */

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The fewest branches of a CTE's union for which a view is written in stages. */
export const MIN_STAGED_BRANCHES = 8;

/** A view's write in stages: the temporary table's SQL, one INSERT per branch, and the view's SQL reading the table. */
export interface StagedUnionWrite {
  /** The temporary table holding the CTE's rows, as SQL names it. */
  readonly table: string;
  /** Creates the table empty, with the union's column names and types. */
  readonly create: string;
  /** One INSERT of each branch's rows, in the union's order. */
  readonly inserts: readonly string[];
  /** The view's SQL with every read of the CTE reading the table instead, and the CTE gone. */
  readonly sql: string;
}

/** The leaves of a UNION ALL tree, in order; null when the node is anything else. */
function unionLeaves(node: unknown): Json[] | null {
  if (!isObject(node)) return null;
  if (node['type'] !== 'SET_OPERATION_NODE') return [node];
  if (node['setop_type'] !== 'UNION' || node['setop_all'] !== true) return null;
  if (!Array.isArray(node['modifiers']) || node['modifiers'].length > 0) return null;
  const ctes = isObject(node['cte_map']) ? node['cte_map']['map'] : [];
  if (!Array.isArray(ctes) || ctes.length > 0) return null;
  const children = Array.isArray(node['children']) ? node['children'] : [node['left'], node['right']];
  const leaves: Json[] = [];
  for (const child of children) {
    const inner = unionLeaves(child);
    if (inner === null) return null;
    leaves.push(...inner);
  }
  return leaves;
}

/** Every BASE_TABLE node of a parse tree. */
function* baseTables(value: unknown): Generator<Json> {
  for (const node of parseTreeObjects(value)) if (node['type'] === 'BASE_TABLE') yield node;
}

/** SQL of one statement node, written back by DuckDB (once per process: a view's tree is the same in every build of its program). */
function sqlOf(store: Store, tree: Json, node: Json): Promise<string> {
  return deserializedSql(store, { ...tree, statements: [{ node, named_param_map: [] }] }, { keep: true });
}

/** The top-level statement node and its CTE entries, or null. */
function topCtes(parseTree: unknown): { tree: Json; node: Json; map: unknown[] } | null {
  if (!isObject(parseTree) || parseTree['error'] === true || !Array.isArray(parseTree['statements']) || parseTree['statements'].length !== 1) return null;
  const statement = parseTree['statements'][0];
  const node = isObject(statement) ? statement['node'] : undefined;
  const map = isObject(node) && isObject(node['cte_map']) ? node['cte_map']['map'] : undefined;
  return isObject(node) && Array.isArray(map) ? { tree: parseTree, node, map } : null;
}

/**
 * The first CTE entry of the top-level statement whose body is a UNION ALL
 * of at least {@link MIN_STAGED_BRANCHES} SELECTs that read no CTE of the
 * statement (each branch must run as a statement of its own).
 */
function stagedEntry(map: readonly unknown[]): { entry: Json; query: Json; body: Json; leaves: Json[] } | null {
  const names = new Set(map.map((e) => (isObject(e) ? String(e['key']) : '')));
  for (const entry of map) {
    const query = isObject(entry) && isObject(entry['value']) ? entry['value']['query'] : undefined;
    const body = isObject(query) ? query['node'] : undefined;
    const leaves = isObject(body) && body['type'] === 'SET_OPERATION_NODE' ? unionLeaves(body) : null;
    if (!isObject(entry) || !isObject(query) || !isObject(body) || leaves === null || leaves.length < MIN_STAGED_BRANCHES) continue;
    const readsCte = [...baseTables(body)].some((ref) => ref['schema_name'] === '' && names.has(String(ref['table_name'])));
    if (!readsCte) return { entry, query, body, leaves };
  }
  return null;
}

/**
 * The CTE a view would be written in stages by (see {@link stagedUnionWrite}):
 * its name and how many SELECTs its union has; null when there is none.
 *
 * @example
 * stagedUnionCte(bundle.parseTree); // { cte: 'rows', branches: 34 } for cpg.edges
 */
export function stagedUnionCte(parseTree: unknown): { readonly cte: string; readonly branches: number } | null {
  const top = topCtes(parseTree);
  const found = top === null ? null : stagedEntry(top.map);
  return found === null ? null : { cte: String(found.entry['key']), branches: found.leaves.length };
}

/**
 * The staged write of a view, from DuckDB's parse tree of its SQL: when its
 * top-level statement has a CTE whose body is a UNION ALL of at least
 * {@link MIN_STAGED_BRANCHES} SELECTs, the statement reads the temporary
 * table `table` wherever it read that CTE (unqualified: DuckDB finds
 * temporary tables first). Null for any other shape, or when DuckDB cannot
 * write the parts back as SQL.
 *
 * @example
 * const staged = await stagedUnionWrite(store, bundle.parseTree, 'anatomy_stage');
 * // { table: '"anatomy_stage"', create: 'CREATE OR REPLACE TEMP TABLE … LIMIT 0', inserts: [34 INSERTs], sql: 'WITH shared AS (… FROM anatomy_stage AS "rows" …) …' }
 */
export async function stagedUnionWrite(store: Store, parseTree: unknown, table: string): Promise<StagedUnionWrite | null> {
  const top = topCtes(structuredClone(parseTree));
  const found = top === null ? null : stagedEntry(top.map);
  if (top === null || found === null) return null;
  const { tree, node, map } = top;
  const quoted = `"${table.replaceAll('"', '""')}"`;
  const union = await sqlOf(store, tree, found.body);
  const branches = await Promise.all(found.leaves.map((leaf) => sqlOf(store, tree, leaf)));
  if (union === '' || branches.some((b) => b === '')) return null;
  // Every read of the CTE reads the table instead, under the CTE's name, and the CTE goes: a CTE
  // read several times may be materialized by DuckDB, which would copy the table into memory.
  const name = String(found.entry['key']);
  for (const ref of baseTables(node)) {
    if (ref['schema_name'] !== '' || ref['catalog_name'] !== '' || ref['table_name'] !== name) continue;
    ref['table_name'] = table;
    if (ref['alias'] === '') ref['alias'] = name;
  }
  (node['cte_map'] as Json)['map'] = map.filter((e) => e !== found.entry);
  const sql = await sqlOf(store, tree, node);
  if (sql === '') return null;
  return {
    table: quoted,
    // The union's own types (a branch alone may have narrower ones); LIMIT 0 runs none of it.
    create: `CREATE OR REPLACE TEMP TABLE ${quoted} AS SELECT * FROM (${union}) AS anatomy_union LIMIT 0`,
    inserts: branches.map((b) => `INSERT INTO ${quoted} ${b}`),
    sql,
  };
}

/**
 * The staged rows of a view, inserted at most once however many ways the
 * view is written: when the first way runs out of memory under the cap, the
 * leaner way and the uncapped one read the rows already staged (on the
 * standard library with SCIP, staging `cpg.edges` took 9.4 s of each try).
 * A staging that fails is started again whole by the next `ensure`.
 *
 * @example
 * const rows = stagedRowsOnce(store, staged);
 * try { await withMemoryFallback(store, cap, async () => { await rows.ensure(); return store.materialize(request); }, raised); } finally { await rows.drop(); }
 */
export function stagedRowsOnce(store: Store, staged: StagedUnionWrite): { ensure(): Promise<void>; drop(): Promise<void> } {
  let staging: Promise<void> | undefined;
  return {
    ensure(): Promise<void> {
      staging ??= (async (): Promise<void> => {
        // Created or replaced: rows of a try that failed while inserting go.
        await store.run(staged.create);
        for (const insert of staged.inserts) await store.run(insert);
      })().catch((error: unknown) => {
        staging = undefined;
        throw error;
      });
      return staging;
    },
    async drop(): Promise<void> {
      staging = undefined;
      await store.run(`DROP TABLE IF EXISTS ${staged.table}`);
    },
  };
}
