import { describe, expect, it } from 'vitest';
import { readTomlTable } from './read-toml-table.js';

const path = ['tool', 'anatomy'];

describe('readTomlTable', () => {
  it('reads strings, numbers, booleans, arrays, dotted keys and sub-tables', () => {
    const text = [
      '[tool.anatomy]',
      'name = "a \\"quoted\\" \\u00e9 \\t"',
      "raw = 'C:\\path'",
      'n = -1_000',
      'f = 2.5e1',
      'yes = true',
      'list = [ "x", \'y\', [1, 2], ]',
      'output.format = "csv"',
      '"quoted key" = false',
      '[tool.anatomy.scip]',
      'index = "i.scip"',
    ].join('\r\n');
    expect(readTomlTable(text, path)).toEqual({
      ok: true,
      table: { name: 'a "quoted" é \t', raw: 'C:\\path', n: -1000, f: 25, yes: true, list: ['x', 'y', [1, 2]], output: { format: 'csv' }, 'quoted key': false, scip: { index: 'i.scip' } },
    });
  });

  it('gives no table when the document has none, whatever else it holds', () => {
    expect(readTomlTable('[project]\nname = "x"\nauthors = [{ name = "y" }]\n[[tool.mypy.overrides]]\nmodule = "z"\n', path)).toEqual({ ok: true, table: undefined });
    expect(readTomlTable('[tool.anatomy]\n', path)).toEqual({ ok: true, table: {} });
  });

  it('stops at the next table of another name', () => {
    expect(readTomlTable('[tool.anatomy]\na = 1\n[tool.anatomyx]\nb = {\n', path)).toEqual({ ok: true, table: { a: 1 } });
  });

  it('reports what it cannot read with its line and column', () => {
    expect(readTomlTable('[tool.anatomy]\na = 1\na = 2\n', path)).toEqual({ ok: false, line: 3, column: 1, message: 'a is defined twice' });
    expect(readTomlTable('[tool.anatomy]\nx = { a = 1 }\n', path)).toMatchObject({ ok: false, line: 2, column: 5 });
    expect(readTomlTable('[tool.anatomy]\nx 1\n', path)).toEqual({ ok: false, line: 2, column: 3, message: "expected '=' after the key x" });
    expect(readTomlTable('[tool.anatomy]\nx = 1 2\n', path)).toEqual({ ok: false, line: 2, column: 7, message: 'expected the end of the line after the value' });
    expect(readTomlTable('[tool.anatomy]\nx = "\\q"\n', path)).toMatchObject({ ok: false, line: 2, column: 6, message: 'invalid escape \\q' });
    expect(readTomlTable('[tool.anatomy]\nx = """a"""\n', path)).toMatchObject({ ok: false, message: 'multi-line strings are not supported here' });
    expect(readTomlTable('[tool.anatomy]\nx = 1\n[tool.anatomy.x]\n', path)).toMatchObject({ ok: false, line: 3, column: 1 });
  });
});
