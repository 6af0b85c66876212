import { Derive, Normalize, Project, Relate, Union, defineProgram } from '@anatomy/semantic-ir';
import type { SemanticProgram } from '@anatomy/semantic-ir';

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
    // One module per file, a whole file identified by the file alone, named from the package layout:
    // pkg/sub/mod.py → pkg.sub.mod, pkg/__init__.py → pkg (paths are from the repository root).
    Derive.create({
      name: 'modules',
      from: 'evidence.files',
      entity: 'module',
      nameFromPath: { strip: ['/__init__.pyi', '/__init__.py', '.pyi', '.py'], separator: '.' },
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
      rows: [...['defs', 'params', 'calls', 'imports', 'refs'].map((of) => ({ from: `rel.${of}_container` })), { from: 'rel.file_module' }, ...['import_module', 'scope_parent', 'scope_binding', 'syntax_errors_file', 'python_errors_file'].map((of) => ({ from: `rel.${of}` }))],
    }),
  ],
});
