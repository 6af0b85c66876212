import { decide } from '@anatomy/contracts';
import type { ValidationIssue } from '@anatomy/contracts';
import { columnsWithRole, defineDataset } from '@anatomy/schema-authority';
import type { ColumnRole, ColumnSpec, ColumnType, DatasetSchema } from '@anatomy/schema-authority';
import type { ColumnFill, CompilerDecision } from './compiler-decision.js';
import type { ViewInference } from './infer-entity-view.js';
import { assertByteSpans } from './infer-entity-id.js';
import type { FilledColumn, InferredUnion, UnionBranch } from './inferred-view.js';
import { missingRoleEvidence, roleEvidence } from './role-evidence.js';

/** Where a union view is in the program and what it reads, in declaration order. */
export interface UnionContext {
  readonly name: string;
  readonly index: number;
  readonly inputs: readonly DatasetSchema[];
}

/** The standard name of a column by its role, used when the inputs name it differently. */
const ROLE_COLUMN_NAMES: Readonly<Record<ColumnRole, string>> = {
  'file-identity': 'file_id',
  'entity-identity': 'entity_id',
  'parent-identity': 'parent_id',
  'symbol-identity': 'symbol',
  'span-start': 'bstart',
  'span-end': 'bend',
  'byte-length': 'size',
  line: 'line',
  column: 'col',
  'end-line': 'end_line',
  'end-column': 'end_col',
  name: 'name',
  path: 'path',
  kind: 'kind',
  provenance: 'origin',
  attribute: 'attribute',
};

/** An output column and the input columns that feed it. */
interface Slot {
  readonly key: string;
  readonly role: ColumnRole | undefined;
  readonly sources: Map<number, ColumnSpec>;
}

/** Aligned by role when the role names one column of the input; else by name. */
function slotKey(ds: DatasetSchema, column: ColumnSpec): string {
  const role = column.role;
  return role !== undefined && role !== 'attribute' && columnsWithRole(ds, role).length === 1 ? `role:${role}` : `name:${column.name}`;
}

function family(type: ColumnType): string {
  return type === 'int32' || type === 'int64' ? 'integer' : type;
}

/**
 * Infers a union view: its inputs' columns aligned by role (a role one
 * column of each input plays is one output column, named as the inputs name
 * it or, when they disagree, by the role's standard name), other columns by
 * name, NULL where an input lacks one. Every input gets a provenance (its
 * own column, else its producer). When every input carries an entity
 * identity, rows are merged by it: each column takes the first non-NULL
 * value in declaration order and provenance lists every source, so evidence
 * that two sources agree on an entity is kept; otherwise rows are appended.
 * Each alignment is a Decision.
 *
 * @example
 * const r = inferUnion(defsUnion, { name: 'merged.defs', index: 2, inputs: [tsDefs, pyDefs] });
 * if (r.ok) r.view.mode; // 'merge'
 */
