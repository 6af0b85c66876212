import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { jsonProblem, jsonValueSchema } from './json-value.js';

describe('jsonValueSchema', () => {
  it('accepts JSON data and returns the very value, not a copy', () => {
    const tree = { a: [1, 'x', null, true, { b: [] }], c: { d: -0.5 } };
    const parsed = z.object({ tree: jsonValueSchema() }).parse({ tree });
    expect(parsed.tree).toBe(tree);
  });

  it('names the first member JSON cannot carry', () => {
    expect(jsonProblem({ a: [1, Number.NaN] })).toBe('$.a[1]');
    expect(jsonProblem({ a: { b: 1n } })).toBe('$.a.b');
    expect(jsonProblem(new Date(0))).toBe('$');
    expect(jsonProblem({ a: [undefined] })).toBe('$.a[0]');
    expect(jsonProblem(Object.create(null) as object)).toBeNull();
    const result = jsonValueSchema().safeParse({ x: [Infinity] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/^\$\.x\[0\] is not JSON data/);
  });

  it('walks a tree deeper than the call stack allows', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(jsonProblem(deep)).toBeNull();
  });
});
