import { decide } from '@anatomy/contracts';
import { columnsWithRole } from '@anatomy/schema-authority';
import type { ColumnSpec, DatasetSchema } from '@anatomy/schema-authority';
import type { CompilerDecision } from './compiler-decision.js';
import type { StableIdFill, SymbolRows } from './inferred-view.js';
import { roleEvidence } from './role-evidence.js';

/** The rows of a derive `per: 'symbol'`: their identity, columns and grouping, or why the input cannot give them. */
export type SymbolRowsInference =
  | {
      readonly ok: true;
      readonly identity: { readonly column: ColumnSpec; readonly fill: StableIdFill };
      readonly columns: readonly ColumnSpec[];
      readonly rows: SymbolRows;
      readonly decisions: readonly CompilerDecision[];
    }
  | { readonly ok: false; readonly problem: string };

/**
 * Infers the rows of a derive that keeps one row per symbol: the input's one
 * symbol-identity column groups the rows, and the id is the stable id of the
 * symbol alone in the entity namespace. A location would tell apart the
 * occurrences of one symbol, which is what such a view must not do, so the
 * rows keep only the symbol, a `name` equal to it (the symbol is its own
 * name) and, when the input has one, its provenance, merged over the rows
 * grouped together.
 *
 * @example
 * const r = inferSymbolRows(scipOccurrences, 'symbol', 'derived.scip_symbols');
 * if (r.ok) r.columns.map((c) => c.name); // ['symbol_id', 'symbol', 'name']
 */
export function inferSymbolRows(input: DatasetSchema, entity: string, view: string): SymbolRowsInference {
  const symbols = columnsWithRole(input, 'symbol-identity');
  const [symbol] = symbols;
  if (symbol === undefined || symbols.length > 1) {
    return { ok: false, problem: `one row per symbol needs exactly one column of ${input.name} with the role symbol-identity; it has ${symbols.length}` };
  }
  const idName = `${entity}_id`;
  if (symbol.name === idName || symbol.name === 'name') return { ok: false, problem: `${input.name}.${symbol.name} would clash with the ${idName} and name columns of ${view}` };
  const [provenance] = columnsWithRole(input, 'provenance');
  const fill: StableIdFill = Object.freeze({ by: 'stable-id' as const, namespace: entity, dataset: input.name, parts: Object.freeze([symbol.name]) });
  const identity = Object.freeze({
    column: Object.freeze({ name: idName, type: 'utf8' as const, nullable: false, role: 'entity-identity' as const, description: `stable id of the ${entity} (namespace '${entity}')` }),
    fill,
  });
  const columns: ColumnSpec[] = [
    identity.column,
    Object.freeze({ ...symbol, nullable: false }),
    Object.freeze({ name: 'name', type: 'utf8', nullable: false, role: 'name', description: `the ${entity}: ${symbol.name}` }),
    ...(provenance === undefined || provenance.name === 'name' ? [] : [Object.freeze({ ...provenance, type: 'utf8' as const, nullable: false })]),
  ];
  const decisions = [
    decide({
      value: { topic: 'column-fill' as const, source: input.name, column: idName, fill },
      confidence: 0.95,
      rationale: `${view} keeps one row per distinct ${symbol.name}, a symbol identity that names the same symbol wherever it occurs, so ${idName} is the stable id of ${symbol.name} alone in namespace '${entity}' and the rows have no file or span`,
      evidence: [roleEvidence(input, symbol), { source: 'semantic-ir', detail: "the derive view declares per: 'symbol'" }],
    }),
    decide({
      value: { topic: 'column-fill' as const, source: input.name, column: 'name', fill: { by: 'column' as const, dataset: input.name, column: symbol.name } },
      confidence: 0.9,
      rationale: `a global symbol is named by itself, so name is ${symbol.name}`,
      evidence: [roleEvidence(input, symbol)],
    }),
  ];
  return { ok: true, identity, columns, rows: Object.freeze({ symbol: symbol.name, provenance: provenance?.name }), decisions };
}
