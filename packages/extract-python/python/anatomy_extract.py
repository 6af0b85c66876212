"""CPython evidence worker of @anatomy/extract-python.

Runs under python3 >= 3.8 with the standard library only. One process serves
many files, one at a time, for the TypeScript pool that started it. It reads
each file's bytes, asks CPython itself (``ast``, ``symtable``, ``compile`` and
``dis``) what they hold, and writes the rows back column by column.

Usage::

    python3 -I -S -B anatomy_extract.py            # serve the pool over stdin/stdout
    python3 -I -S -B anatomy_extract.py --probe    # print one JSON line about this interpreter

Protocol (version 1). All integers little-endian.

Requests, pool -> worker, on stdin, one JSON object per line:

* the first line configures the worker::

      {"protocol": 1,
       "tables": {"py_defs": [["def_id", "utf8"], ["file_id", "utf8"], ...], ...},
       "frame_rows": 65536,
       "test_hooks": {"exit_on": "<path suffix>", "hang_on": "<path suffix>"}}

  ``tables`` holds only the demanded tables, each with its columns in the
  order the pool wants them and their types (utf8, int32, int64, bool). The
  worker computes only the stages those tables need (bytecode is skipped when
  no bytecode table is demanded) and refuses a table or column set it does
  not produce. ``test_hooks`` is a test hook, for the pool's own crash and
  timeout tests: a file whose path ends with ``exit_on`` makes the worker exit
  with status 70, one ending with ``hang_on`` makes it sleep for an hour.

* every later line asks for one file::

      {"seq": 7, "path": "/abs/pkg/mod.py", "rel": "pkg/mod.py", "file_id": "file:...",
       "encoding": "utf-8", "size": 1234, "sha256": "..."}

  End of input ends the worker (status 0).

Replies, worker -> pool, on stdout, as frames: ``u32 length`` then ``length``
bytes whose first byte is the frame type:

* ``H`` hello, once, after the configuration: UTF-8 JSON
  ``{"protocol", "python_version", "implementation", "pid"}``.
* ``T`` rows of one table for one file: ``u32 seq, u8 n, n bytes table name,
  u32 rows, u16 columns``, then each column in the configured order:
  ``u8 has_nulls``, ``rows`` validity bytes (1 = value, 0 = NULL) when
  has_nulls is 1, then the values: utf8 as ``rows x u32`` byte lengths
  followed by the concatenated UTF-8 bytes (NULL = empty); int32 and int64 as
  ``rows x i64`` (NULL = 0); bool as ``rows x u8``. A table with more rows
  than ``frame_rows`` comes in several frames; a table with no rows in none.
* ``D`` the file is done: ``u32 seq``. Its T frames all came before it.
* ``E`` a fatal problem with the configuration: UTF-8 JSON ``{"message"}``;
  the worker then exits with status 2.

Byte offsets: CPython reports 1-based lines and 0-based columns counted in
UTF-8 bytes of the decoded line. A line-start table of the file's original
bytes (lines end at \\n, \\r\\n or a lone \\r, as CPython's tokenizer reads
them; line 1 starts after a UTF-8 byte order mark) turns (line, col) into a
file offset. For a file in another encoding (PEP 263 cookie) the UTF-8 prefix
of the line is decoded and re-encoded in the file's encoding to count its
original bytes.
"""

import array
import ast
import codecs
import dis
import faulthandler
import gc
import hashlib
import io
import itertools
import json
import os
import re
import struct
import symtable
import sys
import threading
import time
import tokenize
import warnings

PROTOCOL_VERSION = 1
PYTHON_VERSION = "%d.%d.%d" % sys.version_info[:3]
HAS_ALIAS_POSITIONS = sys.version_info >= (3, 10)

# What each table holds, in the worker's own row order. The pool's schema
# (TypeScript, the single authority) must name exactly these columns; the
# handshake refuses any difference.
COLUMNS = {
    "py_ast_nodes": (
        "node_id", "file_id", "parent_id", "kind", "field", "field_index", "preorder", "depth",
        "name", "ctx", "operator", "line", "col", "end_line", "end_col", "bstart", "bend",
    ),
    "py_defs": (
        "def_id", "file_id", "node_id", "parent_def_id", "kind", "name", "qualname", "decorator_count",
        "name_bstart", "name_bend", "line", "col", "end_line", "end_col", "bstart", "bend",
    ),
    "py_imports": (
        "import_id", "file_id", "node_id", "kind", "module", "imported_name", "asname", "bound_name",
        "level", "is_star", "stmt_bstart", "stmt_bend", "line", "col", "end_line", "end_col", "bstart", "bend",
    ),
    "py_calls": (
        "call_id", "file_id", "node_id", "callee_text", "callee_kind", "positional_count", "keyword_count",
        "has_star_args", "has_star_kwargs", "callee_bstart", "callee_bend",
        "line", "col", "end_line", "end_col", "bstart", "bend",
    ),
    "py_docstrings": (
        "docstring_id", "file_id", "owner_node_id", "owner_kind", "text", "cleaned",
        "line", "col", "end_line", "end_col", "bstart", "bend",
    ),
    "py_decorators": (
        "decorator_id", "file_id", "def_node_id", "position", "name", "expression_text",
        "line", "col", "end_line", "end_col", "bstart", "bend",
    ),
    "py_class_bases": (
        "base_id", "file_id", "class_bstart", "position", "dotted",
        "line", "col", "end_line", "end_col", "bstart", "bend",
    ),
    "py_parse_errors": (
        "file_id", "stage", "severity", "kind", "message", "line", "offset", "end_line", "end_offset",
        "source_line", "bstart", "bend", "python_version",
    ),
    "py_scopes": (
        "scope_id", "file_id", "parent_scope_id", "scope_type", "name", "qualname", "line",
        "is_nested", "is_optimized", "bstart", "bend",
    ),
    "py_symbols": (
        "symbol_id", "file_id", "scope_id", "name",
        "is_parameter", "is_local", "is_global", "is_declared_global", "is_nonlocal", "is_free",
        "is_imported", "is_assigned", "is_referenced", "is_annotated", "is_namespace",
    ),
    "py_star_exports": ("export_id", "file_id", "name", "source"),
    "py_code_objects": (
        "code_id", "file_id", "parent_code_id", "name", "qualname", "line", "argcount", "posonlyargcount",
        "kwonlyargcount", "nlocals", "stacksize", "flags", "instruction_count", "python_version",
    ),
    "py_instructions": (
        "code_id", "file_id", "offset", "opname", "opcode", "arg", "argrepr", "line", "col",
        "end_line", "end_col", "bstart", "bend", "jump_target", "is_jump_target",
    ),
    "py_line_table": ("code_id", "file_id", "start_offset", "end_offset", "line"),
    "py_cfg_edges": ("code_id", "file_id", "src_offset", "dst_offset", "edge_kind"),
}

