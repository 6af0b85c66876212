import { decide } from '@anatomy/contracts';
import type { ValidationIssue } from '@anatomy/contracts';
import { columnsWithRole, defineDataset } from '@anatomy/schema-authority';
import type { ColumnRole, ColumnSpec, ColumnType, DatasetSchema } from '@anatomy/schema-authority';
import type { ColumnFill, CompilerDecision } from './compiler-decision.js';
import { messagePlaceholders } from './diagnostic.js';
import type { Diagnostic } from './diagnostic.js';
import type { ViewInference } from './infer-entity-view.js';
import { assertByteSpans } from './infer-entity-id.js';
import type { DiagnosticValue, InferredDiagnostic, InferredRelate, MessagePart, SideIdentity } from './inferred-view.js';
import { resolveConditions } from './resolve-conditions.js';
import { missingRoleEvidence, roleEvidence } from './role-evidence.js';

/** Where a diagnostic view is in the program and what it reads. */
export interface DiagnosticContext {
  readonly name: string;
  readonly index: number;
  readonly input: DatasetSchema;
  /** Relate views inferred so far, by name, for `unmatched`. */
  readonly relations: ReadonlyMap<string, InferredRelate>;
}

/** The locating columns a diagnostic has where its input has the role that fills each. */
const LOCATING: readonly { readonly name: string; readonly type: ColumnType; readonly role: ColumnRole; readonly what: string }[] = [
  { name: 'file_id', type: 'utf8', role: 'file-identity', what: 'the file the problem is in' },
  { name: 'path', type: 'utf8', role: 'path', what: 'repository-relative path, when the input has it' },
  { name: 'bstart', type: 'int64', role: 'span-start', what: 'first byte of the problem' },
  { name: 'bend', type: 'int64', role: 'span-end', what: 'byte after the problem' },
  { name: 'line', type: 'int32', role: 'line', what: '1-based line of bstart' },
  { name: 'col', type: 'int32', role: 'column', what: '0-based byte column of bstart' },
];

function spec(name: string, type: ColumnType, nullable: boolean, role: ColumnRole, description: string): ColumnSpec {
  return Object.freeze({ name, type, nullable, role, description });
}

/** Splits a message at its `{role}` placeholders into text and the columns playing those roles. */
function messageParts(message: string, input: DatasetSchema, problems: ValidationIssue[], at: string): MessagePart[] {
  const parts: MessagePart[] = [];
  let rest = message;
  for (const role of messagePlaceholders(message)) {
    const token = `{${role}}`;
    const i = rest.indexOf(token);
    if (i > 0) parts.push({ text: rest.slice(0, i) });
    rest = rest.slice(i + token.length);
    const found = columnsWithRole(input, role as ColumnRole);
    const [only] = found;
    if (only === undefined || found.length > 1) {
      problems.push({ path: `${at}.message`, message: `{${role}} needs exactly one column of ${input.name} with the role ${role}; it has ${found.length}` });
    } else parts.push({ column: only.name });
  }
  if (rest.length > 0) parts.push({ text: rest });
  return parts;
}

/**
 * Infers a diagnostic view: one report per input row meeting the
 * conditions (and, with `unmatched`, without an edge in that relationship),
 * in the diagnostic template: a stable id in the view's namespace (of the
 * row's identity, else its location), the row's identity as `subject_id`,
 * its file, path, span, line and column where it has those roles,
 * the declared code and severity, the message with its placeholders filled
 * from role columns, and the row's provenance as `source`.
 *
 * @example
 * const r = inferDiagnostic(unresolved, { name: 'diag.unresolved_imports', index: 5, input: normImports, relations });
 * if (r.ok) r.view.output.columns.map((c) => c.name); // ['diagnostic_id', 'subject_id', 'file_id', …, 'source']
 */
