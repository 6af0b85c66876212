import { execFileSync } from 'node:child_process';

/** A definition as CPython's own `ast` reports it, converted to UTF-8 byte offsets of the file. */
export interface AstDef {
  readonly path: string;
  readonly kind: 'function' | 'async_function' | 'class';
  readonly name: string;
  readonly bstart: number;
  readonly bend: number;
  readonly line: number;
  readonly col: number;
}

// ast's col_offset/end_col_offset are UTF-8 byte offsets within a line, so a
// byte span only needs the byte offset of each line start.
const SCRIPT = String.raw`
import ast, json, sys, os
root = sys.argv[1]
out = []
for dirpath, dirnames, filenames in os.walk(root):
    dirnames[:] = sorted(d for d in dirnames if not d.startswith('.'))
    for name in sorted(filenames):
        if not name.endswith('.py'):
            continue
        full = os.path.join(dirpath, name)
        data = open(full, 'rb').read()
        starts = [0]
        i = 0
        while i < len(data):
            c = data[i]
            if c == 13 and i + 1 < len(data) and data[i + 1] == 10:
                i += 1
                starts.append(i + 1)
            elif c in (10, 13):
                starts.append(i + 1)
            i += 1
        kinds = {ast.FunctionDef: 'function', ast.AsyncFunctionDef: 'async_function', ast.ClassDef: 'class'}
        rel = os.path.relpath(full, root).replace(os.sep, '/')
        for node in ast.walk(ast.parse(data)):
            kind = kinds.get(type(node))
            if kind:
                out.append(dict(path=rel, kind=kind, name=node.name,
                                bstart=starts[node.lineno - 1] + node.col_offset,
                                bend=starts[node.end_lineno - 1] + node.end_col_offset,
                                line=node.lineno, col=node.col_offset))
out.sort(key=lambda d: (d['path'], d['bstart']))
print(json.dumps(out))
`;

/** Runs the machine's `python3` over every `.py` file under `root` and returns its definitions sorted by path and start. */
export function pythonAstDefs(root: string): AstDef[] {
  return JSON.parse(execFileSync('python3', ['-c', SCRIPT, root], { encoding: 'utf8' })) as AstDef[];
}