AST_TABLES = ("py_ast_nodes", "py_defs", "py_imports", "py_calls", "py_docstrings", "py_decorators", "py_class_bases")
SYMTABLE_TABLES = ("py_scopes", "py_symbols", "py_star_exports")
BYTECODE_TABLES = ("py_code_objects", "py_instructions", "py_line_table", "py_cfg_edges")
TYPES = ("utf8", "int32", "int64", "bool")


# ---------------------------------------------------------------- stable ids


def _id_text(part):
    if part is None:
        return None
    if part is True:
        return "true"
    if part is False:
        return "false"
    return part if isinstance(part, str) else str(part)


def _encode_part(text):
    return "~" if text is None else "%d:%s" % (len(text.encode("utf-8")), text)


class IdMaker:
    """stableId(namespace, file_id, ...parts) of @anatomy/contracts: SHA-256 of
    length-prefixed parts joined by '|', truncated to 32 hex digits. The
    namespace and file id are hashed once per file; each id copies that state."""

    def __init__(self, namespace, file_id):
        self.namespace = namespace + ":"
        head = _encode_part(namespace) + "|" + _encode_part(file_id)
        self.state = hashlib.sha256(head.encode("utf-8"))

    def __call__(self, *parts):
        h = self.state.copy()
        h.update(("|" + "|".join(_encode_part(_id_text(p)) for p in parts)).encode("utf-8"))
        return self.namespace + h.hexdigest()[:32]

    def of_text_pair(self, first, second):
        """The id of two text parts (a scope id and a symbol name): the symbol walk's hot path."""
        h = self.state.copy()
        h.update(("|%d:%s|%d:%s" % (len(first.encode("utf-8")), first, len(second.encode("utf-8")), second)).encode("utf-8"))
        return self.namespace + h.hexdigest()[:32]

    def of_int(self, number):
        """The id of one integer part: the walk's hot path."""
        h = self.state.copy()
        text = str(number)
        h.update(("|%d:%s" % (len(text), text)).encode("ascii"))
        return self.namespace + h.hexdigest()[:32]


# ---------------------------------------------------------------- positions

LINE_END = re.compile(rb"\r\n|\r|\n")
NO_SPAN = (None, None, None, None, None, None)
HEADER = re.compile(r"(?:async(?:[ \t\f]|\\\r?\n|\\\r)+)?(?:def|class)(?:[ \t\f]|\\\r?\n|\\\r)+([^\W\d]\w*)")


class SourceMap:
    """Turns CPython's (line, UTF-8 column) into byte offsets of the original file."""

    def __init__(self, data, encoding):
        self.data = data
        bom = 3 if data.startswith(codecs.BOM_UTF8) else 0
        # Line i + 1 starts where line i's terminator ends; bytes.splitlines ends lines at
        # exactly the terminators LINE_END matches (\r\n, \r, \n), in C.
        starts = list(itertools.accumulate(map(len, data[bom:].splitlines(True)), initial=bom))
        if len(data) > bom and not data.endswith((b"\n", b"\r")):
            starts.pop()
        self.starts = starts
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            name = "utf-8"
        self.codec = "utf-8" if name in ("utf-8", "utf-8-sig") else name
        self.utf8 = self.codec == "utf-8"
        self._lines = {}

    def line_bytes(self, line):
        """The bytes of a 1-based line without its terminator, or None."""
        if line is None or line < 1 or line > len(self.starts):
            return None
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.data)
        raw = self.data[start:end]
        while raw.endswith(b"\n") or raw.endswith(b"\r"):
            raw = raw[:-1]
        return raw

    def line_text(self, line):
        raw = self.line_bytes(line)
        return None if raw is None else raw.decode(self.codec, "replace")

    def _utf8_of_line(self, line):
        cached = self._lines.get(line)
        if cached is None:
            text = self.line_bytes(line).decode(self.codec, "surrogateescape")
            cached = (text.encode("utf-8", "surrogateescape"), text)
            self._lines[line] = cached
        return cached

    def offset(self, line, col):
        """File offset of CPython's (1-based line, 0-based UTF-8 byte column)."""
        if line is None or col is None or line < 1 or line > len(self.starts) or col < 0:
            return None
        start = self.starts[line - 1]
        if self.utf8:
            return start + col
        utf8, _ = self._utf8_of_line(line)
        prefix = utf8[:col].decode("utf-8", "surrogateescape")
        return start + len(prefix.encode(self.codec, "surrogateescape"))

    def offset_of_char(self, line, char_col):
        """File offset of a 1-based line and 0-based character column."""
        if line is None or char_col is None or line < 1 or line > len(self.starts) or char_col < 0:
            return None
        _, text = self._utf8_of_line(line)
        return self.starts[line - 1] + len(text[:char_col].encode(self.codec, "surrogateescape"))

    def text(self, bstart, bend):
        if bstart is None or bend is None or bend < bstart:
            return None
        return self.data[bstart:bend].decode(self.codec, "replace")

    def span(self, node):
        """(line, col, end_line, end_col, bstart, bend) of an ast node, None where absent."""
        try:
            line = node.lineno
            col = node.col_offset
        except AttributeError:
            return NO_SPAN
        end_line = getattr(node, "end_lineno", None)
        end_col = getattr(node, "end_col_offset", None)
        starts = self.starts
        if self.utf8 and 0 < line <= len(starts) and col >= 0:
            bstart = starts[line - 1] + col
        else:
            bstart = self.offset(line, col)
        if self.utf8 and end_line is not None and end_col is not None and 0 < end_line <= len(starts) and end_col >= 0:
            bend = starts[end_line - 1] + end_col
        else:
            bend = self.offset(end_line, end_col)
        return (line, col, end_line, end_col, bstart, bend)


