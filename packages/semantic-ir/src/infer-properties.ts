import { decide } from '@anatomy/contracts';
import type { ValidationIssue } from '@anatomy/contracts';
import { columnsWithRole } from '@anatomy/schema-authority';
import type { ColumnSpec, ColumnType, DatasetSchema } from '@anatomy/schema-authority';
import type { ColumnFill, CompilerDecision } from './compiler-decision.js';
import { chooseFill } from './infer-project.js';
import type { FileJoinOption, ProjectContext } from './infer-project.js';
import type { FilledColumn, InferredProject, ProjectionSource } from './inferred-view.js';
import type { Project } from './project.js';
import { roleEvidence } from './role-evidence.js';

/** How each column type is named in a property row's value-type column. */
const VALUE_TYPES: Readonly<Partial<Record<ColumnType, string>>> = { utf8: 'string', int64: 'int', int32: 'int', float64: 'float', bool: 'bool' };

/** The contract's value column for a source column of that type: the attribute column of the matching type. */
function valueColumn(contract: DatasetSchema, type: ColumnType): ColumnSpec | undefined {
  const wanted = type === 'int32' ? 'int64' : type;
  return columnsWithRole(contract, 'attribute').find((c) => c.type === wanted);
}

/**
 * Whether a contract holds properties rather than entities: it has no span
 * (a property sits nowhere in a file; it may name the file owning its
 * entity), names each row with a key (role name) and a value type (role
 * kind), and has attribute columns to hold the values. `cpg.props` is such
 * a contract.
 *
 * @example
 * isPropertyContract(cpgProps); // true
 * isPropertyContract(cpgNodes); // false: its rows have spans
 */
export function isPropertyContract(contract: DatasetSchema): boolean {
  const has = (role: Parameters<typeof columnsWithRole>[1]): boolean => columnsWithRole(contract, role).length > 0;
  return has('entity-identity') && has('name') && has('kind') && has('attribute') && !has('span-start');
}

/**
 * Infers a projection into a property contract: every column of a source
 * with the role kind or attribute becomes one property row per entity —
 * the entity's identity (as its entity rows get it), the column's name as
 * the key, its type as the value type, and the value in the contract's
 * attribute column of that type. NULL values give no row.
 *
 * @example
 * inferProperties(Project.create({ name: 'cpg.props', rows: [{ from: 'norm.defs' }] }), context);
 * // a source per property: def_kind (string), qualname (string), name_bstart (int), …
 */
export function inferProperties(
  view: Project,
  context: ProjectContext,
): { readonly ok: true; readonly view: InferredProject } | { readonly ok: false; readonly problems: readonly ValidationIssue[] } {
  const { contract, name } = context;
  const at = `views[${context.index}]`;
  const problems: ValidationIssue[] = [];
  const decisions: CompilerDecision[] = [];
  const sources: ProjectionSource[] = [];
  const [identity] = columnsWithRole(contract, 'entity-identity');
  const [key] = columnsWithRole(contract, 'name');
  const [valueType] = columnsWithRole(contract, 'kind');
  const files = columnsWithRole(contract, 'file-identity');
  if (identity === undefined || key === undefined || valueType === undefined) return { ok: false, problems: [{ path: `${at}.name`, message: `${contract.name} is not a property contract` }] };
  const noJoin: FileJoinOption = { join: undefined, why: 'properties are not located', evidence: [] };
  const ordered = view.rows.map((rows, j) => ({ rows, j })).sort((a, b) => (a.rows.from < b.rows.from ? -1 : a.rows.from > b.rows.from ? 1 : 0));
  for (const { rows, j } of ordered) {
    const source = context.sources[j];
    if (source === undefined) continue;
    const id = chooseFill(identity, rows, source, noJoin, name);
    if ('problem' in id) {
      problems.push({ path: `${at}.rows[${j}]`, message: id.problem });
      continue;
    }
    // The owning file of each entity, from the source's own file identity (NULL for a source of no file):
    // it lets an incremental build recompute one file's properties.
    const owner = new Map<string, ColumnFill>();
    for (const file of files) {
      const choice = chooseFill(file, rows, source, noJoin, name);
      if ('problem' in choice) {
        problems.push({ path: `${at}.rows[${j}]`, message: choice.problem });
        continue;
      }
      owner.set(file.name, choice.fill);
      decisions.push(
        decide({
          value: { topic: 'column-fill' as const, source: source.name, column: file.name, fill: choice.fill },
          confidence: choice.confidence,
          rationale: `${file.name} of each property row from ${source.name}: ${choice.rationale}`,
          evidence: [...choice.evidence],
        }),
      );
    }
    const described = source.columns.filter((c) => (c.role === 'kind' || c.role === 'attribute') && VALUE_TYPES[c.type] !== undefined);
    for (const column of [...described].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const value = valueColumn(contract, column.type);
      const type = VALUE_TYPES[column.type];
      if (value === undefined || type === undefined) continue;
      const columns: FilledColumn[] = contract.columns.map((c) => {
        if (c.name === identity.name) return { column: c, fill: id.fill };
        if (c.name === key.name) return { column: c, fill: { by: 'literal', value: column.name } };
        if (c.name === valueType.name) return { column: c, fill: { by: 'literal', value: type } };
        if (c.name === value.name) return { column: c, fill: { by: 'column', dataset: source.name, column: column.name } };
        const file = owner.get(c.name);
        if (file !== undefined) return { column: c, fill: file };
        return { column: c, fill: { by: 'null' } };
      });
      sources.push(Object.freeze({ dataset: source, fileJoin: undefined, columns: Object.freeze(columns.map((c) => Object.freeze(c))), nonNull: column.name }));
      decisions.push(
        decide({
          value: { topic: 'column-fill' as const, source: source.name, column: value.name, fill: { by: 'column' as const, dataset: source.name, column: column.name } },
          confidence: 0.9,
          rationale: `${column.name} of ${source.name} has the role ${column.role ?? 'attribute'}, so it is a property of each row: key '${column.name}', value type ${type}, held in ${value.name}; NULLs give no row`,
          evidence: [roleEvidence(source, column), { source: 'schema-authority', detail: `${value.name} is the ${value.type} attribute column of ${contract.name}` }],
        }),
      );
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    view: Object.freeze({
      kind: 'project',
      name,
      index: context.index,
      inputs: Object.freeze([...new Set(context.sources.map((s) => s.name))]),
      output: contract,
      sources: Object.freeze(sources),
      decisions: Object.freeze(decisions),
    }),
  };
}
