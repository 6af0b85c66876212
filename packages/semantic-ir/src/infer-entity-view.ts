import { decide } from '@anatomy/contracts';
import type { Evidence, ValidationIssue } from '@anatomy/contracts';
import { columnsWithRole, defineDataset } from '@anatomy/schema-authority';
import type { ColumnRole, ColumnSpec, DatasetSchema } from '@anatomy/schema-authority';
import type { CompilerDecision } from './compiler-decision.js';
import type { Derive } from './derive.js';
import { inferEntityId, isWholeFile } from './infer-entity-id.js';
import { inferSpanConversion } from './infer-span-conversion.js';
import { inferSymbolRows } from './infer-symbol-rows.js';
import type { FileDatasets } from './file-dataset.js';
import { fileJoinOption } from './infer-project.js';
import type { AddedColumn, FileJoin, InferredEntityView, ParentJoin, SpanConversion } from './inferred-view.js';
import { parentLocation } from './infer-parent-location.js';
import type { Normalize } from './normalize.js';
import { resolveConditions } from './resolve-conditions.js';
import { roleEvidence } from './role-evidence.js';
import { wholeFileSpanFill } from './whole-file-span.js';

/** Where an entity view is in the program and what it reads. */
export interface EntityViewContext {
  readonly name: string;
  readonly index: number;
  readonly input: DatasetSchema;
  /** Registered line indexes (see `lineIndexDatasets`), for inputs located by line and column. */
  readonly lineIndexes: readonly DatasetSchema[];
  /** The datasets describing files, joined for the path of inputs named after their file (`nameFromPath`). */
  readonly fileDatasets?: FileDatasets;
  /** The dataset a derive locates its rows in (`locateIn`). */
  readonly parent?: DatasetSchema;
}

/** The outcome of inferring one view: the view, or every problem found. */
export type ViewInference<V> = { readonly ok: true; readonly view: V } | { readonly ok: false; readonly problems: readonly ValidationIssue[] };

/** Locating columns a whole file gets: its span [0, length), starting on line 1 at column 0. */
const WHOLE_FILE_COLUMNS: readonly { readonly role: ColumnRole; readonly name: string; readonly type: 'int64' | 'int32'; readonly what: string }[] = [
  { role: 'span-start', name: 'bstart', type: 'int64', what: 'first byte of the file (0)' },
  { role: 'span-end', name: 'bend', type: 'int64', what: 'byte after the end of the file' },
  { role: 'line', name: 'line', type: 'int32', what: 'line of the first byte (1)' },
  { role: 'column', name: 'col', type: 'int32', what: 'byte column of the first byte (0)' },
];

/** Adds a whole file's span, line and column where the input lacks those roles, one Decision each. */
function wholeFileColumns(input: DatasetSchema, problems: ValidationIssue[], at: string): { added: AddedColumn[]; decisions: CompilerDecision[] } {
  const added: AddedColumn[] = [];
  const decisions: CompilerDecision[] = [];
  for (const template of WHOLE_FILE_COLUMNS) {
    if (columnsWithRole(input, template.role).length > 0) continue;
    if (input.columns.some((c) => c.name === template.name)) {
      problems.push({ path: at, message: `${input.name} already has a column ${template.name}, where the ${template.role} of its whole-file rows would go` });
      continue;
    }
    const column: ColumnSpec = Object.freeze({ name: template.name, type: template.type, nullable: false, role: template.role, description: template.what });
    const choice = wholeFileSpanFill(column, template.role, input);
    if (choice === undefined || 'problem' in choice) continue;
    const value: AddedColumn['value'] =
      choice.fill.by === 'column' ? { by: 'column', column: choice.fill.column } : { by: 'literal', value: choice.fill.by === 'literal' ? Number(choice.fill.value) : 0 };
    added.push(Object.freeze({ column, value }));
    decisions.push(
      decide({
        value: { topic: 'column-fill' as const, source: input.name, column: template.name, fill: choice.fill },
        confidence: choice.confidence,
        rationale: choice.rationale,
        evidence: choice.evidence,
      }),
    );
  }
  return { added, decisions };
}