# ---------------------------------------------------------------- diagnostics


class FileResult:
    """Rows of one file, table by table; a failed stage leaves its tables empty."""

    def __init__(self, file_id, tables):
        self.file_id = file_id
        self.wanted = tables
        self.rows = {}

    def put(self, table, rows):
        if table in self.wanted:
            self.rows[table] = rows

    def error(self, stage, kind, message, severity="error", line=None, offset=None, end_line=None,
              end_offset=None, source_line=None, bstart=None, bend=None):
        if "py_parse_errors" not in self.wanted:
            return
        self.rows.setdefault("py_parse_errors", []).append((
            self.file_id, stage, severity, kind, message, line, offset, end_line, end_offset,
            source_line, bstart, bend, PYTHON_VERSION,
        ))


def _syntax_kind(error):
    message = str(error.msg if isinstance(error, SyntaxError) else error)
    if "null bytes" in message or "null byte" in message:
        return "null-bytes"
    if message.startswith("(unicode error)") or message.startswith("encoding problem") or "codec can't decode" in message \
            or message.startswith("Non-UTF-8 code") or message.startswith("unknown encoding"):
        return "decode"
    if isinstance(error, TabError):
        return "tab"
    if isinstance(error, IndentationError):
        return "indentation"
    if isinstance(error, SyntaxError):
        return "syntax"
    return "value"


def _positive(value):
    return value if isinstance(value, int) and value > 0 else None


def report_exception(result, source_map, stage, error):
    """One py_parse_errors row for an exception raised while CPython read the file."""
    if isinstance(error, RecursionError):
        result.error(stage, "recursion", "CPython gave up on nesting too deep for its recursion limit: %s" % error)
        return
    if isinstance(error, MemoryError):
        detail = str(error) or "the parser's stack overflowed"
        result.error(stage, "memory", "CPython ran out of memory (usually nesting too deep): %s" % detail)
        return
    if not isinstance(error, (SyntaxError, ValueError)):
        result.error(stage, "internal", "%s: %s" % (type(error).__name__, error))
        return
    kind = _syntax_kind(error)
    if not isinstance(error, SyntaxError):
        result.error(stage, kind, str(error))
        return
    line = _positive(error.lineno)
    offset = _positive(error.offset)
    end_line = _positive(getattr(error, "end_lineno", None))
    end_offset = _positive(getattr(error, "end_offset", None))
    # The parser reports 1-based character columns; symtable and the compiler
    # report 1-based UTF-8 byte columns (CPython 3.8 through 3.13).
    if stage == "parse":
        locate = source_map.offset_of_char
    else:
        locate = source_map.offset
    bstart = locate(line, offset - 1) if line and offset else None
    bend = locate(end_line, end_offset - 1) if end_line and end_offset else None
    if bstart is not None and bend is not None and bend < bstart:
        bend = None
    text = error.text
    if text is None:
        text = source_map.line_text(line)
    elif isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if text is not None:
        text = text.rstrip("\r\n")
    result.error(stage, kind, str(error.msg), line=line, offset=offset, end_line=end_line, end_offset=end_offset,
                 source_line=text, bstart=bstart, bend=bend)


def report_warnings(result, caught, filename, stage):
    for w in caught:
        if w.filename != filename:
            continue
        kind = re.sub(r"(?<!^)(?=[A-Z])", "-", w.category.__name__).lower()
        result.error(stage, kind, str(w.message), severity="warning", line=_positive(w.lineno))


# ---------------------------------------------------------------- ast evidence

SKIPPED = (ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)
# Field values that are never nodes nor lists of them: the walk passes over them at once.
SCALARS = frozenset([str, int, type(None), bool, float, complex, bytes, type(Ellipsis)])
# Classes none of whose fields can hold a node the walk pushes: a name (its
# identifier and context), a constant (a value, a tuple or frozenset of values,
# and a kind string) and an import's alias (two strings). Two in five nodes the
# walk meets over the standard library are names or constants; it counts them
# and moves on without reading their fields.
LEAVES = frozenset([ast.Name, ast.Constant, ast.alias])
# Classes with exactly one field that can hold a node, which the grammar
# requires to be an expression (never None, never a list): the walk pushes it
# straight away. Attributes are another one in eight nodes. With LEAVES, the
# walk of the standard library for a build's tables took 2.7-2.9 s of CPU
# instead of 3.3-3.5 s (one process, alternated three times), the same rows.
ONE_CHILD = {ast.Attribute: "value", ast.Expr: "value", ast.keyword: "value"}
CTX = {ast.Load: "load", ast.Store: "store", ast.Del: "del"}
DEF_KINDS = {ast.FunctionDef: "function", ast.AsyncFunctionDef: "async_function", ast.ClassDef: "class"}
DOC_OWNERS = {ast.Module: "module", ast.FunctionDef: "function", ast.AsyncFunctionDef: "async_function", ast.ClassDef: "class"}
OPERATOR_FIELDS = {ast.BinOp: "op", ast.AugAssign: "op", ast.UnaryOp: "op", ast.BoolOp: "op"}
_name_attr_cache = {}


def _name_attr(cls):
    """Which attribute holds the identifier a node of this class carries."""
    if cls not in _name_attr_cache:
        chosen = None
        for attr in ("id", "arg", "attr", "name"):
            if attr in cls._fields:
                chosen = attr
                break
        _name_attr_cache[cls] = chosen
    return _name_attr_cache[cls]


def dotted(expr):
    """'a.b.c' for a Name or a chain of Attributes ending in one, else None."""
    parts = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if not isinstance(expr, ast.Name):
        return None
    parts.append(expr.id)
    parts.reverse()
    return ".".join(parts)


def _docstring_node(node):
    body = getattr(node, "body", None)
    if not body or not isinstance(body, list):
        return None
    first = body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        return first.value
    return None


def _cleandoc(text):
    # inspect.cleandoc without importing inspect (a slow import).
    lines = text.expandtabs().split("\n")
    margin = None
    for line in lines[1:]:
        content = len(line.lstrip())
        if content:
            indent = len(line) - content
            margin = indent if margin is None else min(margin, indent)
    if lines:
        lines[0] = lines[0].lstrip()
    if margin is not None:
        for i in range(1, len(lines)):
            lines[i] = lines[i][margin:]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines)


