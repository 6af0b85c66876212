import { defineDataset } from '@anatomy/schema-authority';
import type { DatasetSchema } from '@anatomy/schema-authority';
import { cpythonSpanColumns, fileIdColumn } from './position-columns.js';

/** Every node of CPython's `ast` tree of a file, in depth-first pre-order. */
export const pyAstNodesDataset: DatasetSchema = defineDataset({
  name: 'evidence.py_ast_nodes',
  producer: 'extract-python',
  version: 2,
  description: "One row per node of CPython's ast tree (context and operator singletons folded into their owners' ctx and operator).",
  spanUnit: 'utf8-bytes',
  key: ['node_id'],
  columns: [
    { name: 'node_id', type: 'utf8', nullable: false, role: 'entity-identity', description: 'stable id of the node' },
    fileIdColumn(),
    { name: 'parent_id', type: 'utf8', nullable: true, role: 'parent-identity', description: 'node holding this one; NULL for the Module' },
    { name: 'kind', type: 'utf8', nullable: false, role: 'kind', description: 'ast class name, e.g. FunctionDef, Call, Name' },
    { name: 'field', type: 'utf8', nullable: true, role: 'attribute', description: "parent field holding the node, e.g. 'body', 'bases', 'func'" },
    { name: 'field_index', type: 'int32', nullable: true, role: 'attribute', description: 'position in the parent field when it is a list' },
    { name: 'preorder', type: 'int64', nullable: false, role: 'attribute', description: '0-based depth-first pre-order index within the file' },
    { name: 'depth', type: 'int32', nullable: false, role: 'attribute', description: 'distance from the Module node' },
    { name: 'name', type: 'utf8', nullable: true, role: 'name', description: 'identifier the node carries (Name.id, FunctionDef.name, arg.arg, Attribute.attr, alias.name, keyword.arg)' },
    { name: 'ctx', type: 'utf8', nullable: true, role: 'attribute', description: "'load', 'store' or 'del' for nodes with an expression context" },
    {
      name: 'operator',
      type: 'utf8',
      nullable: true,
      role: 'attribute',
      description: "operator class of a BinOp, AugAssign, UnaryOp or BoolOp ('Add', 'Not', 'And'); a Compare's operators joined by commas ('Lt,LtE')",
    },
    ...cpythonSpanColumns('the node'),
  ],
});

/** Function, async function and class definitions. */
export const pyDefsDataset: DatasetSchema = defineDataset({
  name: 'evidence.py_defs',
  producer: 'extract-python',
  version: 2,
  description: 'One row per def, async def or class statement.',
  spanUnit: 'utf8-bytes',
  key: ['def_id'],
  columns: [
    { name: 'def_id', type: 'utf8', nullable: false, role: 'entity-identity', description: 'stable id of the definition' },
    fileIdColumn(),
    { name: 'node_id', type: 'utf8', nullable: false, role: 'attribute', description: 'the FunctionDef, AsyncFunctionDef or ClassDef in py_ast_nodes' },
    { name: 'parent_def_id', type: 'utf8', nullable: true, role: 'parent-identity', description: 'innermost enclosing definition; NULL at module level' },
    { name: 'kind', type: 'utf8', nullable: false, role: 'kind', description: "'function', 'async_function' or 'class'" },
    { name: 'name', type: 'utf8', nullable: false, role: 'name', description: 'the defined identifier' },
    {
      name: 'qualname',
      type: 'utf8',
      nullable: false,
      role: 'attribute',
      description: "qualified name as __qualname__ spells it, e.g. 'C.m.<locals>.f' (a def declared global inside a function still gets the <locals> form)",
    },
    { name: 'decorator_count', type: 'int32', nullable: false, role: 'attribute', description: 'number of decorators' },
    { name: 'name_bstart', type: 'int64', nullable: true, role: 'attribute', description: 'byte offset of the defined identifier; NULL when the worker cannot locate it' },
    { name: 'name_bend', type: 'int64', nullable: true, role: 'attribute', description: 'byte offset just past the defined identifier' },
    // From the def/async/class keyword to the end of the body: CPython 3.8+ starts
    // the statement at the keyword, so decorators are outside the span.
    ...cpythonSpanColumns('the definition (keyword to end of body, decorators excluded)'),
  ],
});