/** The `qualified_name` column (a symbol identity) a derive makes from the path of the input or its file, with its Decision, or why it cannot. */
function pathNameColumn(
  input: DatasetSchema,
  naming: NonNullable<Derive['nameFromPath']>,
  files: FileDatasets | undefined,
): { readonly added: AddedColumn; readonly decision: CompilerDecision; readonly files: FileJoin | undefined } | { readonly problem: string } {
  const paths = columnsWithRole(input, 'path');
  if (paths.length > 1) return { problem: `${input.name} has several columns with the role path to name its rows after` };
  let [path] = paths;
  let join: FileJoin | undefined;
  const evidence: Evidence[] = [];
  if (path === undefined) {
    const option = files === undefined ? undefined : fileJoinOption(input, files);
    join = option?.join;
    path = join === undefined ? undefined : columnsWithRole(join.dataset, 'path')[0];
    if (join === undefined || path === undefined) {
      return { problem: `${input.name} needs a column with the role path, or a file identity and one dataset describing files, to name its rows after${option === undefined ? '' : ` (${option.why})`}` };
    }
    evidence.push(...(option?.evidence ?? []));
  }
  if (columnsWithRole(input, 'symbol-identity').length > 0 || input.columns.some((c) => c.name === 'qualified_name')) {
    return { problem: `${input.name} already has a symbol identity; its rows cannot also be named after their path` };
  }
  const problems: string[] = [];
  for (const name of naming.append ?? []) if (!input.columns.some((c) => c.name === name)) problems.push(`${input.name} has no column ${name} (nameFromPath.append)`);
  const anchor = naming.anchor === undefined ? undefined : input.columns.find((c) => c.name === naming.anchor);
  if (naming.anchor !== undefined && (anchor === undefined || (anchor.type !== 'int32' && anchor.type !== 'int64'))) {
    problems.push(`${input.name} has no integer column ${naming.anchor} (nameFromPath.anchor)`);
  }
  if (problems.length > 0) return { problem: problems.join('; ') };
  // A name made from the path is unique in the repository, unlike a bare name inside a file: a symbol identity.
  const column: ColumnSpec = Object.freeze({
    name: 'qualified_name',
    type: 'utf8',
    nullable: path.nullable || naming.anchor !== undefined,
    role: 'symbol-identity',
    description: `${path.name} as a dotted name, unique in the repository`,
  });
  const append = Object.freeze([...(naming.append ?? [])]);
  const value = Object.freeze({
    by: 'path-name' as const,
    column: path.name,
    strip: Object.freeze([...naming.strip]),
    separator: naming.separator,
    append,
    anchor: naming.anchor,
    files: join,
  });
  const decision = decide({
    value: { topic: 'path-name' as const, source: input.name, column: column.name, path: path.name, strip: value.strip, separator: value.separator },
    confidence: 0.9,
    rationale:
      `rows are named after ${path.name}${join === undefined ? '' : ` of ${join.dataset.name}`}, by a symbol identity unique in the repository: without the first of ${naming.strip.join(', ')} it ends with, '/' replaced by '${naming.separator}'` +
      (append.length === 0 ? '' : `, followed by ${append.join(', ')}`) +
      (naming.anchor === undefined ? '' : `; ${naming.anchor} counts the levels up from the file's directory (0: not anchored to the path)`),
    evidence: [roleEvidence(join?.dataset ?? input, path), ...evidence, { source: 'semantic-ir', detail: 'the derive view declares nameFromPath' }],
  });
  return { added: Object.freeze({ column, value }), decision, files: join };
}

/**
 * Infers a normalize or derive view. The input is first located in bytes:
 * line/column positions are converted against the line index, and whole
 * files (a byte length, no span) get the span [0, length) at line 1, column
 * 0. Then the conditions of a derive are resolved to columns by role. With
 * an entity namespace, the identity column `<entity>_id` (role
 * entity-identity) is the stable id of the location (see `inferEntityId`)
 * and an identity the input already had is kept as an attribute; a derive
 * without one keeps the input's identity. The output keeps the input's
 * producer: it carries that producer's evidence.
 *
 * @example
 * const r = inferEntityView(defsView, { name: 'norm.defs', index: 0, input: tsDefs, lineIndexes: [] });
 * if (r.ok) r.view.output.columns[0]; // { name: 'def_id', role: 'entity-identity', … }
 */
