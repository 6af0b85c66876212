import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pythonStringValue } from './python-string-value.js';

/** CPython's value of each literal (null when it is not a str literal), by `ast.literal_eval`. */
function cpythonValues(literals: readonly string[]): (string | null)[] {
  const script = 'import ast, json, sys\nvals = [ast.literal_eval(s) for s in json.load(sys.stdin)]\nprint(json.dumps([v if isinstance(v, str) else None for v in vals]))';
  return JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(literals) }).toString()) as (string | null)[];
}

/** Python's own spelling of strings as literals: `repr`, in every quote style and prefix CPython accepts. */
function pythonLiterals(values: readonly string[]): string[] {
  const script = [
    'import json, sys',
    'out = []',
    'for s in json.load(sys.stdin):',
    '    r = repr(s)',
    "    out += [r, 'u' + r, '\"\"\"' + r[1:-1].replace('\"', '\\\\\"') + '\"\"\"' if r[0] == \"'\" else r]",
    'print(json.dumps(out))',
  ].join('\n');
  return JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(values) }).toString()) as string[];
}

describe('pythonStringValue', () => {
  it('evaluates escapes, prefixes and quote styles as CPython does', () => {
    const literals = [
      String.raw`'plain'`,
      String.raw`"tab\there"`,
      String.raw`'''triple "quoted" text'''`,
      String.raw`"""line one\
line two"""`,
      String.raw`'\x41\101\7\0\u00e9\U0001F600'`,
      String.raw`'unknown \q \d escapes'`,
      String.raw`r'raw \n \x41 kept'`,
      String.raw`R"""raw \""" """`,
      String.raw`U'upper \N'`.replace('\\N', '\\\\N'),
      String.raw`'\a\b\f\n\r\t\v\\\'\"'`,
      String.raw`'octal \1234 stops at three digits'`,
      "'caf\u00e9 \u65e5\u672c \ud83d\udc0d'",
      "'''crlf\r\ninside'''",
    ];
    const expected = cpythonValues(literals);
    literals.forEach((literal, i) => expect(pythonStringValue(literal), literal).toEqual({ kind: 'str', value: expected[i] }));
  });

  it('round-trips whatever Python writes with repr()', () => {
    const samples = fc.sample(fc.string({ unit: fc.oneof(fc.constantFrom('\\', "'", '"', '\n', '\r', '\t', '\0', '\x7f', '\u00e9', '\u2028', '\ud83d\ude00'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })) }), { numRuns: 300, seed: 42 });
    const literals = pythonLiterals(samples);
    const expected = cpythonValues(literals);
    literals.forEach((literal, i) => expect(pythonStringValue(literal), literal).toEqual({ kind: 'str', value: expected[i] }));
  });

  it('knows bytes and formatted strings are no str literals, and gives up on \\N{…}', () => {
    expect(pythonStringValue("b'x'")).toEqual({ kind: 'bytes' });
    expect(pythonStringValue("Rb'x'")).toEqual({ kind: 'bytes' });
    expect(pythonStringValue('f"{x}"')).toEqual({ kind: 'formatted' });
    expect(pythonStringValue("rF'x'")).toEqual({ kind: 'formatted' });
    expect(pythonStringValue(String.raw`'\N{BULLET}'`)).toEqual({ kind: 'str', value: null });
    expect(pythonStringValue(String.raw`r'\N{BULLET}'`)).toEqual({ kind: 'str', value: String.raw`\N{BULLET}` });
  });
});
