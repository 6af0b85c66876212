"""The reference the tree-sitter evidence is tested against: CPython's own ast.

Reads a JSON list of file paths on stdin and prints, per path, what CPython
finds: definitions (with code-object qualnames), imports, calls, names,
attributes, parameters, decorators and docstrings, every position converted to
a byte offset into the file's bytes. CPython reports columns as UTF-8 byte
counts of each decoded line; they are mapped back to the file's bytes
honouring the BOM and the coding cookie, lines being split as CPython's
tokenizer splits them (\\r\\n, \\r, \\n).
"""

import ast
import codecs
import json
import re
import sys
import tokenize
import types
import warnings

LINE = re.compile(r'[^\r\n]*(?:\r\n|\r|\n)?')
KINDS = {ast.FunctionDef: 'function', ast.AsyncFunctionDef: 'async_function', ast.ClassDef: 'class'}
CTX = {ast.Load: 'load', ast.Store: 'store', ast.Del: 'del'}


def lines_of(data):
    enc, _ = tokenize.detect_encoding(iter(data.splitlines(keepends=True) + [b'']).__next__)
    bom = 3 if data.startswith(codecs.BOM_UTF8) else 0
    codec = 'utf-8' if enc == 'utf-8-sig' else enc
    text = data[bom:].decode(codec)
    lines, pos = [], bom
    for m in LINE.finditer(text):
        seg = m.group(0)
        if not seg:
            break
        lines.append((seg.rstrip('\r\n'), pos))
        pos += len(seg.encode(codec))
    return lines, codec


def qualnames(code):
    found, stack = {}, [code]
    while stack:
        c = stack.pop()
        for k in c.co_consts:
            if isinstance(k, types.CodeType):
                found.setdefault((k.co_firstlineno, k.co_name), set()).add(k.co_qualname)
                stack.append(k)
    return found


def dotted(e):
    parts = []
    while isinstance(e, ast.Attribute):
        parts.append(e.attr)
        e = e.value
    if isinstance(e, ast.Name):
        parts.append(e.id)
        return '.'.join(reversed(parts))
    return None


def evidence_of(path):
    data = open(path, 'rb').read()
    try:
        tree = ast.parse(data, path)
        code = compile(data, path, 'exec', dont_inherit=True)
    except (SyntaxError, ValueError, UnicodeDecodeError) as e:
        return {'error': f'{type(e).__name__}: {e}'}
    lines, codec = lines_of(data)

    def byte(lineno, col):
        body, start = lines[lineno - 1]
        chars = len(body.encode('utf-8')[:col].decode('utf-8'))
        return start + len(body[:chars].encode(codec))

    def span(node):
        return byte(node.lineno, node.col_offset), byte(node.end_lineno, node.end_col_offset)

    names = qualnames(code)
    # tree-sitter has no attribute nodes in match patterns (`case Color.RED`): the tests leave those out.
    in_pattern = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.pattern):
            in_pattern.update(id(n) for n in ast.walk(node) if n is not node)

    out = {k: [] for k in ('defs', 'imports', 'calls', 'refs', 'attributes', 'params', 'decorators', 'docstrings')}

    def docstring(owner, node):
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            b, e = span(body[0].value)
            out['docstrings'].append({'def_bstart': owner, 'bstart': b, 'bend': e, 'text': ast.get_docstring(node, clean=False)})

    def walk(root):
        # Each node with the byte offset of the innermost definition whose span holds it (None at
        # module level): decorators lie outside their definition, everything else inside.
        stack = [(root, None)]
        while stack:
            node, owner = stack.pop()
            yield node, owner
            inner = span(node)[0] if isinstance(node, tuple(KINDS)) else owner
            for field, value in ast.iter_fields(node):
                children = value if isinstance(value, list) else [value]
                for child in children:
                    if isinstance(child, ast.AST):
                        stack.append((child, owner if field == 'decorator_list' else inner))

    docstring(None, tree)
    for node, owner in walk(tree):
        kind = KINDS.get(type(node))
        if kind is not None:
            first = min([d.lineno for d in node.decorator_list] + [node.lineno])
            quals = names.get((first, node.name), set())
            bstart, bend = span(node)
            out['defs'].append({
                'def_kind': kind, 'name': node.name,
                'qualname': next(iter(quals)) if len(quals) == 1 else None,
                'bstart': bstart, 'bend': bend,
                'line': node.lineno, 'col': bstart - lines[node.lineno - 1][1],
            })
            for i, d in enumerate(node.decorator_list):
                b, e = span(d)
                is_call = isinstance(d, ast.Call)
                out['decorators'].append({'def_bstart': bstart, 'position': i, 'bstart': b, 'bend': e,
                                          'dotted': dotted(d.func if is_call else d), 'is_call': is_call})
            docstring(bstart, node)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            a = node.args
            owner = span(node)[0]
            ordered = [(p, 'positional_only') for p in a.posonlyargs] + [(p, 'positional_or_keyword') for p in a.args]
            defaults = [None] * (len(ordered) - len(a.defaults)) + list(a.defaults)
            params = [(p, k, d is not None) for (p, k), d in zip(ordered, defaults)]
            if a.vararg:
                params.append((a.vararg, 'var_positional', False))
            params += [(p, 'keyword_only', d is not None) for p, d in zip(a.kwonlyargs, a.kw_defaults)]
            if a.kwarg:
                params.append((a.kwarg, 'var_keyword', False))
            for i, (p, k, has_default) in enumerate(params):
                out['params'].append({'def_bstart': owner, 'owner_kind': 'lambda' if isinstance(node, ast.Lambda) else 'def',
                                      'name': p.arg, 'param_kind': k, 'position': i,
                                      'bstart': byte(p.lineno, p.col_offset),
                                      'has_default': has_default, 'has_annotation': p.annotation is not None})
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            sb, se = span(node)
            for alias in node.names:
                b, e = span(alias)
                if isinstance(node, ast.Import):
                    row = {'module': alias.name, 'imported_name': None,
                           'bound_name': alias.asname or alias.name.split('.')[0], 'level': 0}
                else:
                    row = {'module': node.module, 'imported_name': alias.name,
                           'bound_name': alias.asname or alias.name, 'level': node.level}
                row.update({'is_star': alias.name == '*', 'bstart': b, 'bend': e, 'stmt_bstart': sb, 'stmt_bend': se, 'def_bstart': owner})
                out['imports'].append(row)
        if isinstance(node, ast.Call):
            b, e = span(node)
            fb, fe = span(node.func)
            out['calls'].append({'bstart': b, 'bend': e, 'callee_bstart': fb, 'callee_bend': fe,
                                 'callee_dotted': dotted(node.func),
                                 'positional_count': len(node.args), 'keyword_count': len(node.keywords), 'def_bstart': owner})
        if isinstance(node, ast.Name):
            b, e = span(node)
            out['refs'].append({'name': node.id, 'ctx': CTX[type(node.ctx)], 'bstart': b, 'bend': e, 'def_bstart': owner})
        if isinstance(node, ast.Attribute):
            b, e = span(node)
            ob, oe = span(node.value)
            out['attributes'].append({'attr': node.attr, 'ctx': CTX[type(node.ctx)], 'bstart': b, 'bend': e,
                                      'object_bstart': ob, 'object_bend': oe, 'dotted': dotted(node), 'def_bstart': owner,
                                      'in_pattern': id(node) in in_pattern})
    for rows in out.values():
        rows.sort(key=lambda r: (r['bstart'], r.get('bend', 0)))
    return out


warnings.simplefilter('ignore')
print(json.dumps({p: evidence_of(p) for p in json.load(sys.stdin)}))
