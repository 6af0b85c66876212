import { Derive, Normalize, Project, Relate, Union, defineProgram } from '@anatomy/semantic-ir';
import type { SemanticProgram } from '@anatomy/semantic-ir';

// Module names from the package layout: pkg/sub/mod.py → pkg.sub.mod, pkg/__init__.py → pkg (paths from the repository root).
const MODULE_PATH = { strip: ['/__init__.pyi', '/__init__.py', '.pyi', '.py'], separator: '.' };
const CLASS = { role: 'kind' as const, in: ['class'] };
const NAME = { role: 'name' as const };
const LOCAL = { column: 'is_local', in: [true] };

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
    // Name resolution as CPython's symbol tables decide it. A symbol sits where its scope does (the module block is the
    // whole file), so "the scopes around this occurrence that know its name" is a span containment with equal names.
    Derive.create({ name: 'symbols', from: 'evidence.py_symbols', locateIn: 'evidence.py_scopes' }),
    Derive.create({ name: 'loads', from: 'norm.refs', where: [{ role: 'kind', in: ['load'] }] }),
    // Binding occurrences (parameters, stores, imports) bind the innermost symbol of their name that CPython made local
    // around them: their own scope's, or for `global`/`nonlocal` names the outer one those statements point to.
    Derive.create({ name: 'binding_refs', from: 'norm.refs', where: [{ role: 'kind', in: ['store'] }] }),
    Derive.create({ name: 'binding_imports', from: 'norm.imports', where: [{ column: 'is_star', in: [false] }] }),
    Union.create({ name: 'binders', from: ['norm.params', 'derived.binding_refs', 'derived.binding_imports'] }),
    Relate.create({ name: 'binder_symbol', edge: 'BINDS', left: 'merged.binders', right: 'derived.symbols', intent: 'within', on: NAME, where: { right: [LOCAL] }, score: { innermost: 2 }, keep: 'best', src: 'right' }),
    // A loaded name is bound by its own scope's symbol when CPython made it local there; otherwise (free or global) by the
    // innermost enclosing function or module binding it: class bodies are not visible from the functions inside them.
    Relate.create({ name: 'loads_scope', edge: 'IN_SCOPE', left: 'derived.loads', right: 'evidence.py_scopes', intent: 'within', score: { innermost: 2 }, keep: 'best', src: 'right' }),
    Relate.create({ name: 'load_local', edge: 'BOUND_BY', left: 'derived.loads', right: 'derived.symbols', intent: 'refers-to', on: { left: 'name', right: 'name' }, where: { right: [LOCAL] },
      through: [{ from: 'rel.loads_scope', left: { ref_id: 'dst_node_id' }, right: { src_node_id: 'scope_id' } }] }),
    Relate.create({ name: 'load_outer', edge: 'BOUND_BY', left: 'derived.loads', right: 'derived.symbols', intent: 'within', on: NAME, where: { right: [LOCAL, { role: 'kind', in: ['function', 'module'] }] }, score: { innermost: 2 }, keep: 'best', unless: { left: 'rel.load_local' } }),
    Union.create({ name: 'load_symbols', from: ['rel.load_local', 'rel.load_outer'] }),
    // RESOLVES_TO: to the first binding occurrence of that symbol (REF→PARAM, REF→REF, REF→IMPORT), and to the def or class
    // statement binding it (REF→DEF).
    Relate.create({ name: 'load_binder', edge: 'RESOLVES_TO', left: 'derived.loads', right: 'merged.binders', intent: 'refers-to', score: { earliest: 1 }, keep: 'best',
      through: [{ from: 'merged.load_symbols', left: { ref_id: 'src_node_id' } }, { from: 'rel.binder_symbol', left: { dst_node_id: 'src_node_id' }, right: { dst_node_id: 'entity_id' } }] }),
    Relate.create({ name: 'load_def', edge: 'RESOLVES_TO', left: 'derived.loads', right: 'norm.defs', intent: 'refers-to',
      through: [{ from: 'merged.load_symbols', left: { ref_id: 'src_node_id' } }, { from: 'rel.binds_def', left: { dst_node_id: 'src_node_id' }, right: { dst_node_id: 'def_id' } }] }),
    // What a name denotes: the definition it resolves to, or the one the import it resolves to brings in.
    Relate.create({ name: 'load_imported', edge: 'DENOTES', left: 'derived.loads', right: 'norm.defs', intent: 'refers-to',
      through: [{ from: 'rel.load_binder', left: { ref_id: 'src_node_id' } }, { from: 'rel.import_def', left: { dst_node_id: 'src_node_id' }, right: { dst_node_id: 'def_id' } }] }),
    Union.create({ name: 'load_targets', from: ['rel.load_def', 'rel.load_imported'] }),
    // CALLS: a call whose callee is exactly a name, to what that name denotes (less sure through an import).
    ...(['def', 'imported'] as const).map((via) => Relate.create({ name: `calls_${via}`, edge: 'CALLS', left: 'norm.calls', right: 'norm.defs', intent: 'refers-to', score: { 'same-file': 1 },
      through: [{ from: 'norm.refs', left: { file_id: 'file_id', callee_bstart: 'bstart', callee_bend: 'bend' } }, { from: `rel.load_${via}`, left: { ref_id: 'src_node_id' }, right: { dst_node_id: 'def_id' } }] })),
    // INHERITS_FROM: a class to the classes its base names denote, in its module or through imports. The class's own ast
    // node (same start) leads to its base names, each to the REF at the same place.
    Derive.create({ name: 'class_bases', from: 'evidence.py_ast_nodes', where: [{ column: 'field', in: ['bases'] }, { role: 'kind', in: ['Name'] }] }),
    Relate.create({ name: 'inherits', edge: 'INHERITS_FROM', left: 'norm.defs', right: 'norm.defs', intent: 'refers-to', where: { left: [CLASS], right: [CLASS] },
      through: [{ from: 'evidence.py_ast_nodes', left: { file_id: 'file_id', bstart: 'bstart' } }, { from: 'derived.class_bases', left: { node_id: 'parent_id' } }, { from: 'norm.refs', left: { file_id: 'file_id', bstart: 'bstart' } }, { from: 'merged.load_targets', left: { ref_id: 'src_node_id' }, right: { dst_node_id: 'def_id' } }] }),
    // FILE→MODULE: the module a file holds.
    Relate.create({ name: 'file_module', edge: 'CONTAINS', left: 'derived.modules', right: { from: 'evidence.files', entity: 'file' }, intent: 'same-file', src: 'right' }),
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
      ],
    }),
    // cpg.props: every kind and attribute column of a node's evidence (def_kind, qualname, param_kind, ctx, module,
    // level, is_star, scope_type, the symtable flags, message, severity, …), one row per non-NULL value.
    Project.create({
      name: 'cpg.props',
      rows: ['norm.defs', 'norm.params', 'norm.calls', 'norm.imports', 'norm.refs', 'norm.syntax_errors', 'derived.python_errors', 'evidence.py_scopes', 'evidence.py_symbols'].map(
        (from) => ({ from }),
      ),
    }),
    Project.create({
      name: 'cpg.edges',
      rows: [...['defs', 'params', 'calls', 'imports', 'refs'].map((of) => ({ from: `rel.${of}_container` })), { from: 'rel.file_module' }, ...['import_module', 'import_def', 'from_imported_module', 'relative_star_module', 'binds_def', 'calls_def', 'calls_imported', 'load_binder', 'load_def', 'inherits', 'scope_parent', 'scope_binding', 'syntax_errors_file', 'python_errors_file'].map((of) => ({ from: `rel.${of}` }))],
    }),
  ],
});