class _Leave:
    """Pushed below a definition's children: popping it restores the enclosing
    definition and qualname prefix, so the walk's stack holds bare nodes."""

    __slots__ = ("owner", "prefix")

    def __init__(self, owner, prefix):
        self.owner = owner
        self.prefix = prefix


# Each node class's fields in reverse order: the walk pushes children last field first.
_REVERSED_FIELDS = {}


def _reversed_fields(cls):
    fields = _REVERSED_FIELDS.get(cls)
    if fields is None:
        fields = _REVERSED_FIELDS[cls] = tuple(reversed(cls._fields))
    return fields


def ast_evidence(tree, source_map, file_id, wanted, scopes=None):
    """Rows of the ast tables: one iterative pre-order walk (no recursion, so
    deep trees that CPython accepted never hit Python's recursion limit).
    Given a dict as ``scopes``, the same walk fills it as scope_spans would,
    so the symtable stage need not walk the whole tree a second time.

    Without py_ast_nodes most nodes give no row: the walk then keeps only
    nodes on its stack and counts them, and works out ids and spans only for
    the classes that give a row of a wanted table (over the standard library,
    for the tables a build reads, 2.7 s instead of 4.3 s)."""
    node_id = IdMaker("py_ast", file_id)
    def_id = IdMaker("py_def", file_id)
    import_id = IdMaker("py_import", file_id)
    call_id = IdMaker("py_call", file_id)
    doc_id = IdMaker("py_docstring", file_id)
    decorator_id = IdMaker("py_decorator", file_id)
    base_id = IdMaker("py_class_base", file_id)
    want_nodes = "py_ast_nodes" in wanted
    want_defs = "py_defs" in wanted
    want_imports = "py_imports" in wanted
    want_calls = "py_calls" in wanted
    want_docs = "py_docstrings" in wanted
    want_decorators = "py_decorators" in wanted
    want_bases = "py_class_bases" in wanted
    nodes, defs, imports, calls, docs, decorators, bases = [], [], [], [], [], [], []
    span = source_map.span

    def rows_of(node, cls, pre, this_id, pos, owner, prefix):
        """The rows of one node of ROW_NODES; for a definition, the owner and
        prefix its children see, else None."""
        inner = None
        if scopes is not None and (cls in DEF_KINDS or cls in SCOPE_NODE_NAMES):
            key = (node.name if cls in DEF_KINDS else SCOPE_NODE_NAMES[cls], node.lineno)
            scopes[key] = None if key in scopes else pos[4:]
        if cls in DEF_KINDS:
            qualname = prefix + node.name
            inner = (pre, qualname + ("." if cls is ast.ClassDef else ".<locals>."))
            if want_defs:
                name_start = name_end = None
                header = source_map.text(pos[4], min(pos[5], pos[4] + 4096)) if pos[4] is not None and pos[5] is not None else None
                match = HEADER.match(header) if header else None
                if match:
                    codec = source_map.codec
                    name_start = pos[4] + len(header[:match.start(1)].encode(codec, "surrogateescape"))
                    name_end = name_start + len(match.group(1).encode(codec, "surrogateescape"))
                defs.append((def_id.of_int(pre), file_id, this_id, None if owner is None else def_id.of_int(owner), DEF_KINDS[cls],
                             node.name, qualname, len(node.decorator_list), name_start, name_end) + pos)
            if want_decorators:
                for position, decorator in enumerate(node.decorator_list):
                    dpos = span(decorator)
                    target = decorator.func if isinstance(decorator, ast.Call) else decorator
                    text = source_map.text(dpos[4], dpos[5])
                    decorators.append((decorator_id(pre, position), file_id, this_id, position, dotted(target),
                                       "" if text is None else text) + dpos)
            # The bases of a class (keywords such as metaclass= are not bases), so that name resolution need not
            # read every ast node for them.
            if want_bases and cls is ast.ClassDef:
                for position, base in enumerate(node.bases):
                    bases.append((base_id(pre, position), file_id, pos[4], position, dotted(base)) + span(base))
        if want_docs and cls in DOC_OWNERS:
            literal = _docstring_node(node)
            if literal is not None:
                docs.append((doc_id.of_int(pre), file_id, this_id, DOC_OWNERS[cls], literal.value, _cleandoc(literal.value))
                            + span(literal))
        if want_imports and (cls is ast.Import or cls is ast.ImportFrom):
            for i, alias in enumerate(node.names):
                apos = span(alias) if HAS_ALIAS_POSITIONS else (None,) * 6
                if cls is ast.Import:
                    row = ("import", alias.name, None, alias.asname, alias.asname or alias.name.split(".")[0], 0, False)
                else:
                    star = alias.name == "*"
                    row = ("from", node.module, alias.name, alias.asname, alias.asname or alias.name, node.level or 0, star)
                imports.append((import_id(pre, i), file_id, this_id) + row + (pos[4], pos[5]) + apos)
        if want_calls and cls is ast.Call:
            func = node.func
            callee_kind = "name" if isinstance(func, ast.Name) else "attribute" if isinstance(func, ast.Attribute) else "other"
            fpos = span(func)
            calls.append((call_id.of_int(pre), file_id, this_id, dotted(func), callee_kind, len(node.args), len(node.keywords),
                          any(isinstance(a, ast.Starred) for a in node.args),
                          any(k.arg is None for k in node.keywords), fpos[4], fpos[5]) + pos)
        return inner

    if not want_nodes:
        ast_node, skipped, scalars, leave, leaves, one_child = ast.AST, SKIPPED, SCALARS, _Leave, LEAVES, ONE_CHILD
        # Only the classes that give a row of a wanted table (definitions always: they
        # carry the qualname prefix) pay for an id and a span.
        row_nodes = set(DEF_KINDS)
        if want_docs:
            row_nodes.update(DOC_OWNERS)
        if scopes is not None:
            row_nodes.update(SCOPE_NODE_NAMES)
        if want_imports:
            row_nodes.update((ast.Import, ast.ImportFrom))
        if want_calls:
            row_nodes.add(ast.Call)
        stack = [tree]
        push = stack.append
        pre = -1
        owner, prefix = None, ""
        while stack:
            node = stack.pop()
            cls = node.__class__
            if cls is leave:
                owner, prefix = node.owner, node.prefix
                continue
            pre += 1
            if cls in row_nodes:
                inner = rows_of(node, cls, pre, node_id.of_int(pre), span(node), owner, prefix)
                if inner is not None:
                    push(leave(owner, prefix))
                    owner, prefix = inner
            elif cls in leaves:
                continue
            elif cls in one_child:
                push(getattr(node, one_child[cls]))
                continue
            for fname in _REVERSED_FIELDS.get(cls) or _reversed_fields(cls):
                value = getattr(node, fname, None)
                kind = value.__class__
                if kind in scalars:
                    continue
                if kind is list:
                    for item in reversed(value):
                        if isinstance(item, ast_node) and not isinstance(item, skipped):
                            push(item)
                elif isinstance(value, ast_node) and not isinstance(value, skipped):
                    push(value)
    else:
        preorder = 0
        # (node, parent id, field, index, depth, enclosing def preorder, qualname prefix)
        stack = [(tree, None, None, None, 0, None, "")]
        while stack:
            node, parent, field, index, depth, owner, prefix = stack.pop()
            pre = preorder
            preorder += 1
            cls = type(node)
            this_id = node_id.of_int(pre)
            pos = span(node)
            attr = _name_attr(cls)
            name = getattr(node, attr, None) if attr else None
            if not isinstance(name, str):
                name = None
            ctx = getattr(node, "ctx", None)
            operator = None
            if cls in OPERATOR_FIELDS:
                operator = type(node.op).__name__
            elif cls is ast.Compare:
                operator = ",".join(type(op).__name__ for op in node.ops)
            nodes.append((this_id, file_id, parent, cls.__name__, field, index,
                          pre, depth, name, CTX.get(type(ctx)) if ctx is not None else None, operator) + pos)
            child_owner, child_prefix = owner, prefix
            if cls in ROW_NODES:
                inner = rows_of(node, cls, pre, this_id, pos, owner, prefix)
                if inner is not None:
                    child_owner, child_prefix = inner
            children = []
            for fname in cls._fields:
                value = getattr(node, fname, None)
                if value.__class__ in SCALARS:
                    continue
                if isinstance(value, ast.AST):
                    if not isinstance(value, SKIPPED):
                        children.append((value, this_id, fname, None, depth + 1, child_owner, child_prefix))
                elif isinstance(value, list):
                    for i, item in enumerate(value):
                        if isinstance(item, ast.AST) and not isinstance(item, SKIPPED):
                            children.append((item, this_id, fname, i, depth + 1, child_owner, child_prefix))
            children.reverse()
            stack.extend(children)
    return {
        "py_ast_nodes": nodes, "py_defs": defs, "py_imports": imports, "py_calls": calls,
        "py_docstrings": docs, "py_decorators": decorators, "py_class_bases": bases,
    }


