import { stableIdSql } from '@anatomy/contracts';
import { qualifiedName, quoteIdentifier } from '@anatomy/schema-authority';
import { castSql } from './cast-sql.js';
import type { FilledColumn, InferredUnion, UnionBranch } from './inferred-view.js';
import { loneOrGroupedSql, loneProvenanceSql } from './lone-rows-sql.js';
import { mergeOriginSql } from './semantic-macros.js';
import { sqlLiteral } from './sql-literal.js';

const q = quoteIdentifier;
const S = q('s');
const ORDER = q('union_input');

function fillSql(branch: UnionBranch, filled: FilledColumn): string {
  const { column, fill } = filled;
  switch (fill.by) {
    case 'column':
      return castSql(`${S}.${q(fill.column)}`, branch.dataset.columns.find((c) => c.name === fill.column)?.type, column.type);
    case 'literal':
      return castSql(typeof fill.value === 'string' ? sqlLiteral(fill.value) : String(fill.value), typeof fill.value === 'string' ? 'utf8' : undefined, column.type);
    case 'coalesce':
      return castSql(`coalesce(${fill.columns.map((f) => `${S}.${q(f.column)}`).join(', ')})`, undefined, column.type);
    case 'stable-id':
      return stableIdSql(fill.namespace, fill.parts.map((p) => `${S}.${q(p)}`));
    case 'null':
      return castSql('NULL', undefined, column.type);
  }
}

function branchSql(branch: UnionBranch, position: number | undefined): string {
  const columns = branch.fills.map((f) => `${fillSql(branch, f)} AS ${q(f.column.name)}`);
  if (position !== undefined) columns.unshift(`${position} AS ${ORDER}`);
  return `SELECT\n  ${columns.join(',\n  ')}\nFROM ${qualifiedName(branch.dataset)} AS ${S}`;
}

/**
 * Emits the SELECT of a union view. Appended inputs are one UNION ALL of
 * aligned SELECTs. Merged inputs are grouped by identity: each column takes
 * the first non-NULL value in declaration order, and the provenance lists
 * every source that saw the entity (the body of `anatomy_merge_origin`, inlined).
 *
 * The ordered aggregates are costly, and wasted on the identities that only
 * one input holds (all of them where relationships exclude each other): only
 * the identities several rows hold are grouped (see `loneOrGroupedSql`). Run
 * alone over the standard library, `merged.load_symbols` (631,626 rows, none
 * shared) went from 2.3 s to 1.0 s and `merged.binders` from 0.70 s to
 * 0.13 s; with every identity in two inputs (1.2 million rows) the time is
 * the same as grouping them all (docs/benchmarks.md, eighth round).
 *
 * @example
 * emitUnionSql(mergedDefs);
 * // WITH "inputs" AS MATERIALIZED (SELECT 0 AS "union_input", … UNION ALL SELECT 1 AS "union_input", …), "shared" AS (…)
 * // SELECT "def_id", "name", … FROM "inputs" WHERE NOT EXISTS (…)
 * // UNION ALL SELECT "def_id", first("name" ORDER BY "union_input") FILTER (WHERE "name" IS NOT NULL) AS "name", … GROUP BY "def_id"
 */
export function emitUnionSql(view: InferredUnion): string {
  if (view.mode === 'append') return view.branches.map((b) => branchSql(b, undefined)).join('\nUNION ALL\n');
  const identity = view.identity ?? '';
  const inputs = view.branches.map((b, i) => branchSql(b, i).replaceAll('\n', '\n  ')).join('\n  UNION ALL\n  ');
  const columns = view.output.columns.map((c) => {
    const name = q(c.name);
    if (c.name === identity) return name;
    if (c.name === view.provenance) return `${mergeOriginSql(`list(${name} ORDER BY ${ORDER})`)} AS ${name}`;
    return `first(${name} ORDER BY ${ORDER}) FILTER (WHERE ${name} IS NOT NULL) AS ${name}`;
  });
  // A group of one: its own value for each column, its provenance merged only when it holds several sources.
  const lone = view.output.columns.map((c) => (c.name === view.provenance ? `${loneProvenanceSql(q(c.name))} AS ${q(c.name)}` : q(c.name)));
  const nullable = view.output.columns.find((c) => c.name === identity)?.nullable !== false;
  return loneOrGroupedSql({ cte: 'inputs', rows: inputs, identity, nullable, lone, grouped: columns });
}