export function inferDiagnostic(view: Diagnostic, context: DiagnosticContext): ViewInference<InferredDiagnostic> {
  const { input, name } = context;
  const at = `views[${context.index}]`;
  assertByteSpans(input, name);
  const problems: ValidationIssue[] = [];
  const decisions: CompilerDecision[] = [];
  const conditions = resolveConditions(input, view.where, `${at}.where`);
  problems.push(...conditions.problems);
  decisions.push(...conditions.decisions);

  const one = (role: ColumnRole): ColumnSpec | undefined => {
    const found = columnsWithRole(input, role);
    return found.length === 1 ? found[0] : undefined;
  };
  const identity = one('entity-identity');
  const file = one('file-identity');
  const start = one('span-start');
  const end = one('span-end');
  const idParts =
    identity !== undefined
      ? [identity]
      : file !== undefined && start !== undefined && end !== undefined
        ? [file, start, end]
        : [file, one('path'), one('name'), one('kind')].filter((c): c is ColumnSpec => c !== undefined);
  if (idParts.length === 0) problems.push({ path: `${at}.from`, message: `${input.name} has no identity, file, path, name or kind role to tell its diagnostics apart` });

  const record = (column: string, fill: ColumnFill, confidence: number, rationale: string, evidence: ReturnType<typeof roleEvidence>[]): void => {
    decisions.push(decide({ value: { topic: 'column-fill' as const, source: input.name, column, fill }, confidence, rationale, evidence }));
  };
  const namespace = name;
  record(
    'diagnostic_id',
    { by: 'stable-id', namespace, dataset: input.name, parts: idParts.map((c) => c.name) },
    identity === undefined ? 0.85 : 0.95,
    identity === undefined
      ? `${input.name} has no identity, so a diagnostic is identified by where its row is: (${idParts.map((c) => c.name).join(', ')}) in namespace '${namespace}'`
      : `one diagnostic per row of ${input.name}, identified by the row's identity ${identity.name} in namespace '${namespace}'`,
    idParts.map((c) => roleEvidence(input, c)),
  );

  const columns: { column: ColumnSpec; value: DiagnosticValue }[] = [
    { column: spec('diagnostic_id', 'utf8', false, 'entity-identity', `stable id in namespace '${namespace}'`), value: { by: 'stable-id', namespace, parts: idParts.map((c) => c.name) } },
    ...(identity === undefined
      ? []
      : [{ column: spec('subject_id', 'utf8', false, 'parent-identity', `the ${input.name} row the diagnostic is about`), value: { by: 'column' as const, column: identity.name } }]),
  ];
  for (const template of LOCATING) {
    const source = one(template.role);
    // Only what the input locates: a NULL column would hide what a projection could find elsewhere (the path, from the file dataset).
    if (source === undefined) continue;
    columns.push({ column: spec(template.name, template.type, true, template.role, template.what), value: { by: 'column', column: source.name } });
    record(template.name, { by: 'column', dataset: input.name, column: source.name }, 1, `${source.name} of ${input.name} has the role ${template.role}`, [roleEvidence(input, source)]);
  }
  const provenance = view.source === undefined ? one('provenance') : undefined;
  const declared = view.source;
  if (declared !== undefined) {
    record('source', { by: 'literal', value: declared }, 1, `the diagnostic view declares its source, ${declared}`, [{ source: 'semantic-program', detail: `source: '${declared}'` }]);
  } else {
    record(
      'source',
      provenance === undefined ? { by: 'literal', value: input.producer } : { by: 'column', dataset: input.name, column: provenance.name },
      0.95,
      provenance === undefined ? `${input.name} carries no provenance, so its diagnostics come from its producer, ${input.producer}` : `${provenance.name} records where each row came from`,
      [provenance === undefined ? missingRoleEvidence(input, 'provenance') : roleEvidence(input, provenance)],
    );
  }
  columns.push(
    { column: spec('code', 'utf8', false, 'name', 'the diagnostic code'), value: { by: 'literal', value: view.code } },
    { column: spec('severity', 'utf8', false, 'attribute', 'info, warning or error'), value: { by: 'literal', value: view.severity } },
    { column: spec('message', 'utf8', false, 'attribute', 'what is wrong, for people'), value: { by: 'message', parts: messageParts(view.message, input, problems, at) } },
    {
      column: spec('source', 'utf8', false, 'provenance', 'the evidence source that found the problem'),
      value: declared !== undefined ? { by: 'literal', value: declared } : provenance === undefined ? { by: 'literal', value: input.producer } : { by: 'column', column: provenance.name },
    },
  );

  let unmatched: InferredDiagnostic['unmatched'];
  if (view.unmatched !== undefined) {
    const relation = context.relations.get(view.unmatched);
    const plan = relation?.plan;
    if (plan === undefined || plan.form !== 'join') {
      problems.push({ path: `${at}.unmatched`, message: `${view.unmatched} is not an inferred relate view` });
    } else {
      const member = plan.members[0];
      const column = member?.src === 'right' ? 'dst_node_id' : 'src_node_id';
      let subject: SideIdentity | undefined;
      if (plan.left.dataset.name === input.name) subject = plan.left.id;
      else if (identity !== undefined) subject = { by: 'column', column: identity.name };
      if (subject === undefined) {
        problems.push({ path: `${at}.unmatched`, message: `${input.name} has no identity to look up among the left rows of ${view.unmatched}` });
      } else {
        unmatched = Object.freeze({ view: view.unmatched, column, identity: subject });
        decisions.push(
          decide({
            value: { topic: 'condition' as const, source: view.unmatched, column, test: 'not-in' as const, values: [] },
            confidence: 0.9,
            rationale: `a row is reported when its identity is not among the ${column} of ${view.unmatched}, where that relationship's left rows go`,
            evidence: [{ source: 'semantic-ir', detail: `${view.unmatched} runs its edges from its ${member?.src ?? 'left'} rows` }],
          }),
        );
      }
    }
  }
  if (problems.length > 0) return { ok: false, problems };

  const output = defineDataset({
    name,
    producer: input.producer,
    version: 1,
    description: `${view.code} diagnostics found in ${input.name}`,
    spanUnit: 'utf8-bytes',
    key: ['diagnostic_id'],
    columns: columns.map((c) => c.column),
  });
  return {
    ok: true,
    view: Object.freeze({
      kind: 'diagnostic',
      name,
      index: context.index,
      inputs: Object.freeze([input.name, ...(view.unmatched === undefined ? [] : [view.unmatched])]),
      input,
      output,
      conditions: conditions.conditions,
      columns: Object.freeze(columns.map((c) => Object.freeze(c))),
      unmatched,
      decisions: Object.freeze(decisions),
    }),
  };
}