# ---------------------------------------------------------------- symtable evidence

SYMBOL_FLAGS = (
    "is_parameter", "is_local", "is_global", "is_declared_global", "is_nonlocal", "is_free",
    "is_imported", "is_assigned", "is_referenced", "is_annotated", "is_namespace",
)
ANONYMOUS_SCOPES = ("lambda", "listcomp", "setcomp", "dictcomp", "genexpr")
# Each flag's method of symtable.Symbol, looked up once; None where this Python lacks it (the flag is then False).
FLAG_TESTS = tuple(getattr(symtable.Symbol, flag, None) for flag in SYMBOL_FLAGS)


# The flag row of a symbol, by what its Symbol's methods read: the raw flags, whether a child
# table has its name (is_namespace) and the block's kind (module scope). Filled on first sight
# from the real methods, so it agrees with this Python's symtable by construction.
_FLAG_ROWS = {}


def _symbol_flag_rows(table):
    """(name, flag row) of every symbol of a table, in symtable's order. Building a
    Symbol per name costs a scan of the block's children each (SymbolTable.lookup);
    the raw flags of ``table._table`` give the same answers from one lookup per
    distinct key. A Python whose tables lack the raw fields takes the methods."""
    raw = getattr(table, "_table", None)
    symbols = getattr(raw, "symbols", None)
    children = getattr(raw, "children", None)
    if not isinstance(symbols, dict) or not isinstance(children, list):
        return [(s.get_name(), tuple([bool(test(s)) if test else False for test in FLAG_TESTS])) for s in table.get_symbols()]
    named = {child.name for child in children}
    block = (raw.type, raw.name == "top")
    rows = []
    for name, flags in symbols.items():
        key = (flags, name in named, block)
        row = _FLAG_ROWS.get(key)
        if row is None:
            symbol = table.lookup(name)
            row = _FLAG_ROWS[key] = tuple([bool(test(symbol)) if test else False for test in FLAG_TESTS])
        rows.append((name, row))
    return rows


def _scope_type(table):
    kind = table.get_type()
    kind = getattr(kind, "value", kind)
    return str(kind).lower()


SCOPE_NODE_NAMES = {
    ast.Lambda: "lambda", ast.ListComp: "listcomp", ast.SetComp: "setcomp", ast.DictComp: "dictcomp",
    ast.GeneratorExp: "genexpr",
}

# The node classes that give a row of some ast table other than py_ast_nodes, or
# a py_scopes span: without py_ast_nodes the walk works out the id and span of
# these nodes only.
ROW_NODES = frozenset(DEF_KINDS) | frozenset(DOC_OWNERS) | frozenset(SCOPE_NODE_NAMES) | frozenset([ast.Import, ast.ImportFrom, ast.Call])


def scope_spans(tree, source_map):
    """(bstart, bend) of the ast node opening each function/class scope, keyed
    by what symtable knows of it: (name, line). A key two nodes share is
    ambiguous and maps to None."""
    found = {}
    for node in ast.walk(tree):
        cls = type(node)
        if cls in DEF_KINDS:
            name = node.name
        elif cls in SCOPE_NODE_NAMES:
            name = SCOPE_NODE_NAMES[cls]
        else:
            continue
        key = (name, node.lineno)
        found[key] = None if key in found else source_map.span(node)[4:]
    return found


