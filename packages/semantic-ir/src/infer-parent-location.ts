import { decide } from '@anatomy/contracts';
import { columnsWithRole } from '@anatomy/schema-authority';
import type { ColumnRole, ColumnSpec, DatasetSchema } from '@anatomy/schema-authority';
import type { CompilerDecision } from './compiler-decision.js';
import type { AddedColumn, ParentJoin } from './inferred-view.js';
import { missingRoleEvidence, roleEvidence } from './role-evidence.js';

/** The roles a row takes from the row holding it: where it is (span) and, when it has none of its own, what kind of place that is. */
const INHERITED: readonly ColumnRole[] = ['span-start', 'span-end', 'kind'];

/**
 * Locates rows that have no span of their own at the row that holds them:
 * the input's one parent-identity column points at the identity of
 * `parent`'s rows, whose span (and kind, when the input has no kind) the
 * rows take, under the parent's column names. A symbol of a symbol table
 * thereby sits where its scope does, so "the scope around this occurrence
 * that knows this name" becomes a span containment with equal names.
 * Rows whose parent has no span stay unlocated (NULL).
 *
 * @example
 * const r = parentLocation(pySymbols, pyScopes);
 * if (!('problem' in r)) r.added.map((a) => a.column.name); // ['bstart', 'bend', 'scope_type']
 */
export function parentLocation(
  input: DatasetSchema,
  parent: DatasetSchema,
): { readonly added: readonly AddedColumn[]; readonly decisions: readonly CompilerDecision[]; readonly join: ParentJoin } | { readonly problem: string } {
  const problems: string[] = [];
  if (columnsWithRole(input, 'span-start').length > 0) problems.push(`${input.name} is located by its own span already; locateIn is for rows without one`);
  if (columnsWithRole(input, 'file-identity').length !== 1) problems.push(`${input.name} needs one file-identity column, since the span taken from ${parent.name} is only meaningful within a file`);
  const pointers = columnsWithRole(input, 'parent-identity');
  const [pointer] = pointers;
  if (pointer === undefined || pointers.length > 1) problems.push(`${input.name} needs exactly one parent-identity column to find its row of ${parent.name}; it has ${pointers.length}`);
  const identities = columnsWithRole(parent, 'entity-identity');
  const [identity] = identities;
  if (identity === undefined || identities.length > 1) problems.push(`${parent.name} needs exactly one entity-identity column for ${input.name} to point at; it has ${identities.length}`);
  if (parent.spanUnit !== 'utf8-bytes') problems.push(`${parent.name} is not located in UTF-8 bytes (its span unit is ${parent.spanUnit})`);
  const taken: ColumnSpec[] = [];
  for (const role of INHERITED) {
    const columns = columnsWithRole(parent, role);
    const [column] = columns;
    if (role === 'kind' && (column === undefined || columnsWithRole(input, 'kind').length > 0)) continue;
    if (column === undefined || columns.length > 1) {
      problems.push(`${parent.name} needs one ${role} column to locate ${input.name}'s rows; it has ${columns.length}`);
      continue;
    }
    if (input.columns.some((c) => c.name === column.name)) problems.push(`${input.name} already has a column ${column.name}, where ${parent.name}'s ${role} would go`);
    taken.push(column);
  }
  if (problems.length > 0 || pointer === undefined || identity === undefined) return { problem: problems.join('; ') };
  const join: ParentJoin = Object.freeze({ dataset: parent, pointer: pointer.name, identity: identity.name });
  const added = taken.map((column) =>
    Object.freeze({
      column: Object.freeze({ ...column, nullable: true, description: `${column.description}, of the ${parent.name} row holding it` }),
      value: Object.freeze({ by: 'parent' as const, column: column.name, parent: join }),
    }),
  );
  const decisions = taken.map((column) =>
    decide({
      value: { topic: 'column-fill' as const, source: input.name, column: column.name, fill: { by: 'column' as const, dataset: parent.name, column: column.name } },
      confidence: 0.9,
      rationale: `${input.name} has no ${column.role ?? 'such column'} of its own; each row is located in the ${parent.name} row its ${pointer.name} points at, and takes its ${column.name}`,
      evidence: [
        column.role === 'kind' ? missingRoleEvidence(input, 'kind') : missingRoleEvidence(input, 'span-start'),
        roleEvidence(input, pointer),
        roleEvidence(parent, identity),
        roleEvidence(parent, column),
        { source: 'semantic-program', detail: `the derive view declares locateIn ${parent.name}` },
      ],
    }),
  );
  return { added: Object.freeze(added), decisions: Object.freeze(decisions), join };
}
