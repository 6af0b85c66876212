import { Derive, Normalize, Project, Relate, Union, defineProgram } from '@anatomy/semantic-ir';
import type { SemanticProgram } from '@anatomy/semantic-ir';
import { symbolRows, symbolViews } from './symbol-views.js';

// Module names from the package layout: pkg/sub/mod.py → pkg.sub.mod, pkg/__init__.py → pkg (paths from the repository root).
const MODULE_PATH = { strip: ['/__init__.pyi', '/__init__.py', '.pyi', '.py'], separator: '.' };
const QUALIFIED = { left: 'qualified_name', right: 'qualified_name' };
const CLASS = { role: 'kind' as const, in: ['class'] };

/**
 * The Python code property graph as a semantic program: only what to
 * compute and from which evidence. Ids, join keys and output columns are
 * inferred by the compiler from the column roles of the evidence schemas.
 *
 * @example
 * const manifest = compileProgram(pythonCpgProgram, registry);
 */
export const pythonCpgProgram: SemanticProgram = defineProgram({
  name: 'python-cpg',
  views: [
    // Syntax entities get stable ids from their location: file and byte span.
    Normalize.create({ name: 'defs', from: 'evidence.ts_defs', entity: 'def' }),
    Normalize.create({ name: 'params', from: 'evidence.ts_params', entity: 'param' }),
    Normalize.create({ name: 'calls', from: 'evidence.ts_calls', entity: 'call' }),
    Normalize.create({ name: 'imports', from: 'evidence.ts_imports', entity: 'import' }),
    Normalize.create({ name: 'refs', from: 'evidence.ts_refs', entity: 'ref' }),
    Normalize.create({ name: 'syntax_errors', from: 'evidence.ts_errors', entity: 'diagnostic' }),
    // One module per file, a whole file identified by the file alone, named from the package layout.
    Derive.create({
      name: 'modules',
      from: 'evidence.files',
      entity: 'module',
      nameFromPath: MODULE_PATH,
    }),
    // What can contain code lexically: modules and definitions.
    Union.create({ name: 'containers', from: ['derived.modules', 'norm.defs'] }),
    // CONTAINS: the innermost enclosing definition or module of each located entity, by span containment.
    ...(['defs', 'params', 'calls', 'imports', 'refs'] as const).map((of) =>
      Relate.create({ name: `${of}_container`, edge: 'CONTAINS', left: `norm.${of}`, right: 'merged.containers', intent: 'within', score: { innermost: 2 }, keep: 'best', src: 'right' }),
    ),
    // Problems CPython located in a file (an unlocated one has no span to tell it from the others).
    Derive.create({
      name: 'python_errors',
      from: 'evidence.py_parse_errors',
      entity: 'pydiagnostic',
      where: [{ role: 'span-start', notIn: [null] }, { column: 'severity', in: ['error'] }],
    }),
    // PARENT_SCOPE and DECLARES follow the parent pointers of CPython's symbol tables.
    Relate.create({ name: 'scope_parent', edge: 'PARENT_SCOPE', left: 'evidence.py_scopes', right: 'evidence.py_scopes', intent: 'within' }),
    // A scope binds only its local symbols: free and global names it merely uses are bound elsewhere.
    Relate.create({
      name: 'scope_binding',
      edge: 'DECLARES',
      left: 'evidence.py_symbols',
      right: 'evidence.py_scopes',
      intent: 'within',
      where: { left: [{ column: 'is_local', in: [true] }] },
      src: 'right',
    }),
    // HAS_DIAGNOSTIC: the file each problem was found in.
    ...(['norm.syntax_errors', 'derived.python_errors'] as const).map((left) =>
      Relate.create({ name: `${left.split('.')[1] ?? ''}_file`, edge: 'HAS_DIAGNOSTIC', left, right: { from: 'evidence.files', entity: 'file' }, intent: 'same-file', src: 'right' }),
    ),
    // IMPORTS: an absolute `import a.b` or `from a.b import *` brings in the module a.b, when it is in the repository.
    Relate.create({
      name: 'import_module',
      edge: 'IMPORTS',
      left: 'norm.imports',
      right: 'derived.modules',
      intent: 'refers-to',
      on: { left: 'module', right: 'qualified_name' },
      where: { left: [{ column: 'level', in: [0] }, { column: 'imported_name', in: [null, '*'] }] },
    }),
    // Definitions named in the repository's namespace, `pkg.mod` + qualname: what a `from pkg.mod import x` can name.
    Derive.create({ name: 'named_defs', from: 'norm.defs', where: [{ role: 'kind', notIn: [null] }], nameFromPath: { ...MODULE_PATH, append: ['qualname'] } }),
    // What `from m import x` names, `m.x`, with a relative `m` resolved from the importing file's package (the leading dots
    // count up from its directory: `__init__.py` is its own package); and, for a relative star, the module itself.
    Derive.create({ name: 'from_imported', from: 'norm.imports', where: [{ column: 'imported_name', notIn: [null, '*'] }], nameFromPath: { ...MODULE_PATH, anchor: 'level', append: ['module', 'imported_name'] } }),
    Derive.create({ name: 'relative_star', from: 'norm.imports', where: [{ column: 'imported_name', in: ['*'] }, { column: 'level', notIn: [0] }], nameFromPath: { ...MODULE_PATH, anchor: 'level', append: ['module'] } }),
    // IMPORTS: the definition a from-import names, else (or also, when a package both defines x and holds a submodule x) the submodule.
    Relate.create({ name: 'import_def', edge: 'IMPORTS', left: 'derived.from_imported', right: 'derived.named_defs', intent: 'refers-to', score: { 'same-name': 1 } }),
    ...(['from_imported', 'relative_star'] as const).map((from) =>
      Relate.create({ name: `${from}_module`, edge: 'IMPORTS', left: `derived.${from}`, right: 'derived.modules', intent: 'refers-to' }),
    ),
    // BINDS_DEF: a def or class statement binds its name in the enclosing scope, the parent of the block it opens
    // (a block opens where its definition starts). Names declared global or nonlocal are bound elsewhere.
    Relate.create({
      name: 'binds_def',
      edge: 'BINDS_DEF',
      left: 'evidence.py_symbols',
      right: 'norm.defs',
      intent: 'refers-to',
      through: [{ from: 'evidence.py_scopes', left: { scope_id: 'parent_scope_id', name: 'name' }, right: { file_id: 'file_id', bstart: 'bstart' } }],
      where: { left: [{ column: 'is_local', in: [true] }] },
    }),
    // CALLS and RESOLVES_TO: a plain-name call or a loaded name whose innermost scope (CPython's symbol table) sees the
    // name as global resolves to the definition of that name at the top of its module: local, free (enclosing) and
    // class-level names never reach it. RESOLVES_TO also leads such a name to an import binding it at the top of its
    // module (an import inside a def or class binds a local name there), and CALLS on to what that import brings in.
    Derive.create({ name: 'bound_imports', from: 'norm.imports', where: [{ column: 'is_star', in: [false] }], nameFromPath: { ...MODULE_PATH, append: ['bound_name'] } }),
    Relate.create({ name: 'imports_scope', edge: 'IN_SCOPE', left: 'derived.bound_imports', right: 'evidence.py_scopes', intent: 'within', score: { innermost: 2 }, keep: 'best', src: 'right' }),
    Derive.create({ name: 'global_names', from: 'evidence.py_symbols', where: [{ column: 'is_global', in: [true] }], nameFromPath: { ...MODULE_PATH, append: ['name'] } }),
    Derive.create({ name: 'named_calls', from: 'norm.calls', where: [{ role: 'name', notIn: [null] }], nameFromPath: { ...MODULE_PATH, append: ['callee_text'] } }),
    Derive.create({ name: 'named_loads', from: 'norm.refs', where: [{ role: 'kind', in: ['load'] }], nameFromPath: { ...MODULE_PATH, append: ['name'] } }),
    ...([['calls', 'call', 'CALLS', 'CALLS_IMPORT'], ['loads', 'ref', 'RESOLVES_TO', 'RESOLVES_TO']] as const).flatMap(([of, id, edge, viaImport]) => [
      Relate.create({ name: `${of}_scope`, edge: 'IN_SCOPE', left: `derived.named_${of}`, right: 'evidence.py_scopes', intent: 'within', score: { innermost: 2 }, keep: 'best', src: 'right' }),
      Relate.create({ name: `${of}_global`, edge: 'SEES_GLOBAL', left: `derived.named_${of}`, right: 'derived.global_names', intent: 'refers-to', on: QUALIFIED, through: [{ from: `rel.${of}_scope`, left: { [`${id}_id`]: 'dst_node_id' }, right: { src_node_id: 'scope_id' } }] }),
      Relate.create({ name: `${of}_def`, edge, left: `derived.named_${of}`, right: 'derived.named_defs', intent: 'refers-to', on: QUALIFIED, through: [{ from: `rel.${of}_global`, left: { [`${id}_id`]: 'src_node_id' } }], score: { 'same-file': 1 } }),
      Relate.create({ name: `${of}_import`, edge: viaImport, left: `derived.named_${of}`, right: 'derived.bound_imports', intent: 'refers-to', on: QUALIFIED, through: [{ from: `rel.${of}_global`, left: { [`${id}_id`]: 'src_node_id' } }], unless: { right: 'rel.imports_scope' } }),
    ]),
    Relate.create({ name: 'calls_imported', edge: 'CALLS', left: 'derived.named_calls', right: 'norm.defs', intent: 'refers-to',
      through: [{ from: 'rel.calls_import', left: { call_id: 'src_node_id' } }, { from: 'rel.import_def', left: { dst_node_id: 'src_node_id' }, right: { dst_node_id: 'def_id' } }] }),
    // INHERITS_FROM: a top-level class's base written as a plain name is looked up in its module: the class defined
    // there under that name. The class's own ast node (same start) leads to its base names.
    Derive.create({ name: 'class_bases', from: 'evidence.py_ast_nodes', where: [{ column: 'field', in: ['bases'] }, { role: 'kind', in: ['Name'] }, { column: 'depth', in: [2] }], nameFromPath: { ...MODULE_PATH, append: ['name'] } }),
    Relate.create({ name: 'inherits_local', edge: 'INHERITS_FROM', left: 'norm.defs', right: 'derived.named_defs', intent: 'refers-to', where: { left: [CLASS], right: [CLASS] },
      through: [{ from: 'evidence.py_ast_nodes', left: { file_id: 'file_id', bstart: 'bstart' } }, { from: 'derived.class_bases', left: { node_id: 'parent_id' }, right: { qualified_name: 'qualified_name' } }] }),
    // FILE→MODULE: the module a file holds.
    Relate.create({ name: 'file_module', edge: 'CONTAINS', left: 'derived.modules', right: { from: 'evidence.files', entity: 'file' }, intent: 'same-file', src: 'right' }),
    ...symbolViews,
    // cpg.nodes: one FILE node per scanned file, then one node per syntax entity.
    Project.create({
      name: 'cpg.nodes',
      rows: [
        { from: 'evidence.files', kind: 'FILE', entity: 'file' },
        { from: 'derived.modules', kind: 'MODULE' },
        { from: 'norm.defs', kind: 'DEF' },
        { from: 'norm.params', kind: 'PARAM' },
        { from: 'norm.calls', kind: 'CALL' },
        { from: 'norm.imports', kind: 'IMPORT' },
        { from: 'norm.refs', kind: 'REF' },
        { from: 'norm.syntax_errors', kind: 'DIAGNOSTIC' },
        { from: 'derived.python_errors', kind: 'DIAGNOSTIC' },
        { from: 'evidence.py_scopes', kind: 'SCOPE' },
        { from: 'evidence.py_symbols', kind: 'BINDING' },
        ...symbolRows.nodes,
      ],
    }),
    // cpg.props: every kind and attribute column of a node's evidence (def_kind, qualname, param_kind, ctx, module,
    // level, is_star, scope_type, the symtable flags, message, severity, …), one row per non-NULL value.
    Project.create({
      name: 'cpg.props',
      rows: ['norm.defs', 'norm.params', 'norm.calls', 'norm.imports', 'norm.refs', 'norm.syntax_errors', 'derived.python_errors', 'evidence.py_scopes', 'evidence.py_symbols'].map(
        (from) => ({ from }),
      ).concat(symbolRows.props),
    }),
    Project.create({
      name: 'cpg.edges',
      rows: [...['defs', 'params', 'calls', 'imports', 'refs'].map((of) => ({ from: `rel.${of}_container` })), { from: 'rel.file_module' }, ...['import_module', 'import_def', 'from_imported_module', 'relative_star_module', 'binds_def', 'calls_def', 'loads_def', 'loads_import', 'calls_imported', 'inherits_local', 'scope_parent', 'scope_binding', 'syntax_errors_file', 'python_errors_file'].map((of) => ({ from: `rel.${of}` })), ...symbolRows.edges],
    }),
  ],
});