def symtable_evidence(top, source, file_id, wanted, spans):
    scope_id = IdMaker("py_scope", file_id)
    symbol_id = IdMaker("py_symbol", file_id)
    scopes, symbols = [], []
    want_symbols = "py_symbols" in wanted
    ordinal = 0
    stack = [(top, None, "")]
    while stack:
        table, parent, qualname = stack.pop()
        this = scope_id(ordinal)
        ordinal += 1
        kind = _scope_type(table)
        # The module block is the whole file: names bound at the top are visible everywhere in it.
        if kind == "module":
            span = (0, len(source))
        else:
            span = spans.get((table.get_name(), table.get_lineno())) if kind in ("function", "class") else None
        scopes.append((this, file_id, parent, kind, table.get_name(), qualname, table.get_lineno(),
                       bool(table.is_nested()), bool(table.is_optimized())) + (span or (None, None)))
        if want_symbols:
            for name, flags in _symbol_flag_rows(table):
                symbols.append((symbol_id.of_text_pair(this, name), file_id, this, name) + flags)
        children = []
        for child in table.get_children():
            name = child.get_name()
            part = "<%s>" % name if _scope_type(child) == "function" and name in ANONYMOUS_SCOPES else name
            if kind == "module":
                child_qualname = part
            elif kind == "function":
                child_qualname = qualname + ".<locals>." + part
            else:
                child_qualname = qualname + "." + part
            children.append((child, this, child_qualname))
        children.reverse()
        stack.extend(children)
    return {"py_scopes": scopes, "py_symbols": symbols}


def declared_all(tree):
    """The names a literal ``__all__`` at the top of the module lists (``=``,
    ``+=`` and annotated assignments of lists or tuples of strings), in order,
    or None when the module assigns none or one Python cannot read statically."""
    names = None
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value, extend = node.targets, node.value, False
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value, extend = [node.target], node.value, False
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add):
            targets, value, extend = [node.target], node.value, True
        else:
            continue
        if not any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            continue
        listed = value.elts if isinstance(value, (ast.List, ast.Tuple)) else None
        if listed is None or not all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in listed):
            return None
        names = (names or []) + [e.value for e in listed] if extend else [e.value for e in listed]
    return names


def star_exports(tree, top, file_id):
    """What ``from <this module> import *`` binds: the names of a literal
    ``__all__``, else every name bound at the top of the module that does not
    start with an underscore (symtable's local symbols of the module block)."""
    make = IdMaker("py_export", file_id)
    listed = declared_all(tree)
    if listed is not None:
        names, source_kind = list(dict.fromkeys(listed)), "__all__"
    else:
        names = sorted(s.get_name() for s in top.get_symbols() if s.is_local() and not s.get_name().startswith("_"))
        source_kind = "public"
    return [(make(name), file_id, name, source_kind) for name in names]


# ---------------------------------------------------------------- bytecode evidence

UNCONDITIONAL = {"JUMP_FORWARD", "JUMP_BACKWARD", "JUMP_BACKWARD_NO_INTERRUPT", "JUMP_ABSOLUTE", "JUMP", "JUMP_NO_INTERRUPT"}
TERMINATORS = {"RETURN_VALUE", "RETURN_CONST", "RAISE_VARARGS", "RERAISE"}
# Before 3.11 these push a handler instead of jumping: their target is where an exception lands.
HANDLER_SETUPS = {"SETUP_FINALLY", "SETUP_WITH", "SETUP_ASYNC_WITH", "SETUP_EXCEPT", "SETUP_CLEANUP"}
JUMPS = set(dis.hasjrel) | set(dis.hasjabs)


def _exception_entries(code):
    try:
        return list(dis.Bytecode(code).exception_entries)
    except AttributeError:
        return []


def _line_ranges(code, instructions):
    if hasattr(code, "co_lines"):
        return [(start, end, line) for start, end, line in code.co_lines()]
    starts = list(dis.findlinestarts(code))
    out = []
    for i, (offset, line) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(code.co_code)
        out.append((offset, end, line))
    return out


def cfg_edges(instructions, entries):
    """Basic blocks start at the first instruction, at every jump target and
    handler, after every jump or terminator, and at the bounds of every
    exception-table range; edges follow jumps, fall-throughs and handlers."""
    if not instructions:
        return []
    offsets = [ins.offset for ins in instructions]
    leaders = {offsets[0]}
    targets = {}
    for i, ins in enumerate(instructions):
        target = ins.argval if ins.opcode in JUMPS and isinstance(ins.argval, int) else None
        targets[ins.offset] = target
        if target is not None:
            leaders.add(target)
        if (target is not None or ins.opname in TERMINATORS) and i + 1 < len(instructions):
            leaders.add(offsets[i + 1])
    for entry in entries:
        leaders.update((entry.start, entry.end, entry.target))
    present = set(offsets)
    starts = sorted(o for o in leaders if o in present)
    block_of = {}
    block = starts[0]
    position = 0
    for offset in offsets:
        if position < len(starts) and offset == starts[position]:
            block = offset
            position += 1
        block_of[offset] = block
    edges = []
    seen = set()

    def add(src, dst, kind):
        if dst in present and (src, block_of[dst], kind) not in seen:
            seen.add((src, block_of[dst], kind))
            edges.append((src, block_of[dst], kind))

    for i, ins in enumerate(instructions):
        last = i + 1 == len(instructions) or block_of[offsets[i + 1]] != block_of[ins.offset]
        if not last:
            continue
        src = block_of[ins.offset]
        target = targets[ins.offset]
        falls = ins.opname not in TERMINATORS and ins.opname not in UNCONDITIONAL
        if target is not None:
            add(src, target, "exception" if ins.opname in HANDLER_SETUPS else "jump")
        if falls and i + 1 < len(instructions):
            add(src, offsets[i + 1], "fallthrough")
    for entry in entries:
        for start in starts:
            if entry.start <= start < entry.end:
                add(start, entry.target, "exception")
    return edges