/** Imported aliases: `import a.b as c` gives one row, `from m import x, y` two. */
export const pyImportsDataset: DatasetSchema = defineDataset({
  name: 'evidence.py_imports',
  producer: 'extract-python',
  version: 2,
  description: 'One row per alias of an import or from-import statement; a star import is one row.',
  spanUnit: 'utf8-bytes',
  key: ['import_id'],
  columns: [
    { name: 'import_id', type: 'utf8', nullable: false, role: 'entity-identity', description: 'stable id of the imported alias' },
    fileIdColumn(),
    { name: 'node_id', type: 'utf8', nullable: false, role: 'attribute', description: 'the Import or ImportFrom statement in py_ast_nodes' },
    { name: 'kind', type: 'utf8', nullable: false, role: 'kind', description: "'import' or 'from'" },
    { name: 'module', type: 'utf8', nullable: true, role: 'attribute', description: "dotted module as written ('a.b'); NULL for 'from . import x'" },
    { name: 'imported_name', type: 'utf8', nullable: true, role: 'attribute', description: "name imported from the module in a from-import ('*' for a star); NULL for plain imports" },
    { name: 'asname', type: 'utf8', nullable: true, role: 'attribute', description: "the 'as' name, when given" },
    { name: 'bound_name', type: 'utf8', nullable: false, role: 'name', description: "name bound in the importing scope: the asname, else the first part of a plain import, else the imported name ('*' for a star)" },
    { name: 'level', type: 'int32', nullable: false, role: 'attribute', description: 'number of leading dots of a relative import; 0 when absolute' },
    { name: 'is_star', type: 'bool', nullable: false, role: 'attribute', description: "true for 'from m import *'" },
    { name: 'stmt_bstart', type: 'int64', nullable: true, role: 'attribute', description: 'byte offset of the whole import statement' },
    { name: 'stmt_bend', type: 'int64', nullable: true, role: 'attribute', description: 'byte offset just past the whole import statement' },
    // CPython gives alias nodes positions from 3.10; under 3.8 and 3.9 the
    // alias span is NULL and only the statement span is known.
    ...cpythonSpanColumns('the alias (for a star import, the *)'),
  ],
});

/** Call expressions. */
export const pyCallsDataset: DatasetSchema = defineDataset({
  name: 'evidence.py_calls',
  producer: 'extract-python',
  version: 2,
  description: 'One row per Call expression.',
  spanUnit: 'utf8-bytes',
  key: ['call_id'],
  columns: [
    { name: 'call_id', type: 'utf8', nullable: false, role: 'entity-identity', description: 'stable id of the call' },
    fileIdColumn(),
    { name: 'node_id', type: 'utf8', nullable: false, role: 'attribute', description: 'the Call node in py_ast_nodes' },
    { name: 'callee_text', type: 'utf8', nullable: true, role: 'name', description: "dotted callee when it is a name or attribute chain ('os.path.join'); NULL otherwise" },
    { name: 'callee_kind', type: 'utf8', nullable: false, role: 'kind', description: "'name', 'attribute' or 'other' (a call of a call, a subscript, …)" },
    { name: 'positional_count', type: 'int32', nullable: false, role: 'attribute', description: 'number of positional arguments, starred ones included' },
    { name: 'keyword_count', type: 'int32', nullable: false, role: 'attribute', description: 'number of keyword arguments, ** unpackings included' },
    { name: 'has_star_args', type: 'bool', nullable: false, role: 'attribute', description: 'true when a *args argument is passed' },
    { name: 'has_star_kwargs', type: 'bool', nullable: false, role: 'attribute', description: 'true when a **kwargs argument is passed' },
    { name: 'callee_bstart', type: 'int64', nullable: true, role: 'attribute', description: 'byte offset of the callee expression' },
    { name: 'callee_bend', type: 'int64', nullable: true, role: 'attribute', description: 'byte offset just past the callee expression' },
    ...cpythonSpanColumns('the call (callee through closing parenthesis)'),
  ],
});

/** Docstrings of modules, classes and functions. */
export const pyDocstringsDataset: DatasetSchema = defineDataset({
  name: 'evidence.py_docstrings',
  producer: 'extract-python',
  version: 2,
  description: 'One row per module, class or function whose body starts with a string literal.',
  spanUnit: 'utf8-bytes',
  key: ['docstring_id'],
  columns: [
    { name: 'docstring_id', type: 'utf8', nullable: false, role: 'entity-identity', description: 'stable id of the docstring' },
    fileIdColumn(),
    { name: 'owner_node_id', type: 'utf8', nullable: false, role: 'parent-identity', description: 'the Module, ClassDef, FunctionDef or AsyncFunctionDef node it documents' },
    { name: 'owner_kind', type: 'utf8', nullable: false, role: 'kind', description: "'module', 'class', 'function' or 'async_function'" },
    { name: 'text', type: 'utf8', nullable: false, role: 'attribute', description: 'the string value as written (ast.get_docstring with clean=False)' },
    { name: 'cleaned', type: 'utf8', nullable: false, role: 'attribute', description: 'the value with indentation cleaned (inspect.cleandoc)' },
    ...cpythonSpanColumns('the string literal'),
  ],
});

/** Decorators of definitions, in source order. */
export const pyDecoratorsDataset: DatasetSchema = defineDataset({
  name: 'evidence.py_decorators',
  producer: 'extract-python',
  version: 2,
  description: 'One row per decorator of a def, async def or class.',
  spanUnit: 'utf8-bytes',
  key: ['decorator_id'],
  columns: [
    { name: 'decorator_id', type: 'utf8', nullable: false, role: 'entity-identity', description: 'stable id of the decorator' },
    fileIdColumn(),
    { name: 'def_node_id', type: 'utf8', nullable: false, role: 'parent-identity', description: 'the decorated definition in py_ast_nodes' },
    { name: 'position', type: 'int32', nullable: false, role: 'attribute', description: '0-based position, topmost decorator first' },
    { name: 'name', type: 'utf8', nullable: true, role: 'name', description: "dotted name when the decorator is a name, attribute chain or a call of one ('functools.wraps'); NULL otherwise" },
    { name: 'expression_text', type: 'utf8', nullable: false, role: 'attribute', description: 'source text of the decorator expression, without the @' },
    ...cpythonSpanColumns('the decorator expression (after the @)'),
  ],
});

