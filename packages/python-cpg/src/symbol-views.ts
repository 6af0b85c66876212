import { Derive, Diagnostic, Relate, Union } from '@anatomy/semantic-ir';
import type { ProjectRows, ViewDecl } from '@anatomy/semantic-ir';

// Where a SCIP occurrence sits on each entity: a reference is the identifier, a call's callee ends with it, a definition and a parameter start with their name, an import with the imported name.
const AT = { refs: { bstart: 'bstart', bend: 'bend' }, calls: { callee_bend: 'bend' }, defs: { name_bstart: 'bstart', name_bend: 'bend' }, imports: { bstart: 'bstart' } } as const;
const DIAGNOSTICS = ['diag.resolution_disagreements', 'diag.ts_only_defs', 'diag.py_only_defs'] as const;

/**
 * SYMBOL nodes, REFERS_TO_SYMBOL edges, the fusion of SCIP's resolution with
 * the local one and the disagreements between evidence sources. Without
 * SCIP evidence the compiler prunes the SCIP views and records what is lost.
 */
export const symbolViews: readonly ViewDecl[] = [
  // Qualified-name symbols: the repository's definitions and modules, and every module an absolute import names (inside the repository or not).
  Derive.create({ name: 'import_modules', from: 'norm.imports', where: [{ column: 'level', in: [0] }], nameFromPath: { strip: ['.py'], separator: '.', anchor: 'level', append: ['module'] } }),
  Union.create({ name: 'symbol_names', from: ['derived.named_defs', 'derived.modules', 'derived.import_modules'] }),
  Derive.create({ name: 'qualified_symbols', from: 'merged.symbol_names', entity: 'symbol', per: 'symbol' }),
  Derive.create({ name: 'scip_symbols', from: 'evidence.scip_occurrences', where: [{ column: 'is_local_symbol', in: [false] }], entity: 'symbol', per: 'symbol' }),
  // What each definition or import names: a from-import its `m.x`, another import its module.
  Union.create({ name: 'named', from: ['derived.from_imported', 'derived.named_defs', 'derived.import_modules'] }),
  Relate.create({ name: 'named_symbol', edge: 'REFERS_TO_SYMBOL', left: 'merged.named', right: 'derived.qualified_symbols', intent: 'refers-to' }),
  // SCIP's resolution: the definition occurrence of the symbol SCIP finds at a loaded name or callee, where it is a DEF's or PARAM's name.
  Derive.create({ name: 'scip_definitions', from: 'evidence.scip_occurrences', where: [{ column: 'is_definition', in: [true] }, { column: 'is_local_symbol', in: [false] }] }),
  ...([['scip_loads', 'RESOLVES_TO', 'refs', 'defs'], ['scip_params', 'RESOLVES_TO', 'refs', 'params'], ['scip_calls', 'CALLS', 'calls', 'defs']] as const).map(([name, edge, of, to]) => Relate.create({ name, edge, left: `norm.${of}`, right: `norm.${to}`, intent: 'refers-to', ...(of === 'refs' ? { where: { left: [{ role: 'kind', in: ['load'] }] } } : {}), through: [{ from: 'evidence.scip_occurrences', left: { file_id: 'file_id', ...AT[of] } }, { from: 'derived.scip_definitions', left: { symbol: 'symbol' }, right: { file_id: 'file_id', ...(to === 'defs' ? { bstart: 'name_bstart', bend: 'name_bend' } : { bstart: 'bstart' }) } }] })),
  // REFERS_TO_SYMBOL: a reference or call to what its resolved target names; every entity to the SCIP symbol of its occurrence.
  ...([['refs', 'load_def'], ['refs', 'load_binder'], ['refs', 'scip_loads'], ['calls', 'calls_def'], ['calls', 'calls_imported'], ['calls', 'scip_calls']] as const).map(([of, via]) => Relate.create({ name: `${via}_symbol`, edge: 'REFERS_TO_SYMBOL', left: `norm.${of}`, right: 'derived.qualified_symbols', intent: 'refers-to', through: [{ from: `rel.${via}`, left: { [`${of.slice(0, -1)}_id`]: 'src_node_id' } }, via === 'load_binder' ? { from: 'merged.named', left: { dst_node_id: 'entity_id' }, right: { qualified_name: 'qualified_name' } } : { from: 'derived.named_defs', left: { dst_node_id: 'def_id' }, right: { qualified_name: 'qualified_name' } }] })),
  ...(['refs', 'calls', 'defs', 'imports'] as const).map((of) => Relate.create({ name: `${of}_scip_symbol`, edge: 'REFERS_TO_SYMBOL', left: `norm.${of}`, right: 'derived.scip_symbols', intent: 'refers-to', through: [{ from: 'evidence.scip_occurrences', left: { file_id: 'file_id', ...AT[of] }, right: { symbol: 'symbol' } }] })),
  // Disagreement: SCIP and the local resolution lead one name to different definitions (an edge that agrees has the same id, never its own candidate).
  ...([['scip_loads', 'load_def'], ['scip_calls', 'calls_def'], ['scip_calls', 'calls_imported']] as const).map(([scip, local]) => Relate.create({ name: `${local}_disagreement`, edge: 'DISAGREES_WITH', left: `rel.${scip}`, right: `rel.${local}`, intent: 'refers-to', on: { left: 'src_node_id', right: 'src_node_id' } })),
  Union.create({ name: 'disagreements', from: ['rel.load_def_disagreement', 'rel.calls_def_disagreement', 'rel.calls_imported_disagreement'] }),
  Diagnostic.create({ name: 'resolution_disagreements', from: 'merged.disagreements', code: 'ResolutionDisagreement', severity: 'warning', source: 'fusion', message: 'SCIP and the local resolution lead this name to different definitions; both edges are kept' }),
  // Tree-sitter and CPython disagree on a definition when one has it and the other has none with the same span.
  ...([['ts_py_defs', 'norm.defs', 'evidence.py_defs'], ['py_ts_defs', 'evidence.py_defs', 'norm.defs']] as const).map(([name, left, right]) => Relate.create({ name, edge: 'SAME_DEF', left, right, intent: 'refers-to', through: [{ from: right, left: { file_id: 'file_id', bstart: 'bstart', bend: 'bend' }, right: { def_id: 'def_id' } }] })),
  ...([['ts_only_defs', 'norm.defs', 'tree-sitter', 'CPython'], ['py_only_defs', 'evidence.py_defs', 'CPython', 'tree-sitter']] as const).map(([name, from, has, lacks]) => Diagnostic.create({ name, from, unmatched: `rel.${from === 'norm.defs' ? 'ts_py' : 'py_ts'}_defs`, code: 'DefinitionDisagreement', severity: 'warning', message: `${has} finds the definition {name} here, ${lacks} none with the same span` })),
  ...DIAGNOSTICS.map((left) => Relate.create({ name: `${left.slice(5)}_file`, edge: 'HAS_DIAGNOSTIC', left, right: { from: 'evidence.files', entity: 'file' }, intent: 'same-file', src: 'right' })),
];

/** The rows these views add to cpg.nodes, cpg.edges and cpg.props. */
export const symbolRows: Readonly<Record<'nodes' | 'edges' | 'props', readonly ProjectRows[]>> = { nodes: [{ from: 'derived.qualified_symbols', kind: 'SYMBOL' }, { from: 'derived.scip_symbols', kind: 'SYMBOL' }, ...DIAGNOSTICS.map((from) => ({ from, kind: 'DIAGNOSTIC' }))], props: DIAGNOSTICS.map((from) => ({ from })),
  edges: symbolViews.flatMap((v) => (v.kind === 'relate' && !['DISAGREES_WITH', 'SAME_DEF'].includes(v.edge) ? [{ from: `rel.${v.name}` }] : [])) };