def bytecode_evidence(tree, filename, file_id, source_map, wanted):
    module = compile(tree, filename, "exec", dont_inherit=True, optimize=0)
    code_id = IdMaker("py_code", file_id)
    codes, instructions_rows, line_rows, edge_rows = [], [], [], []
    want_instructions = "py_instructions" in wanted
    want_lines = "py_line_table" in wanted
    want_edges = "py_cfg_edges" in wanted
    ordinal = 0
    stack = [(module, None)]
    while stack:
        code, parent = stack.pop()
        this = code_id(ordinal)
        ordinal += 1
        instructions = list(dis.get_instructions(code))
        codes.append((this, file_id, parent, code.co_name, getattr(code, "co_qualname", None), code.co_firstlineno,
                      code.co_argcount, getattr(code, "co_posonlyargcount", 0), code.co_kwonlyargcount, code.co_nlocals,
                      code.co_stacksize, code.co_flags, len(instructions), PYTHON_VERSION))
        if want_instructions:
            line = None
            for ins in instructions:
                positions = getattr(ins, "positions", None)
                if positions is not None:
                    line, col, end_line, end_col = positions.lineno, positions.col_offset, positions.end_lineno, positions.end_col_offset
                else:
                    if ins.starts_line is not None:
                        line = ins.starts_line
                    col = end_line = end_col = None
                target = ins.argval if ins.opcode in JUMPS and isinstance(ins.argval, int) else None
                instructions_rows.append((this, file_id, ins.offset, ins.opname, ins.opcode, ins.arg, ins.argrepr or "",
                                          line, col, end_line, end_col, source_map.offset(line, col),
                                          source_map.offset(end_line, end_col), target, bool(ins.is_jump_target)))
        if want_lines:
            for start, end, line in _line_ranges(code, instructions):
                line_rows.append((this, file_id, start, end, line))
        if want_edges:
            for src, dst, kind in cfg_edges(instructions, _exception_entries(code)):
                edge_rows.append((this, file_id, src, dst, kind))
        nested = [(const, this) for const in code.co_consts if hasattr(const, "co_code")]
        nested.reverse()
        stack.extend(nested)
    return {"py_code_objects": codes, "py_instructions": instructions_rows, "py_line_table": line_rows, "py_cfg_edges": edge_rows}


# ---------------------------------------------------------------- one file


def located_parse_error(error, data, codec, filename):
    """The parse error to report. Parsing bytes, CPython 3.10-3.12 give some
    offsets in bytes and others in characters; parsing the decoded text gives
    characters throughout, so a SyntaxError is located by parsing the text
    again (only files that failed pay for it)."""
    if type(error) not in (SyntaxError, IndentationError, TabError) or _syntax_kind(error) in ("decode", "null-bytes"):
        return error
    try:
        text = data.decode(codec)
        if text.startswith("\ufeff"):
            text = text[1:]
        ast.parse(text, filename=filename)
    except SyntaxError as again:
        if again.lineno == error.lineno and type(again) is type(error):
            return again
    except Exception:  # noqa: BLE001 - the first error stands
        pass
    return error


def detected_encoding(data):
    try:
        return tokenize.detect_encoding(io.BytesIO(data).readline)[0]
    except (SyntaxError, LookupError):
        return None


def _same_codec(a, b):
    try:
        return codecs.lookup(a).name.replace("-sig", "") == codecs.lookup(b).name.replace("-sig", "")
    except LookupError:
        return a == b


def extract_file(request, tables):
    """Every demanded row of one file; problems become py_parse_errors rows."""
    result = FileResult(request["file_id"], tables)
    # A name no file has: CPython re-reads the offending line of a SyntaxError
    # from a file of that name when one exists (relative to the worker's cwd),
    # which must never happen.
    filename = "<%s>" % (request.get("rel") or request["path"])
    try:
        stat = os.stat(request["path"])
        if "size" in request and stat.st_size != request["size"]:
            result.error("read", "content-changed", "the file has %d bytes, the scan saw %d: scan again" % (stat.st_size, request["size"]))
            return result
        with open(request["path"], "rb") as handle:
            data = handle.read()
    except OSError as error:
        result.error("read", "unreadable", "cannot read the file: %s" % (error.strerror or error))
        return result
    if "sha256" in request and hashlib.sha256(data).hexdigest() != request["sha256"]:
        result.error("read", "content-changed", "the file's SHA-256 differs from the scan's: scan again")
        return result
    encoding = detected_encoding(data)
    given = request.get("encoding")
    if encoding is not None and given and not _same_codec(encoding, given):
        result.error("read", "encoding-mismatch",
                     "CPython reads this file as %s, the scan recorded %s; offsets follow CPython" % (encoding, given),
                     severity="warning")
    source_map = SourceMap(data, encoding or given or "utf-8")
    want_ast = any(t in tables for t in AST_TABLES)
    want_symtable = any(t in tables for t in SYMTABLE_TABLES)
    want_bytecode = any(t in tables for t in BYTECODE_TABLES)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            tree = ast.parse(data, filename=filename)
        report_warnings(result, caught, filename, "parse")
    except Exception as error:  # noqa: BLE001 - every failure is evidence
        report_exception(result, source_map, "parse", located_parse_error(error, data, source_map.codec, filename))
        return result
    # The scope spans py_scopes needs come from the ast walk when there is one.
    walked_spans = {} if want_ast and "py_scopes" in tables else None
    if want_ast:
        try:
            for table, rows in ast_evidence(tree, source_map, result.file_id, tables, walked_spans).items():
                result.put(table, rows)
        except Exception as error:  # noqa: BLE001
            walked_spans = None
            report_exception(result, source_map, "ast", error)
    if want_symtable:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if "py_scopes" not in tables:
                    spans = {}
                else:
                    spans = walked_spans if walked_spans is not None else scope_spans(tree, source_map)
                # One symbol table serves the scopes, the symbols and the star exports.
                top = symtable.symtable(data, filename, "exec")
                rows = symtable_evidence(top, data, result.file_id, tables, spans)
                if "py_star_exports" in tables:
                    rows["py_star_exports"] = star_exports(tree, top, result.file_id)
            for table, table_rows in rows.items():
                result.put(table, table_rows)
        except Exception as error:  # noqa: BLE001
            report_exception(result, source_map, "symtable", error)
    if want_bytecode:
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                rows = bytecode_evidence(tree, filename, result.file_id, source_map, tables)
            report_warnings(result, caught, filename, "compile")
            for table, table_rows in rows.items():
                result.put(table, table_rows)
        except Exception as error:  # noqa: BLE001
            report_exception(result, source_map, "compile", error)
    return result


