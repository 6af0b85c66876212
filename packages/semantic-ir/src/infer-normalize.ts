import { decide } from '@anatomy/contracts';
import type { ValidationIssue } from '@anatomy/contracts';
import { columnsWithRole, defineDataset } from '@anatomy/schema-authority';
import type { ColumnSpec, DatasetSchema } from '@anatomy/schema-authority';
import type { CompilerDecision } from './compiler-decision.js';
import { inferEntityId } from './infer-entity-id.js';
import type { InferredNormalize } from './inferred-view.js';
import type { Normalize } from './normalize.js';
import { roleEvidence } from './role-evidence.js';

/** Where a normalize view is in the program and what it reads. */
export interface NormalizeContext {
  readonly name: string;
  readonly index: number;
  readonly input: DatasetSchema;
}

/**
 * Infers a normalize view: the identity column `<entity>_id` (role
 * entity-identity) filled with the stable id of the input's location, then
 * every input column unchanged. An identity the input already carries is
 * kept as an attribute, because a dataset has one entity identity. The
 * output keeps the input's producer: it carries that producer's evidence.
 *
 * @example
 * const r = inferNormalize(defsView, { name: 'norm.defs', index: 0, input: tsDefs });
 * if (r.ok) r.view.output.columns[0]; // { name: 'def_id', role: 'entity-identity', … }
 */
export function inferNormalize(
  view: Normalize,
  context: NormalizeContext,
): { readonly ok: true; readonly view: InferredNormalize } | { readonly ok: false; readonly problems: readonly ValidationIssue[] } {
  const { input, name } = context;
  const column = `${view.entity}_id`;
  const at = `views[${context.index}]`;
  const problems: ValidationIssue[] = [];
  if (input.columns.some((c) => c.name === column)) {
    problems.push({ path: `${at}.entity`, message: `${input.name} already has a column ${column}; normalize it under another entity name` });
  }
  const id = inferEntityId(input, view.entity, column, name);
  if (!id.ok) problems.push({ path: `${at}.from`, message: id.problem });
  if (!id.ok || problems.length > 0) return { ok: false, problems };

  const decisions: CompilerDecision[] = [id.decision];
  const columns: ColumnSpec[] = input.columns.map((c) => {
    if (c.role !== 'entity-identity') return c;
    decisions.push(
      decide({
        value: { topic: 'role-change' as const, source: input.name, column: c.name, from: 'entity-identity' as const, to: 'attribute' as const },
        confidence: 0.9,
        rationale: `${name} identifies rows by ${column}; the identity ${input.name} brought is kept as a plain attribute`,
        evidence: [roleEvidence(input, c)],
      }),
    );
    return { ...c, role: 'attribute' as const };
  });
  const identity: ColumnSpec = {
    name: column,
    type: 'utf8',
    nullable: false,
    role: 'entity-identity',
    description: `stable id of the ${view.entity} (namespace '${view.entity}')`,
  };
  const output = defineDataset({
    name,
    producer: input.producer,
    version: 1,
    description: `${input.name} with stable ${view.entity} ids`,
    spanUnit: input.spanUnit,
    columns: [identity, ...columns],
  });
  const [outputIdentity] = columnsWithRole(output, 'entity-identity');
  return {
    ok: true,
    view: Object.freeze({
      kind: 'normalize',
      name,
      index: context.index,
      inputs: Object.freeze([input.name]),
      input,
      output,
      identity: Object.freeze({ column: outputIdentity ?? identity, fill: id.fill }),
      decisions: Object.freeze(decisions),
    }),
  };
}
