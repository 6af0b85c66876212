import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { pyInstructionsDataset } from './bytecode-datasets.js';
import { pythonExtractorDescriptor } from './python-extractor-descriptor.js';
import { SYMTABLE_SYMBOL_FLAGS } from './symtable-datasets.js';

/** Runs a python3 snippet and parses the JSON it prints. */
function python(code: string): unknown {
  return JSON.parse(execFileSync('python3', ['-c', code], { encoding: 'utf8' }));
}

// The column names promise a one-to-one mapping to CPython's own API; these
// checks hold the declarations to the python3 installed here.
describe('the python datasets against the installed CPython', () => {
  it('runs on a python3 the descriptor accepts', () => {
    const [major, minor] = python('import sys, json; print(json.dumps(sys.version_info[:2]))') as [number, number];
    const minimum = /^>=(\d+)\.(\d+)$/.exec(pythonExtractorDescriptor.needs['python3']!)!;
    expect(major * 100 + minor).toBeGreaterThanOrEqual(Number(minimum[1]) * 100 + Number(minimum[2]));
  });

  it('names every symbol flag after a method of symtable.Symbol', () => {
    const methods = python("import symtable, json; print(json.dumps([m for m in dir(symtable.Symbol) if m.startswith('is_')]))") as string[];
    expect(methods).toEqual(expect.arrayContaining([...SYMTABLE_SYMBOL_FLAGS]));
  });

  it('takes instruction columns from fields of dis.Instruction', () => {
    // Fields of the named tuple, or properties from 3.13 (is_jump_target).
    const fields = python('import dis, json; print(json.dumps([n for n in dir(dis.Instruction) if not n.startswith("_")]))') as string[];
    const taken = ['offset', 'opname', 'opcode', 'arg', 'argrepr', 'is_jump_target'];
    expect(pyInstructionsDataset.columns.map((c) => c.name)).toEqual(expect.arrayContaining(taken));
    expect(fields).toEqual(expect.arrayContaining(taken));
  });

  it('relies on col_offset counting UTF-8 bytes, as the span columns state', () => {
    const col = python("import ast, json; t = ast.parse(\"s = 'é🐍'; y\"); print(json.dumps(t.body[1].col_offset))");
    // 's = ' is 4 bytes, the string literal 2 + 2 + 4 bytes, '; ' 2 more: 'y' starts at byte 14, character 10.
    expect(col).toBe(14);
  });
});