# ---------------------------------------------------------------- frames


def _native_to_le(values):
    if sys.byteorder != "little":
        values.byteswap()
    return values.tobytes()


def encode_column(values, kind):
    parts = []
    has_nulls = None in values
    parts.append(b"\x01" if has_nulls else b"\x00")
    if has_nulls:
        parts.append(bytes(bytearray(0 if v is None else 1 for v in values)))
    if kind == "utf8":
        encoded = [b"" if v is None else v.encode("utf-8", "backslashreplace") for v in values]
        parts.append(_native_to_le(array.array("I", [len(b) for b in encoded])))
        parts.append(b"".join(encoded))
    elif kind == "bool":
        parts.append(bytes(bytearray(1 if v else 0 for v in values)))
    else:
        parts.append(_native_to_le(array.array("q", [0 if v is None else v for v in values] if has_nulls else values)))
    return parts


class FrameWriter:
    def __init__(self, stream, tables, frame_rows):
        self.stream = stream
        self.frame_rows = frame_rows
        # For each demanded table: (index of each requested column in the worker's row, its type).
        self.layout = {}
        for table, columns in tables.items():
            own = COLUMNS[table]
            self.layout[table] = [(own.index(name), kind) for name, kind in columns]

    def frame(self, payload_parts):
        size = sum(len(p) for p in payload_parts)
        self.stream.write(struct.pack("<I", size))
        for part in payload_parts:
            self.stream.write(part)

    def json(self, kind, value):
        self.frame([kind, json.dumps(value).encode("utf-8")])
        self.stream.flush()

    def table(self, seq, table, rows):
        layout = self.layout[table]
        name = table.encode("utf-8")
        for start in range(0, len(rows), self.frame_rows):
            chunk = rows[start:start + self.frame_rows]
            columns = list(zip(*chunk))
            parts = [b"T", struct.pack("<IB", seq, len(name)), name, struct.pack("<IH", len(chunk), len(layout))]
            for index, kind in layout:
                parts.extend(encode_column(list(columns[index]), kind))
            self.frame(parts)

    def done(self, seq):
        self.frame([b"D", struct.pack("<I", seq)])
        self.stream.flush()


# ---------------------------------------------------------------- serving


def check_config(config):
    """Problems with the pool's configuration, as one message, or None."""
    if config.get("protocol") != PROTOCOL_VERSION:
        return "the pool speaks protocol %r, this worker speaks %d" % (config.get("protocol"), PROTOCOL_VERSION)
    tables = config.get("tables")
    if not isinstance(tables, dict):
        return "the configuration names no tables"
    problems = []
    for table, columns in tables.items():
        if table not in COLUMNS:
            problems.append("the worker does not produce table %s" % table)
            continue
        names = [c[0] for c in columns]
        missing = sorted(set(COLUMNS[table]) - set(names))
        extra = sorted(set(names) - set(COLUMNS[table]))
        if missing or extra or len(names) != len(set(names)):
            problems.append("%s: the schema lacks %s and has unknown %s" % (table, missing, extra))
        for name, kind in columns:
            if kind not in TYPES:
                problems.append("%s.%s: type %s cannot be sent" % (table, name, kind))
    return "; ".join(problems) or None


def serve(stdin, stdout):
    writer = None
    line = stdin.readline()
    if not line:
        return 0
    config = json.loads(line.decode("utf-8"))
    problem = check_config(config)
    tables = config.get("tables") or {}
    writer = FrameWriter(stdout, tables if problem is None else {}, int(config.get("frame_rows") or 65536))
    if problem is not None:
        writer.json(b"E", {"message": problem})
        return 2
    writer.json(b"H", {
        "protocol": PROTOCOL_VERSION, "python_version": PYTHON_VERSION,
        "implementation": sys.implementation.name, "pid": os.getpid(),
    })
    hooks = config.get("test_hooks") or {}
    wanted = frozenset(tables)
    # The cyclic collector stays off while a file is read, and runs once after
    # each. A file's trees and rows hold no reference cycles, so reference
    # counting frees them; the collector's automatic passes only walked them
    # over and over as they grew (a full pass each time the young objects
    # outnumbered a quarter of the old ones: 2.3 s of 18.4 s of one process
    # over the standard library). What the worker holds from its start is
    # frozen out of the passes, so the pass after each file walks little more
    # than what that file left, and any cycle it left is freed before the next.
    frozen_before = gc.get_freeze_count()
    gc.freeze()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for line in iter(stdin.readline, b""):
            if not line.strip():
                continue
            request = json.loads(line.decode("utf-8"))
            path = request["path"]
            if hooks.get("exit_on") and path.endswith(hooks["exit_on"]):
                stdout.flush()
                os._exit(70)
            if hooks.get("hang_on") and path.endswith(hooks["hang_on"]):
                time.sleep(3600)
            result = extract_file(request, wanted)
            for table, rows in result.rows.items():
                if rows:
                    writer.table(request["seq"], table, rows)
            writer.done(request["seq"])
            result = rows = None
            gc.collect()
    finally:
        if was_enabled:
            gc.enable()
        # What serve froze goes back to the collector. Objects a caller had frozen
        # cannot be told apart from them, so after a caller's own freeze both stay.
        if frozen_before == 0:
            gc.unfreeze()
    return 0


def probe():
    print(json.dumps({
        "protocol": PROTOCOL_VERSION, "python_version": PYTHON_VERSION,
        "implementation": sys.implementation.name, "executable": sys.executable,
    }))
    return 0


def main(argv):
    if "--probe" in argv:
        return probe()
    faulthandler.enable()
    stdin = sys.stdin.buffer
    stdout = sys.stdout.buffer
    # Nothing but frames may reach stdout.
    sys.stdout = sys.stderr
    status = [1]

    def run():
        status[0] = serve(stdin, stdout)

    # CPython's parser, symtable and compiler recurse in C once per nesting
    # level. A large thread stack lets a high recursion limit stand, so deep
    # but legitimate code (long generated expression chains) still parses,
    # and deeper code meets a RecursionError, not a crash.
    sys.setrecursionlimit(20000)
    threading.stack_size(256 * 1024 * 1024)
    worker = threading.Thread(target=run, name="anatomy-extract")
    worker.start()
    worker.join()
    return status[0]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