/**
 * The base-class expressions of class statements, in order (keywords such as
 * `metaclass=` are not bases). Name resolution reads this small table
 * instead of every ast node to link classes to their bases.
 */
export const pyClassBasesDataset: DatasetSchema = defineDataset({
  name: 'evidence.py_class_bases',
  producer: 'extract-python',
  version: 1,
  description: 'One row per base-class expression of a class statement.',
  spanUnit: 'utf8-bytes',
  key: ['base_id'],
  columns: [
    { name: 'base_id', type: 'utf8', nullable: false, role: 'entity-identity', description: 'stable id of the base expression' },
    fileIdColumn(),
    { name: 'class_bstart', type: 'int64', nullable: true, role: 'attribute', description: 'byte offset of the class keyword of the class statement (its bstart in py_defs and ts_defs)' },
    { name: 'position', type: 'int32', nullable: false, role: 'attribute', description: '0-based position in the list of bases, leftmost first' },
    { name: 'dotted', type: 'utf8', nullable: true, role: 'name', description: "the base as a dotted name when it is a name or an attribute chain ('Base', 'models.Base'); NULL otherwise (a call, a subscript)" },
    ...cpythonSpanColumns('the base expression'),
  ],
});

/**
 * What went wrong while CPython read a file, stage by stage, plus the warnings
 * it raised. A file whose parse failed has only these rows; a later stage
 * that fails (symtable, compile) leaves the earlier stages' rows in place.
 */
export const pyParseErrorsDataset: DatasetSchema = defineDataset({
  name: 'evidence.py_parse_errors',
  producer: 'extract-python',
  version: 2,
  description: 'One row per problem the python extractor met in a file: errors that cost evidence, and CPython warnings.',
  spanUnit: 'utf8-bytes',
  columns: [
    fileIdColumn(),
    {
      name: 'stage',
      type: 'utf8',
      nullable: false,
      role: 'attribute',
      description: "where it happened: 'read', 'parse', 'ast', 'symtable', 'compile' (the worker), or 'pool' (timeouts, crashes and files never sent)",
    },
    { name: 'severity', type: 'utf8', nullable: false, role: 'attribute', description: "'error' (evidence of the stage is missing) or 'warning' (evidence is complete)" },
    {
      name: 'kind',
      type: 'utf8',
      nullable: false,
      role: 'kind',
      description:
        "errors: 'syntax', 'indentation', 'tab', 'decode', 'null-bytes', 'recursion', 'memory', 'value', 'internal', 'unreadable', " +
        "'content-changed', 'too-large', 'timeout', 'worker-crash'; warnings: 'encoding-mismatch' and CPython's warning class in " +
        "kebab case ('syntax-warning', 'deprecation-warning')",
    },
    { name: 'message', type: 'utf8', nullable: false, role: 'attribute', description: "CPython's message, or the extractor's for failures outside CPython" },
    { name: 'line', type: 'int32', nullable: true, role: 'line', description: '1-based line of the problem (SyntaxError.lineno, the warning line)' },
    {
      name: 'offset',
      type: 'int32',
      nullable: true,
      role: 'attribute',
      description: 'SyntaxError.offset as reported, 1-based: characters of the line for parse errors, UTF-8 bytes for symtable and compile errors',
    },
    { name: 'end_line', type: 'int32', nullable: true, role: 'end-line', description: 'SyntaxError.end_lineno (3.10+)' },
    { name: 'end_offset', type: 'int32', nullable: true, role: 'attribute', description: 'SyntaxError.end_offset (3.10+), in the unit of offset' },
    { name: 'source_line', type: 'utf8', nullable: true, role: 'attribute', description: 'the offending source line without its line break' },
    { name: 'bstart', type: 'int64', nullable: true, role: 'span-start', description: 'byte offset in the file where the problem starts, when CPython located it' },
    { name: 'bend', type: 'int64', nullable: true, role: 'span-end', description: 'byte offset in the file just past the problem, when CPython reported an end' },
    { name: 'python_version', type: 'utf8', nullable: false, role: 'attribute', description: "version of the python3 that read the file, e.g. '3.11.7'; what fails depends on it" },
  ],
});

/** The ast-derived evidence tables, in dependency order. */
export const pythonAstDatasets: readonly DatasetSchema[] = Object.freeze([
  pyAstNodesDataset,
  pyDefsDataset,
  pyImportsDataset,
  pyCallsDataset,
  pyDocstringsDataset,
  pyDecoratorsDataset,
  pyClassBasesDataset,
  pyParseErrorsDataset,
]);
