import { Derive, Normalize, Project, Relate, Union, defineProgram } from '@anatomy/semantic-ir';
import type { SemanticProgram } from '@anatomy/semantic-ir';
import { symbolRows, symbolViews } from './symbol-views.js';

// Module names from the package layout: pkg/sub/mod.py → pkg.sub.mod, pkg/__init__.py → pkg (paths from the repository root).
const MODULE_PATH = { strip: ['/__init__.pyi', '/__init__.py', '.pyi', '.py'], separator: '.' };
const CLASS = { role: 'kind' as const, in: ['class'] };
const NAME = { role: 'name' as const };
const LOCAL = { column: 'is_local', in: [true] };
// An attribute `self.m` names a method m: a definition the class around it contains.
const ATTR = { left: 'attr', right: 'name' };
const SELF_CLASS = { from: 'rel.self_class', left: { attribute_id: 'src_node_id' } };
const METHOD = { from: 'rel.defs_container', left: { dst_node_id: 'src_node_id' }, right: { dst_node_id: 'def_id' } };
// A star export names the top-level definition of that name in its module.
const STAR_DEF = { from: 'evidence.py_star_exports', left: { dst_node_id: 'export_id' }, right: { file_id: 'file_id', name: 'qualname' } };
// A class statement's base expressions (same start as the class), each where the resolution of its name or attribute sits.
const CLASS_BASES = { from: 'evidence.py_class_bases', left: { file_id: 'file_id', bstart: 'class_bstart' } };
// The binding occurrence the object of an attribute `m.x` resolves to (the object is the name m), and the import it is.
const OBJECT_BINDER = { from: 'rel.load_binder', left: { file_id: 'file_id', object_bstart: 'bstart', object_bend: 'bend' } };
const BINDER_IMPORT = { from: 'norm.imports', left: { dst_node_id: 'import_id' } };
const BASE_TARGET = { from: 'merged.load_targets', left: { file_id: 'file_id', bstart: 'bstart', bend: 'bend' }, right: { dst_node_id: 'def_id' } };

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
    Derive.create({ name: 'modules', from: 'evidence.files', entity: 'module', nameFromPath: MODULE_PATH }),
    // What can contain code lexically: modules and definitions.
    Union.create({ name: 'containers', from: ['derived.modules', 'norm.defs'] }),
    // CONTAINS: the innermost enclosing definition or module of each located entity. Definitions and parameters take the
    // smallest span around them; calls, imports and references the definition tree-sitter saw start around them (def_bstart,
    // NULL at the top of the module): one key per row instead of a ranking of every definition around it.
    ...(['defs', 'params'] as const).map((of) => Relate.create({ name: `${of}_container`, edge: 'CONTAINS', left: `norm.${of}`, right: 'merged.containers', intent: 'within', score: { innermost: 2 }, keep: 'best', src: 'right' })),
    ...(['calls', 'imports', 'refs'] as const).flatMap((of) => [Relate.create({ name: `${of}_in_def`, edge: 'CONTAINS', left: `norm.${of}`, right: 'norm.defs', intent: 'refers-to', on: { left: 'def_bstart', right: 'bstart' }, src: 'right' }),
      Relate.create({ name: `${of}_in_module`, edge: 'CONTAINS', left: `norm.${of}`, right: 'derived.modules', intent: 'same-file', where: { left: [{ column: 'def_bstart', in: [null] }] }, src: 'right' })]),
    // Problems CPython located in a file (an unlocated one has no span to tell it from the others).
    Derive.create({ name: 'python_errors', from: 'evidence.py_parse_errors', entity: 'pydiagnostic', where: [{ role: 'span-start', notIn: [null] }, { column: 'severity', in: ['error'] }] }),
    // PARENT_SCOPE and DECLARES follow the parent pointers of CPython's symbol tables.
    Relate.create({ name: 'scope_parent', edge: 'PARENT_SCOPE', left: 'evidence.py_scopes', right: 'evidence.py_scopes', intent: 'within' }),
    // A scope binds only its local symbols: free and global names it merely uses are bound elsewhere.
    Relate.create({ name: 'scope_binding', edge: 'DECLARES', left: 'evidence.py_symbols', right: 'evidence.py_scopes', intent: 'within', where: { left: [LOCAL] }, src: 'right' }),
    // HAS_DIAGNOSTIC: the file each problem was found in.
    ...(['norm.syntax_errors', 'derived.python_errors'] as const).map((left) =>
      Relate.create({ name: `${left.split('.')[1] ?? ''}_file`, edge: 'HAS_DIAGNOSTIC', left, right: { from: 'evidence.files', entity: 'file' }, intent: 'same-file', src: 'right' }),
    ),
    // IMPORTS: an absolute `import a.b` brings in the module a.b, when it is in the repository.
    Relate.create({ name: 'import_module', edge: 'IMPORTS', left: 'norm.imports', right: 'derived.modules', intent: 'refers-to', on: { left: 'module', right: 'qualified_name' },
      where: { left: [{ column: 'level', in: [0] }, { column: 'imported_name', in: [null] }] } }),
    // Definitions named in the repository's namespace, `pkg.mod` + qualname: what a `from pkg.mod import x` can name.
    Derive.create({ name: 'named_defs', from: 'norm.defs', where: [{ role: 'kind', notIn: [null] }], nameFromPath: { ...MODULE_PATH, append: ['qualname'] } }),
    // What `from m import x` names, `m.x`, with a relative `m` resolved from the importing file's package (the leading dots
    // count up from its directory: `__init__.py` is its own package); `m` itself for a star import or a from-import.
    Derive.create({ name: 'from_imported', from: 'norm.imports', where: [{ column: 'imported_name', notIn: [null, '*'] }], nameFromPath: { ...MODULE_PATH, anchor: 'level', append: ['module', 'imported_name'] } }),
    ...(['stars', 'from_module'] as const).map((name) => Derive.create({ name, from: 'norm.imports', where: [{ column: 'imported_name', ...(name === 'stars' ? { in: ['*'] } : { notIn: [null, '*'] }) }], nameFromPath: { ...MODULE_PATH, anchor: 'level', append: ['module'] } })),
    // IMPORTS: the definition a from-import names, else (or also, when a package both defines x and holds a submodule x) the submodule.
    Relate.create({ name: 'import_def', edge: 'IMPORTS', left: 'derived.from_imported', right: 'derived.named_defs', intent: 'refers-to', score: { 'same-name': 1 } }),
    // A from-import naming what a package re-exports (`from .mod import X` at the top of pkg/__init__.py, then `from pkg
    // import X`) leads to that import, and on over further packages (a cycle ends); it brings in what the nearest import on
    // the way that names a definition brings in.
    Derive.create({ name: 'top_imports', from: 'norm.imports', where: [{ column: 'is_star', in: [false] }, { column: 'def_bstart', in: [null] }], nameFromPath: { ...MODULE_PATH, append: ['bound_name'] } }),
    Relate.create({ name: 'reexports', edge: 'REEXPORTS', left: 'norm.imports', right: 'norm.imports', intent: 'refers-to', transitive: true,
      through: [{ from: 'derived.from_imported', left: { import_id: 'import_id' } }, { from: 'derived.top_imports', left: { qualified_name: 'qualified_name' }, right: { import_id: 'import_id' } }] }),
    Relate.create({ name: 'import_reexport', edge: 'IMPORTS', left: 'derived.from_imported', right: 'norm.defs', intent: 'refers-to', score: { nearest: 1 }, keep: 'best',
      through: [{ from: 'rel.reexports', left: { import_id: 'src_node_id' } }, { from: 'rel.import_def', left: { dst_node_id: 'src_node_id' }, right: { dst_node_id: 'def_id' } }] }),
    ...(['from_imported', 'stars'] as const).map((from) =>
      Relate.create({ name: `${from}_module`, edge: 'IMPORTS', left: `derived.${from}`, right: 'derived.modules', intent: 'refers-to' }),
    ),
    // A star import binds the star exports of the module it brings in (its literal __all__, else its public names); a
    // from-import naming one of them in a package that star-imports it (`from .util import *` in pkg/__init__.py, then
    // `from pkg import helper`) brings in that top-level definition.
    Relate.create({ name: 'star_exports', edge: 'BINDS_STAR', left: 'derived.stars', right: 'evidence.py_star_exports', intent: 'refers-to',
      through: [{ from: 'rel.stars_module', left: { import_id: 'src_node_id' } }, { from: 'derived.modules', left: { dst_node_id: 'module_id' }, right: { file_id: 'file_id' } }] }),
    Relate.create({ name: 'import_star', edge: 'IMPORTS', left: 'derived.from_module', right: 'norm.defs', intent: 'refers-to', on: { left: 'imported_name', right: 'name' },
      through: [{ from: 'derived.modules', left: { qualified_name: 'qualified_name' } }, { from: 'derived.stars', left: { file_id: 'file_id' } }, { from: 'rel.star_exports', left: { import_id: 'src_node_id' } }, STAR_DEF] }),
    Union.create({ name: 'import_defs', from: ['rel.import_def', 'rel.import_reexport', 'rel.import_star'] }),
    // BINDS_DEF: a def or class statement binds its name in the enclosing scope, the parent of the block it opens
    // (a block opens where its definition starts). Names declared global or nonlocal are bound elsewhere.
    Relate.create({ name: 'binds_def', edge: 'BINDS_DEF', left: 'evidence.py_symbols', right: 'norm.defs', intent: 'refers-to', where: { left: [LOCAL] },
      through: [{ from: 'evidence.py_scopes', left: { scope_id: 'parent_scope_id', name: 'name' }, right: { file_id: 'file_id', bstart: 'bstart' } }] }),
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
      through: [{ from: 'rel.load_binder', left: { ref_id: 'src_node_id' } }, { from: 'merged.import_defs', left: { dst_node_id: 'src_node_id' }, right: { dst_node_id: 'def_id' } }] }),
    // A name no scope binds (global at the top, or declared so) is bound by a star import of its module exporting it: the
    // textually last of them, as the last one executed wins (where the use sits between them is not considered).
    Relate.create({ name: 'load_star', edge: 'RESOLVES_TO', left: 'derived.loads', right: 'derived.stars', intent: 'refers-to', on: { left: 'file_id', right: 'file_id' }, unless: { left: 'merged.load_symbols' }, score: { latest: 1 }, keep: 'best',
      through: [{ from: 'evidence.py_star_exports', left: { name: 'name' } }, { from: 'rel.star_exports', left: { export_id: 'dst_node_id' }, right: { src_node_id: 'import_id' } }] }),
    Relate.create({ name: 'load_star_def', edge: 'DENOTES', left: 'derived.loads', right: 'norm.defs', intent: 'refers-to', on: { left: 'name', right: 'name' },
      through: [{ from: 'rel.load_star', left: { ref_id: 'src_node_id' } }, { from: 'rel.star_exports', left: { dst_node_id: 'src_node_id' } }, STAR_DEF] }),
    // `m.x` where the name m denotes a module: bound by `from pkg import m` or `import pkg.m as m`, x a top-level definition
    // of it; `a.b.x` after a plain `import a.b` (which binds a), the definition named a.b.x. Whether an import has an `as`
    // name only CPython's rows say.
    Derive.create({ name: 'attrs', from: 'evidence.ts_attributes', entity: 'attribute', where: [{ role: 'kind', in: ['load'] }] }),
    ...(['aliased', 'plain'] as const).map((name) => Derive.create({ name: `${name}_imports`, from: 'evidence.py_imports', where: [{ role: 'kind', in: ['import'] }, { column: 'asname', [name === 'plain' ? 'in' : 'notIn']: [null] }] })),
    ...([['module_attr', [{ from: 'rel.from_imported_module', left: { dst_node_id: 'src_node_id' } }], { dst_node_id: 'module_id' }], ['alias_attr', [BINDER_IMPORT, { from: 'derived.aliased_imports', left: { file_id: 'file_id', bstart: 'bstart' } }], { module: 'qualified_name' }]] as const).map(([name, via, module]) =>
      Relate.create({ name, edge: 'DENOTES', left: 'derived.attrs', right: 'norm.defs', intent: 'refers-to', on: { left: 'attr', right: 'qualname' }, through: [OBJECT_BINDER, ...via, { from: 'derived.modules', left: module, right: { file_id: 'file_id' } }] })),
    Relate.create({ name: 'dotted_attr', edge: 'DENOTES', left: 'derived.attrs', right: 'derived.named_defs', intent: 'refers-to', on: { left: 'dotted', right: 'qualified_name' },
      through: [{ from: 'rel.load_binder', left: { file_id: 'file_id', object_bstart: 'bstart' } }, BINDER_IMPORT, { from: 'derived.plain_imports', left: { file_id: 'file_id', bstart: 'bstart' } }] }),
    Union.create({ name: 'module_attrs', from: ['rel.module_attr', 'rel.alias_attr', 'rel.dotted_attr'] }),
    Union.create({ name: 'load_targets', from: ['rel.load_def', 'rel.load_imported', 'rel.load_star_def', 'merged.module_attrs'] }),
    // CALLS: a call whose callee is exactly a name, to what that name denotes (surer in its own file than through an
    // import or a star); a call of `self.m` or `cls.m`, to the method m of the class around it, else (less sure, wherever
    // it is) to the method m of a class it inherits from.
    ...([['def', 'norm.refs', 'ref_id', 'rel.load_def'], ['imported', 'norm.refs', 'ref_id', 'rel.load_imported'], ['star', 'norm.refs', 'ref_id', 'rel.load_star_def'], ['self', 'derived.self_attrs', 'attribute_id', 'rel.self_method'], ['inherited', 'derived.self_attrs', 'attribute_id', 'rel.inherited_method'], ['module', 'derived.attrs', 'attribute_id', 'merged.module_attrs']] as const).map(
      ([via, from, id, denotes]) => Relate.create({ name: `calls_${via}`, edge: 'CALLS', left: 'norm.calls', right: 'norm.defs', intent: 'refers-to', ...(via === 'inherited' ? {} : { score: { 'same-file': 1 } }),
        through: [{ from, left: { file_id: 'file_id', callee_bstart: 'bstart', callee_bend: 'bend' } }, { from: denotes, left: { [id]: 'src_node_id' }, right: { dst_node_id: 'def_id' } }] })),
    // INHERITS_FROM: a class to the classes its bases denote, in its module or through imports: each base expression of
    // the class statement (same start) is where a name or attribute resolution sits (same span).
    Relate.create({ name: 'inherits', edge: 'INHERITS_FROM', left: 'norm.defs', right: 'norm.defs', intent: 'refers-to', where: { left: [CLASS], right: [CLASS] }, through: [CLASS_BASES, BASE_TARGET] }),
    // The method resolution order, where it is certain: a class's first base always comes next in it (C3), and so does the
    // whole chain of a class with one base; past a class with several bases, a shared ancestor may reorder it (a diamond).
    Derive.create({ name: 'first_bases', from: 'evidence.py_class_bases', where: [{ column: 'position', in: [0] }] }),
    Relate.create({ name: 'more_bases', edge: 'HAS_BASE', left: 'norm.defs', right: 'evidence.py_class_bases', intent: 'refers-to', where: { right: [{ column: 'position', notIn: [0] }] }, through: [{ ...CLASS_BASES, right: { base_id: 'base_id' } }] }),
    ...(['first_base', 'ancestors'] as const).map((name) => Relate.create({ name, edge: 'MRO', left: 'norm.defs', right: 'norm.defs', intent: 'refers-to', where: { left: [CLASS], right: [CLASS] },
      through: [{ ...CLASS_BASES, from: 'derived.first_bases' }, BASE_TARGET], ...(name === 'ancestors' ? { transitive: true as const, unless: { left: 'rel.more_bases' } } : {}) })),
    Union.create({ name: 'mro', from: ['rel.first_base', 'rel.ancestors'] }),
    // `self.m`/`cls.m`: m looked up in the innermost class around the access, else in the nearest class of its MRO defining it.
    Derive.create({ name: 'self_attrs', from: 'evidence.ts_attributes', entity: 'attribute', where: [{ column: 'object_text', in: ['self', 'cls'] }, { role: 'kind', in: ['load'] }] }),
    Relate.create({ name: 'self_class', edge: 'IN_CLASS', left: 'derived.self_attrs', right: 'norm.defs', intent: 'within', where: { right: [CLASS] }, score: { innermost: 2 }, keep: 'best' }),
    Relate.create({ name: 'self_method', edge: 'DENOTES', left: 'derived.self_attrs', right: 'norm.defs', intent: 'refers-to', on: ATTR, score: { 'same-file': 1 }, through: [SELF_CLASS, METHOD] }),
    Relate.create({ name: 'inherited_method', edge: 'DENOTES', left: 'derived.self_attrs', right: 'norm.defs', intent: 'refers-to', on: ATTR, score: { nearest: 1 }, keep: 'best', unless: { left: 'rel.self_method' },
      through: [SELF_CLASS, { from: 'merged.mro', left: { dst_node_id: 'src_node_id' } }, METHOD] }),
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
    Project.create({ name: 'cpg.props', rows: ['norm.defs', 'norm.params', 'norm.calls', 'norm.imports', 'norm.refs', 'norm.syntax_errors', 'derived.python_errors', 'evidence.py_scopes', 'evidence.py_symbols'].map((from) => ({ from })).concat(symbolRows.props) }),
    Project.create({
      name: 'cpg.edges',
      rows: [...['defs', 'params'].map((of) => ({ from: `rel.${of}_container` })), ...['calls', 'imports', 'refs'].flatMap((of) => [{ from: `rel.${of}_in_def` }, { from: `rel.${of}_in_module` }]), { from: 'rel.file_module' }, ...['import_module', 'import_def', 'import_reexport', 'from_imported_module', 'stars_module', 'import_star', 'load_star', 'binds_def', 'calls_def', 'calls_imported', 'calls_star', 'calls_self', 'calls_inherited', 'calls_module', 'load_binder', 'load_def', 'inherits', 'scope_parent', 'scope_binding', 'syntax_errors_file', 'python_errors_file'].map((of) => ({ from: `rel.${of}` })), ...symbolRows.edges],
    }),
  ],
});