export function inferEntityView(view: Normalize | Derive, context: EntityViewContext): ViewInference<InferredEntityView> {
  const { input, name } = context;
  const at = `views[${context.index}]`;
  const problems: ValidationIssue[] = [];
  const decisions: CompilerDecision[] = [];

  let conversion: SpanConversion | undefined;
  let fileJoin: FileJoin | undefined;
  let added: readonly AddedColumn[] = [];
  const wholeFile = isWholeFile(input);
  if (input.spanUnit === 'line-col') {
    const converted = inferSpanConversion(input, context.lineIndexes);
    if (!converted.ok) problems.push({ path: `${at}.from`, message: converted.problem });
    else {
      conversion = converted.conversion;
      added = converted.added;
      decisions.push(converted.decision);
    }
  } else if (wholeFile) {
    const whole = wholeFileColumns(input, problems, `${at}.from`);
    added = whole.added;
    decisions.push(...whole.decisions);
  }
  let parentJoin: ParentJoin | undefined;
  if (view.kind === 'derive' && view.locateIn !== undefined) {
    const parent = context.parent;
    const placed = parent === undefined ? { problem: `${view.locateIn} is not known` } : parentLocation(input, parent);
    if ('problem' in placed) problems.push({ path: `${at}.locateIn`, message: placed.problem });
    else {
      added = [...added, ...placed.added];
      decisions.push(...placed.decisions);
      parentJoin = placed.join;
    }
  }
  if (view.kind === 'derive' && view.nameFromPath !== undefined) {
    const named = pathNameColumn(input, view.nameFromPath, context.fileDatasets);
    if ('problem' in named) problems.push({ path: `${at}.nameFromPath`, message: named.problem });
    else {
      added = [...added, named.added];
      decisions.push(named.decision);
      fileJoin = named.files;
    }
  }
  const located = [...input.columns, ...added.map((a) => a.column)];
  // The input as the view reads it, located in bytes; named after the input, whose columns the decisions cite.
  const locatedSchema = defineDataset({
    name: input.name,
    producer: input.producer,
    version: 1,
    description: `${input.name}, located in bytes`,
    spanUnit: located.some((c) => c.role === 'span-start') ? 'utf8-bytes' : input.spanUnit === 'line-col' ? 'none' : input.spanUnit,
    columns: located,
  });

  const where = view.kind === 'derive' ? view.where : undefined;
  const conditions = resolveConditions(locatedSchema, where, `${at}.where`);
  problems.push(...conditions.problems);
  decisions.push(...conditions.decisions);

  const entity = view.entity;
  let identity: InferredEntityView['identity'];
  let columns: readonly ColumnSpec[] = located;
  let perSymbol: InferredEntityView['perSymbol'];
  if (view.kind === 'derive' && view.per === 'symbol' && entity !== undefined) {
    const symbols = inferSymbolRows(locatedSchema, entity, name);
    if (!symbols.ok) problems.push({ path: `${at}.per`, message: symbols.problem });
    else {
      [identity, columns, perSymbol] = [symbols.identity, symbols.columns.slice(1), symbols.rows];
      decisions.push(...symbols.decisions);
    }
  } else if (entity !== undefined) {
    const column = `${entity}_id`;
    if (located.some((c) => c.name === column)) {
      problems.push({ path: `${at}.entity`, message: `${input.name} already has a column ${column}; ${view.kind} it under another entity name` });
    }
    const id = inferEntityId(locatedSchema, entity, column, name, wholeFile);
    if (!id.ok) problems.push({ path: `${at}.from`, message: id.problem });
    else {
      decisions.push(id.decision);
      const spec: ColumnSpec = Object.freeze({
        name: column,
        type: 'utf8',
        nullable: false,
        role: 'entity-identity',
        description: `stable id of the ${entity} (namespace '${entity}')`,
      });
      identity = Object.freeze({ column: spec, fill: id.fill });
    }
    columns = located.map((c) => {
      if (c.role !== 'entity-identity') return c;
      decisions.push(
        decide({
          value: { topic: 'role-change' as const, source: input.name, column: c.name, from: 'entity-identity' as const, to: 'attribute' as const },
          confidence: 0.9,
          rationale: `${name} identifies rows by ${column}; the identity ${input.name} brought is kept as a plain attribute`,
          evidence: [roleEvidence(input, c)],
        }),
      );
      return Object.freeze({ ...c, role: 'attribute' as const });
    });
  } else if (columnsWithRole(input, 'entity-identity').length === 0) {
    problems.push({ path: `${at}.entity`, message: `${input.name} has no column with the role entity-identity to keep; give the derived rows an entity namespace` });
  }
  if (problems.length > 0) return { ok: false, problems };

  const output = defineDataset({
    name,
    producer: input.producer,
    version: 1,
    description:
      view.kind === 'normalize' ? `${input.name} with stable ${entity ?? ''} ids` : `rows of ${input.name} meeting the conditions of ${name}${entity === undefined ? '' : ` as ${entity} entities`}`,
    spanUnit: perSymbol === undefined ? locatedSchema.spanUnit : 'none',
    columns: [...(identity === undefined ? [] : [identity.column]), ...columns],
  });
  return {
    ok: true,
    view: Object.freeze({
      kind: view.kind,
      name,
      index: context.index,
      inputs: Object.freeze([
        input.name,
        ...(conversion === undefined ? [] : [conversion.lineIndex.name]),
        ...(fileJoin === undefined ? [] : [fileJoin.dataset.name]),
        ...(parentJoin === undefined ? [] : [parentJoin.dataset.name]),
      ]),
      input,
      output,
      conversion,
      added,
      identity,
      conditions: conditions.conditions,
      ...(perSymbol === undefined ? {} : { perSymbol }),
      decisions: Object.freeze(decisions),
    }),
  };
}
