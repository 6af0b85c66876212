import type { Store } from '@anatomy/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSources } from './built-sources.test-support.js';
import type { BuiltSources } from './built-sources.test-support.js';

// Shapes where "the definition around it" is easy to get wrong: decorators (outside the span of what they decorate),
// defaults and annotations (inside it), lambdas and comprehensions (scopes, not definitions), classes inside functions,
// definitions under if/try/with, a definition at byte 0 with no newline after it, and files tree-sitter must recover from.
const sources: Record<string, string> = {
  'nest.py': [
    'import functools',
    '',
    '',
    'def outer(a: int = len("x"), *, key=lambda v: v.name) -> list:',
    '    @functools.wraps(outer)',
    '    def inner(b=[y for y in range(a)]):',
    '        class Local(Base):',
    '            attr = helper(b)',
    '',
    '            @property',
    '            def value(self):',
    '                return (lambda q: q + self.attr)(1)',
    '        return Local',
    '    if a:',
    '        def branch():',
    '            try:',
    '                from os import path',
    '            finally:',
    '                pass',
    '            return path',
    '    with open(a) as fh:',
    '        data = fh.read()',
    '    return [inner(x) for x in data]',
    '',
    '',
    'async def later(c):',
    '    async with c as d:',
    '        return await d.go(c)',
    '',
    'TOP = outer(1)',
    '',
  ].join('\n'),
  'zero.py': 'def f(x): return g(x)',
  'broken_def.py': 'def ok(a):\n    return a(\n\ndef after(b):\n    return b.c(1)\n\nprint(after)\n',
  'broken_class.py': 'class K(:\n    def m(self):\n        import sys\n        return sys.argv\nx = [K(\n',
};

describe('CONTAINS edges of the python CPG', () => {
  let built: BuiltSources;
  let store: Store;

  beforeAll(async () => {
    built = await buildSources('anatomy-cpg-containment-', sources);
    store = built.store;
  }, 120_000);

  afterAll(async () => {
    await built?.dispose();
  });

  it('go to every located entity from the innermost DEF or MODULE whose span holds it, one edge each', async () => {
    const located = await store.query(
      "SELECT node_kind, count(*) AS n FROM cpg.nodes WHERE node_kind IN ('DEF', 'PARAM', 'CALL', 'IMPORT', 'REF') GROUP BY node_kind ORDER BY node_kind",
    );
    // Every kind is there in numbers, so the comparison below covers them.
    expect(located.map((r) => r['node_kind'])).toEqual(['CALL', 'DEF', 'IMPORT', 'PARAM', 'REF']);
    expect(located.map((r) => Number(r['n']) >= 3)).toEqual([true, true, true, true, true]);
    // The answer worked out from the nodes' spans alone, against the edges the build wrote.
    const wrong = await store.query(
      `WITH located AS (
         SELECT node_id, node_kind, name, path, file_id, bstart, bend FROM cpg.nodes WHERE node_kind IN ('DEF', 'PARAM', 'CALL', 'IMPORT', 'REF')
       ), holders AS (
         SELECT node_id, file_id, bstart, bend FROM cpg.nodes WHERE node_kind IN ('DEF', 'MODULE')
       ), innermost AS (
         SELECT l.node_id, any_value(l.node_kind) AS kind, any_value(l.name) AS name, any_value(l.path) AS path, any_value(l.bstart) AS bstart,
                arg_min(h.node_id, (h.bend - h.bstart, h.node_id)) AS holder
         FROM located l JOIN holders h ON h.file_id = l.file_id AND h.bstart <= l.bstart AND l.bend <= h.bend AND h.node_id <> l.node_id
         GROUP BY l.node_id
       ), edges AS (
         SELECT dst_node_id, list(src_node_id ORDER BY src_node_id) AS sources FROM cpg.edges WHERE edge_kind = 'CONTAINS' GROUP BY dst_node_id
       )
       SELECT i.kind, i.name, i.path, i.bstart, i.holder, e.sources
       FROM innermost i LEFT JOIN edges e ON e.dst_node_id = i.node_id
       WHERE e.sources IS NULL OR e.sources <> [i.holder]
       ORDER BY i.path, i.bstart`,
    );
    expect(wrong).toEqual([]);
    const unheld = await store.query(
      `SELECT count(*) AS n FROM cpg.nodes n WHERE n.node_kind IN ('DEF', 'PARAM', 'CALL', 'IMPORT', 'REF')
       AND NOT EXISTS (SELECT 1 FROM cpg.edges e WHERE e.edge_kind = 'CONTAINS' AND e.dst_node_id = n.node_id)`,
    );
    expect(Number(unheld[0]?.['n'])).toBe(0);
  });

  it('hold what decorators, defaults and recovered files leave where their spans put them', async () => {
    const holderOf = async (kind: string, name: string, path: string): Promise<string[]> =>
      (
        await store.query(
          `SELECT p.node_kind || ':' || p.name AS holder FROM cpg.edges e JOIN cpg.nodes c ON c.node_id = e.dst_node_id JOIN cpg.nodes p ON p.node_id = e.src_node_id
           WHERE e.edge_kind = 'CONTAINS' AND c.node_kind = ? AND c.name = ? AND c.path = ? ORDER BY 1`,
          [kind, name, path],
        )
      ).map((r) => String(r['holder']));
    // The decorator of inner sits in outer, not in inner; its default and the property's decorator likewise.
    expect(await holderOf('CALL', 'functools.wraps', 'nest.py')).toEqual(['DEF:outer']);
    expect(await holderOf('REF', 'property', 'nest.py')).toEqual(['DEF:Local']);
    expect(await holderOf('REF', 'Base', 'nest.py')).toEqual(['DEF:Local']);
    expect(await holderOf('CALL', 'range', 'nest.py')).toEqual(['DEF:inner']);
    expect(await holderOf('CALL', 'len', 'nest.py')).toEqual(['DEF:outer']);
    expect(await holderOf('IMPORT', 'path', 'nest.py')).toEqual(['DEF:branch']);
    expect(await holderOf('CALL', 'outer', 'nest.py')).toEqual(['MODULE:nest']);
    expect(await holderOf('CALL', 'g', 'zero.py')).toEqual(['DEF:f']);
    expect(await holderOf('IMPORT', 'sys', 'broken_class.py')).toEqual(['DEF:m']);
    expect(await holderOf('CALL', 'print', 'broken_def.py')).toEqual(['MODULE:broken_def']);
  });
});