export function inferUnion(context: UnionContext): ViewInference<InferredUnion> {
  const { name, inputs } = context;
  const at = `views[${context.index}]`;
  for (const ds of inputs) assertByteSpans(ds, name);
  const problems: ValidationIssue[] = [];
  const slots = new Map<string, Slot>();
  inputs.forEach((ds, i) => {
    for (const column of ds.columns) {
      const key = slotKey(ds, column);
      const slot = slots.get(key) ?? { key, role: column.role, sources: new Map() };
      slot.sources.set(i, column);
      slots.set(key, slot);
    }
  });
  if (!slots.has('role:provenance')) slots.set('role:provenance', { key: 'role:provenance', role: 'provenance', sources: new Map() });

  const columns: ColumnSpec[] = [];
  const names = new Map<string, string>();
  for (const slot of slots.values()) {
    const fed = [...slot.sources.values()];
    const distinctNames = [...new Set(fed.map((c) => c.name))];
    const role = slot.role;
    const outName = distinctNames.length === 1 && distinctNames[0] !== undefined ? distinctNames[0] : ROLE_COLUMN_NAMES[role ?? 'attribute'];
    const other = names.get(outName);
    if (other !== undefined) problems.push({ path: `${at}.from`, message: `two aligned columns would both be named ${outName} (${other} and ${slot.key})` });
    names.set(outName, slot.key);
    const families = new Set(fed.map((c) => family(c.type)));
    if (families.size > 1) {
      problems.push({ path: `${at}.from`, message: `the columns aligned as ${outName} have incompatible types (${fed.map((c) => `${c.name}: ${c.type}`).join(', ')})` });
    }
    const type: ColumnType = role === 'provenance' ? 'utf8' : fed.some((c) => c.type === 'int64') ? 'int64' : (fed[0]?.type ?? 'utf8');
    const everywhere = slot.sources.size === inputs.length || role === 'provenance';
    columns.push(
      Object.freeze({
        name: outName,
        type,
        nullable: !everywhere || fed.some((c) => c.nullable),
        ...(role === undefined ? {} : { role }),
        description: fed[0]?.description ?? 'where each input row came from',
      }),
    );
  }
  const identities = inputs.map((ds) => columnsWithRole(ds, 'entity-identity')[0]);
  const merge = identities.every((c) => c !== undefined);
  const identityColumn = merge ? columns.find((c) => c.role === 'entity-identity') : undefined;
  const provenance = columns.find((c) => c.role === 'provenance')?.name ?? 'origin';
  if (problems.length > 0) return { ok: false, problems };

  const decisions: CompilerDecision[] = [
    decide({
      value: { topic: 'union-mode' as const, mode: merge ? ('merge' as const) : ('append' as const), identity: identityColumn?.name ?? null },
      confidence: merge ? 0.9 : 0.95,
      rationale: merge
        ? `every input identifies its rows, so rows with the same ${identityColumn?.name ?? ''} describe one entity and are merged: each column takes the first non-NULL value in declaration order, and ${provenance} lists every source`
        : `not every input identifies its rows, so rows cannot be matched and are appended`,
      evidence: inputs.map((ds, i) => {
        const id = identities[i];
        return id === undefined ? missingRoleEvidence(ds, 'entity-identity') : roleEvidence(ds, id);
      }),
    }),
  ];
  const slotList = [...slots.values()];
  const branches: UnionBranch[] = inputs.map((ds, i) => {
    const fills: FilledColumn[] = slotList.map((slot, j) => {
      const column = columns[j] as ColumnSpec;
      const source = slot.sources.get(i);
      let fill: ColumnFill;
      let rationale: string;
      if (source !== undefined) {
        fill = { by: 'column', dataset: ds.name, column: source.name };
        rationale = slot.key.startsWith('role:') ? `${source.name} is the one column of ${ds.name} with the role ${slot.role ?? ''}` : `${ds.name} has a column named ${source.name}`;
      } else if (slot.role === 'provenance') {
        fill = { by: 'literal', value: ds.producer };
        rationale = `${ds.name} carries no provenance, so its rows are attributed to its producer, ${ds.producer}`;
      } else {
        fill = { by: 'null' };
        rationale = `${ds.name} has no column ${slot.key.startsWith('role:') ? `with the role ${slot.role ?? ''}` : `named ${column.name}`}`;
      }
      decisions.push(
        decide({
          value: { topic: 'column-fill' as const, source: ds.name, column: column.name, fill },
          confidence: fill.by === 'column' ? (slot.key.startsWith('role:') ? 0.95 : 0.85) : 0.9,
          rationale,
          evidence: [source === undefined ? missingRoleEvidence(ds, slot.role ?? column.name) : roleEvidence(ds, source)],
        }),
      );
      return Object.freeze({ column, fill });
    });
    return Object.freeze({ dataset: ds, fills: Object.freeze(fills) });
  });
  const hasSpan = columns.some((c) => c.role === 'span-start') && columns.some((c) => c.role === 'span-end');
  const output = defineDataset({
    name,
    producer: 'semantic-ir',
    version: 1,
    description: `${merge ? 'merge' : 'union'} of ${inputs.map((d) => d.name).join(', ')}`,
    spanUnit: hasSpan ? 'utf8-bytes' : 'none',
    columns,
    ...(identityColumn === undefined ? {} : { key: [identityColumn.name] }),
  });
  return {
    ok: true,
    view: Object.freeze({
      kind: 'union',
      name,
      index: context.index,
      inputs: Object.freeze(inputs.map((d) => d.name)),
      output,
      branches: Object.freeze(branches),
      mode: merge ? 'merge' : 'append',
      identity: identityColumn?.name,
      provenance,
      decisions: Object.freeze(decisions),
    }),
  };
}
