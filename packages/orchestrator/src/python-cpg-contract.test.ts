import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, tableFingerprint } from '@anatomy/store';
import type { Store } from '@anatomy/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCpg } from './build-cpg.js';
import { buildSources } from './built-sources.test-support.js';
import type { BuiltSources } from './built-sources.test-support.js';
import type { ProgressReporter } from './progress-reporter.js';

const quiet: ProgressReporter = { stage: () => undefined, tick: () => undefined, count: () => undefined, stageDone: () => undefined, info: () => undefined };

// A small package exercising every node kind the program produces: a decorated function, a class with a method,
// imports (plain, aliased, relative, star), calls through attributes, stores and loads, and a file that does not parse.
const sources: Record<string, string> = {
  'pkg/__init__.py': 'from .core import Engine\n',
  'pkg/core.py': [
    'import os.path as osp',
    'from . import util',
    'from .util import *',
    '',
    '',
    '@staticmethod',
    'def helper(a, /, b=1, *rest, c, **kw):',
    '    total = a + b',
    '    return osp.join(str(total), c)',
    '',
    '',
    'class Engine(object):',
    '    def run(self, x):',
    '        return helper(x, c=util.NAME)',
    '',
  ].join('\n'),
  'pkg/util.py': 'import pkg.core as core_mod\nimport os\nfrom pkg import *\nNAME = "n"\n',
  'broken.py': 'def oops(:\n    pass\n',
};

const byteOf = (path: string, text: string): number => Buffer.from(sources[path]!, 'utf8').indexOf(text);

describe('the python CPG built from real evidence honours the output contract', () => {
  const root = mkdtempSync(join(tmpdir(), 'anatomy-cpg-contract-'));
  let store: Store;
  const fingerprints: string[] = [];

  async function fingerprintAll(): Promise<string> {
    const s = await openStore({ path: join(root, 'store.duckdb'), readOnly: true });
    try {
      const parts = [];
      for (const table of ['cpg.nodes', 'cpg.edges', 'cpg.props']) parts.push(`${table}=${await tableFingerprint(s, table)}`);
      return parts.join(' ');
    } finally {
      await s.close();
    }
  }

  beforeAll(async () => {
    for (const [path, text] of Object.entries(sources)) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    const storePath = join(root, 'store.duckdb');
    await buildCpg({ root, storePath, maintenance: 'off' }, quiet);
    fingerprints.push(await fingerprintAll());
    await buildCpg({ root, storePath, maintenance: 'off' }, quiet);
    fingerprints.push(await fingerprintAll());
    store = await openStore({ path: storePath, readOnly: true });
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const node = async (kind: string, name: string, path: string): Promise<Record<string, unknown>> => {
    const rows = await store.query('SELECT * FROM cpg.nodes WHERE node_kind = ? AND name = ? AND path = ?', [kind, name, path]);
    expect(rows, `${kind} ${name} in ${path}`).toHaveLength(1);
    return rows[0]!;
  };

  it('produces FILE, MODULE, DEF, PARAM, CALL, IMPORT, REF, SCOPE, BINDING, SYMBOL and DIAGNOSTIC nodes', async () => {
    const kinds = (await store.query('SELECT DISTINCT node_kind FROM cpg.nodes ORDER BY 1')).map((r) => r['node_kind']);
    expect(kinds).toEqual(['BINDING', 'CALL', 'DEF', 'DIAGNOSTIC', 'FILE', 'IMPORT', 'MODULE', 'PARAM', 'REF', 'SCOPE', 'SYMBOL']);
  });

  it('names each MODULE after its dotted module path, a package after its directory', async () => {
    const rows = await store.query("SELECT path, name, bstart, bend FROM cpg.nodes WHERE node_kind = 'MODULE' ORDER BY path");
    expect(rows.map((r) => [r['path'], r['name']])).toEqual([
      ['broken.py', 'broken'],
      ['pkg/__init__.py', 'pkg'],
      ['pkg/core.py', 'pkg.core'],
      ['pkg/util.py', 'pkg.util'],
    ]);
    for (const r of rows) expect([r['bstart'], r['bend']]).toEqual([0n, BigInt(Buffer.byteLength(sources[r['path'] as string]!))]);
  });

  const parentOf = async (kind: string, name: string): Promise<string[]> =>
    (
      await store.query(
        `SELECT p.node_kind || ':' || p.name AS parent FROM cpg.edges e JOIN cpg.nodes c ON c.node_id = e.dst_node_id JOIN cpg.nodes p ON p.node_id = e.src_node_id
         WHERE e.edge_kind = 'CONTAINS' AND c.node_kind = ? AND c.name = ? ORDER BY 1`,
        [kind, name],
      )
    ).map((r) => r['parent'] as string);

  it('links every located entity to its innermost enclosing DEF or MODULE, and every MODULE to its FILE', async () => {
    expect(await parentOf('DEF', 'run')).toEqual(['DEF:Engine']);
    expect(await parentOf('DEF', 'Engine')).toEqual(['MODULE:pkg.core']);
    expect(await parentOf('PARAM', 'rest')).toEqual(['DEF:helper']);
    expect(await parentOf('CALL', 'helper')).toEqual(['DEF:run']);
    expect(await parentOf('IMPORT', 'osp')).toEqual(['MODULE:pkg.core']);
    expect(await parentOf('MODULE', 'pkg')).toEqual(['FILE:pkg/__init__.py']);
    const orphans = await store.query(
      `SELECT n.node_kind, n.name FROM cpg.nodes n WHERE n.node_kind IN ('MODULE', 'DEF', 'PARAM', 'CALL', 'IMPORT', 'REF')
       AND (SELECT count(*) FROM cpg.edges e WHERE e.edge_kind = 'CONTAINS' AND e.dst_node_id = n.node_id) <> 1`,
    );
    expect(orphans).toEqual([]);
  });

  it('links scopes to their parents, scopes to the symbols they declare, and files to their diagnostics', async () => {
    const chain = await store.query(
      `SELECT c.name AS child, p.name AS parent FROM cpg.edges e JOIN cpg.nodes c ON c.node_id = e.src_node_id JOIN cpg.nodes p ON p.node_id = e.dst_node_id
       WHERE e.edge_kind = 'PARENT_SCOPE' AND c.path = 'pkg/core.py' ORDER BY 1`,
    );
    expect(chain.map((r) => [r['child'], r['parent']])).toEqual([
      ['Engine', 'top'],
      ['helper', 'top'],
      ['run', 'Engine'],
    ]);
    const declared = await store.query(
      `SELECT b.name FROM cpg.edges e JOIN cpg.nodes s ON s.node_id = e.src_node_id JOIN cpg.nodes b ON b.node_id = e.dst_node_id
       WHERE e.edge_kind = 'DECLARES' AND s.node_kind = 'SCOPE' AND s.name = 'helper' ORDER BY 1`,
    );
    // Names helper only uses (osp, str) are bound elsewhere.
    expect(declared.map((r) => r['name'])).toEqual(['a', 'b', 'c', 'kw', 'rest', 'total']);
    const diagnosed = await store.query(
      `SELECT DISTINCT f.name FROM cpg.edges e JOIN cpg.nodes f ON f.node_id = e.src_node_id JOIN cpg.nodes d ON d.node_id = e.dst_node_id
       WHERE e.edge_kind = 'HAS_DIAGNOSTIC' AND f.node_kind = 'FILE' AND d.node_kind = 'DIAGNOSTIC'`,
    );
    expect(diagnosed.map((r) => r['name'])).toEqual(['broken.py']);
  });

  it('resolves absolute imports of repository modules to their MODULE, and leaves external ones unresolved', async () => {
    const rows = await store.query(
      `SELECT i.name AS import, m.name AS module, e.bstart FROM cpg.edges e JOIN cpg.nodes i ON i.node_id = e.src_node_id JOIN cpg.nodes m ON m.node_id = e.dst_node_id
       WHERE e.edge_kind = 'IMPORTS' AND i.node_kind = 'IMPORT' AND m.node_kind = 'MODULE' AND i.path = 'pkg/util.py' ORDER BY e.bstart`,
    );
    expect(rows.map((r) => [r['import'], r['module']])).toEqual([
      ['core_mod', 'pkg.core'],
      ['*', 'pkg'],
    ]);
    expect(rows[0]!['bstart']).toBe(BigInt(byteOf('pkg/util.py', 'pkg.core as core_mod')));
    const external = await store.query(
      "SELECT count(*) AS n FROM cpg.edges e JOIN cpg.nodes i ON i.node_id = e.src_node_id WHERE e.edge_kind = 'IMPORTS' AND i.name IN ('os', 'osp')",
    );
    expect(external[0]!['n']).toBe(0n);
  });

  it('records the properties of nodes in cpg.props, for existing nodes only', async () => {
    const prop = async (kind: string, name: string, key: string): Promise<unknown> => {
      const rows = await store.query(
        `SELECT coalesce(p.value_string, CAST(p.value_int AS VARCHAR), CAST(p.value_bool AS VARCHAR)) AS v FROM cpg.props p
         JOIN cpg.nodes n ON n.node_id = p.entity_id WHERE n.node_kind = ? AND n.name = ? AND p.prop_key = ?`,
        [kind, name, key],
      );
      return rows.map((r) => r['v']);
    };
    expect(await prop('DEF', 'run', 'def_kind')).toEqual(['function']);
    expect(await prop('DEF', 'run', 'qualname')).toEqual(['Engine.run']);
    expect(await prop('PARAM', 'rest', 'param_kind')).toEqual(['var_positional']);
    expect(await prop('IMPORT', '*', 'is_star')).toEqual(['true', 'true']); // one in core.py, one in util.py
    expect(await prop('IMPORT', 'util', 'level')).toEqual(['1']);
    expect(await prop('SCOPE', 'Engine', 'scope_type')).toEqual(['class']);
    expect(await prop('BINDING', 'rest', 'is_parameter')).toEqual(['true']);
    const [orphans] = await store.query('SELECT count(*) AS n FROM cpg.props WHERE entity_id NOT IN (SELECT node_id FROM cpg.nodes)');
    expect(orphans!['n']).toBe(0n);
    const [dupes] = await store.query('SELECT count(*) AS n FROM (SELECT entity_id, prop_key FROM cpg.props GROUP BY ALL HAVING count(*) > 1)');
    expect(dupes!['n']).toBe(0n);
    // Each property names the owning file of its node (NULL for a node of no file, a SYMBOL).
    const [owners] = await store.query(
      `SELECT count(*) AS n, count(*) FILTER (WHERE p.file_id IS DISTINCT FROM n.file_id) AS elsewhere, count(*) FILTER (WHERE p.file_id IS NULL) AS unowned
         FROM cpg.props p JOIN cpg.nodes n ON n.node_id = p.entity_id`,
    );
    expect(owners).toMatchObject({ elsewhere: 0n, unowned: 0n });
    expect(owners!['n'] as bigint).toBeGreaterThan(0n);
  });

  it('gives edges a rule and a confidence in [0, 1] that differs between rules', async () => {
    const rows = await store.query('SELECT rule, min(confidence) AS lo, max(confidence) AS hi FROM cpg.edges GROUP BY rule ORDER BY rule');
    for (const r of rows) {
      expect(r['lo'] as number).toBeGreaterThan(0);
      expect(r['hi'] as number).toBeLessThanOrEqual(1);
    }
    expect(new Set(rows.map((r) => r['lo'])).size).toBeGreaterThan(1);
  });

  it('gives every node a unique id and a path, but the repository-global SYMBOLs', async () => {
    const [row] = await store.query("SELECT count(*) AS n, count(DISTINCT node_id) AS ids, count(path) + count(*) FILTER (node_kind = 'SYMBOL') AS paths FROM cpg.nodes");
    expect(row!['ids']).toBe(row!['n']);
    expect(row!['paths']).toBe(row!['n']);
  });

  it('gives every edge a unique id and endpoints that exist in cpg.nodes', async () => {
    const [row] = await store.query('SELECT count(*) AS n, count(DISTINCT edge_id) AS ids FROM cpg.edges');
    expect(row!['ids']).toBe(row!['n']);
    const dangling = await store.query(
      `SELECT e.edge_id FROM cpg.edges e
       WHERE NOT EXISTS (SELECT 1 FROM cpg.nodes n WHERE n.node_id = e.src_node_id)
          OR NOT EXISTS (SELECT 1 FROM cpg.nodes n WHERE n.node_id = e.dst_node_id)`,
    );
    expect(dangling).toEqual([]);
  });

  it('builds identical tables twice from the same sources', () => {
    expect(fingerprints).toHaveLength(2);
    expect(fingerprints[1]).toBe(fingerprints[0]);
  });

  it('starts a DEF at its keyword, after the decorators', async () => {
    const helper = await node('DEF', 'helper', 'pkg/core.py');
    expect(helper['bstart']).toBe(BigInt(byteOf('pkg/core.py', 'def helper')));
    expect(helper['line']).toBe(7);
    expect(helper['col']).toBe(0);
    const run = await node('DEF', 'run', 'pkg/core.py');
    expect(run['bstart']).toBe(BigInt(byteOf('pkg/core.py', 'def run')));
    expect(run['col']).toBe(4);
  });

  it('spans a CALL from its callee to the closing parenthesis', async () => {
    const call = await node('CALL', 'osp.join', 'pkg/core.py');
    const start = byteOf('pkg/core.py', 'osp.join(');
    expect(call['bstart']).toBe(BigInt(start));
    expect(call['bend']).toBe(BigInt(start + 'osp.join(str(total), c)'.length));
  });

  it('spans an IMPORT over its alias, and a star import over the star', async () => {
    const aliased = await node('IMPORT', 'osp', 'pkg/core.py');
    const start = byteOf('pkg/core.py', 'os.path as osp');
    expect([aliased['bstart'], aliased['bend']]).toEqual([BigInt(start), BigInt(start + 'os.path as osp'.length)]);
    const star = await node('IMPORT', '*', 'pkg/core.py');
    const at = byteOf('pkg/core.py', '*\n');
    expect([star['bstart'], star['bend']]).toEqual([BigInt(at), BigInt(at + 1)]);
  });

  it('spans a PARAM and a REF over the identifier', async () => {
    const param = await node('PARAM', 'rest', 'pkg/core.py');
    const at = byteOf('pkg/core.py', 'rest');
    expect([param['bstart'], param['bend']]).toEqual([BigInt(at), BigInt(at + 4)]);
    const store_ = await node('REF', 'total', 'pkg/core.py').catch(() => undefined);
    expect(store_).toBeUndefined(); // two occurrences of total: one store, one load
    const refs = await store.query("SELECT bstart FROM cpg.nodes WHERE node_kind = 'REF' AND name = 'total' ORDER BY bstart");
    expect(refs.map((r) => r['bstart'])).toEqual([BigInt(byteOf('pkg/core.py', 'total =')), BigInt(byteOf('pkg/core.py', 'total),'))]);
  });

  it('reports the syntax error of broken.py as a DIAGNOSTIC node in that file', async () => {
    const rows = await store.query("SELECT count(*) AS n FROM cpg.nodes WHERE node_kind = 'DIAGNOSTIC' AND path = 'broken.py'");
    expect(rows[0]!['n']).toBeGreaterThan(0n);
  });
});

// Two packages importing each other's definitions by name, absolutely and relatively, to check the resolved edges exactly.
const packages: Record<string, string> = {
  'app/__init__.py': '',
  'app/main.py': [
    'from os import path',
    'from lib import tools',
    'from lib.tools import Base, build as make',
    'from .helpers import assist',
    'from . import helpers',
    'from .. import nothing',
    'from .sub import *',
    '',
    'def run():',
    '    return make() + assist() + tools.x + path',
    '',
    'def local():',
    '    from lib.tools import Base as Local',
    '    return Local',
    '',
    'def other():',
    '    return Local',
    '',
  ].join('\n'),
  'app/helpers.py': [
    'def assist():',
    '    return 1',
    '',
    '',
    '@property',
    'async def later():',
    '    pass',
    '',
    'def shadow(assist):',
    '    return assist()',
    '',
    'class Holder:',
    '    def assist(self):',
    '        return 2',
    '',
    '    def use(self):',
    '        return assist() + later()',
    '',
    'def outer():',
    '    def assist():',
    '        return 3',
    '',
    '    def inner():',
    '        return assist()',
    '',
    '    return inner()',
    'values = [assist() for _ in range(2)]',
    '',
  ].join('\n'),
  'app/sub/__init__.py': 'from ..helpers import assist\nfrom .leaf import Leaf\n',
  'app/sub/leaf.py': 'class Leaf:\n    pass\n',
  'lib/__init__.py': '',
  'lib/tools.py': 'class Base:\n    def build(self):\n        return 0\n\n\ndef build():\n    return Base()\n',
  'lib/shapes.py': [
    'from lib.tools import Base',
    '',
    'class Shape(Base):',
    '    pass',
    '',
    '@dataclass',
    'class Square(Shape, metaclass=Shape):',
    '    pass',
    '',
    'def factory(Shape):',
    '    class Local(Shape):',
    '        pass',
    '    return Local',
    '',
    'class Odd(build, Missing, Square.inner):',
    '    pass',
    '',
    'def build():',
    '    pass',
    '',
  ].join('\n'),
};

describe('the python CPG resolves names across a multi-package repository', () => {
  let built: BuiltSources;
  let store: Store;

  beforeAll(async () => {
    built = await buildSources('anatomy-cpg-resolution-', packages);
    store = built.store;
  }, 120_000);

  afterAll(async () => {
    await built?.dispose();
  });

  /** Every edge of a kind leaving nodes of one file, as `src name → DST_KIND:dst name@dst path:dst line`. */
  const edgesFrom = async (kind: string, path: string): Promise<string[]> =>
    (
      await store.query(
        `SELECT s.name || ' → ' || d.node_kind || ':' || d.name || '@' || d.path || ':' || d.line AS edge FROM cpg.edges e
         JOIN cpg.nodes s ON s.node_id = e.src_node_id JOIN cpg.nodes d ON d.node_id = e.dst_node_id
         WHERE e.edge_kind = ? AND s.path = ? ORDER BY s.bstart, edge`,
        [kind, path],
      )
    ).map((r) => r['edge'] as string);

  it('resolves `from m import x` to the definition x of module m, else to the submodule m.x, absolute and relative', async () => {
    expect(await edgesFrom('IMPORTS', 'app/main.py')).toEqual([
      'tools → MODULE:lib.tools@lib/tools.py:1',
      'Base → DEF:Base@lib/tools.py:1',
      'make → DEF:build@lib/tools.py:6',
      'assist → DEF:assist@app/helpers.py:1',
      'helpers → MODULE:app.helpers@app/helpers.py:1',
      '* → MODULE:app.sub@app/sub/__init__.py:1',
      'Local → DEF:Base@lib/tools.py:1',
    ]);
  });

  it('resolves relative imports of a package `__init__.py` against that package', async () => {
    expect(await edgesFrom('IMPORTS', 'app/sub/__init__.py')).toEqual(['assist → DEF:assist@app/helpers.py:1', 'Leaf → DEF:Leaf@app/sub/leaf.py:1']);
  });

  it('links the binding a def or class statement creates, in its enclosing scope, to that definition', async () => {
    expect(await edgesFrom('BINDS_DEF', 'lib/tools.py')).toEqual(['Base → DEF:Base@lib/tools.py:1', 'build → DEF:build@lib/tools.py:2', 'build → DEF:build@lib/tools.py:6']);
    const scopes = await store.query(
      `SELECT s.name AS scope, d.line FROM cpg.edges e JOIN cpg.nodes d ON d.node_id = e.dst_node_id
       JOIN cpg.edges de ON de.edge_kind = 'DECLARES' AND de.dst_node_id = e.src_node_id JOIN cpg.nodes s ON s.node_id = de.src_node_id
       WHERE e.edge_kind = 'BINDS_DEF' AND d.name = 'build' AND d.path = 'lib/tools.py' ORDER BY d.line`,
    );
    expect(scopes.map((r) => [r['scope'], r['line']])).toEqual([
      ['Base', 2],
      ['top', 6],
    ]);
    const [all] = await store.query(
      `SELECT count(*) AS n, count(DISTINCT e.dst_node_id) AS defs, (SELECT count(*) FROM cpg.nodes WHERE node_kind = 'DEF') AS total
       FROM cpg.edges e WHERE e.edge_kind = 'BINDS_DEF'`,
    );
    expect([all!['n'], all!['defs']]).toEqual([all!['total'], all!['total']]); // every definition, decorated or async too, once
    expect(await edgesFrom('BINDS_DEF', 'app/helpers.py')).toEqual([
      'Holder → DEF:Holder@app/helpers.py:12',
      'assist → DEF:assist@app/helpers.py:1',
      'assist → DEF:assist@app/helpers.py:13',
      'assist → DEF:assist@app/helpers.py:20',
      'inner → DEF:inner@app/helpers.py:23',
      'later → DEF:later@app/helpers.py:6',
      'outer → DEF:outer@app/helpers.py:19',
      'shadow → DEF:shadow@app/helpers.py:9',
      'use → DEF:use@app/helpers.py:16',
    ]);
  });

  it('resolves a plain-name call to the definition its scope binds the name to', async () => {
    // Not resolved: a parameter (line 10) is no definition. Resolved: a method calling a top-level function despite a
    // same-named method (class scopes are not visible, 17), a name free in a closure to its enclosing function's local
    // definition (24), a local definition (26), and a comprehension at the top of the module (27).
    expect(await edgesFrom('CALLS', 'app/helpers.py')).toEqual([
      'assist → DEF:assist@app/helpers.py:1',
      'later → DEF:later@app/helpers.py:6',
      'assist → DEF:assist@app/helpers.py:20',
      'inner → DEF:inner@app/helpers.py:23',
      'assist → DEF:assist@app/helpers.py:1',
    ]);
    const lines = await store.query(
      `SELECT c.line FROM cpg.edges e JOIN cpg.nodes c ON c.node_id = e.src_node_id WHERE e.edge_kind = 'CALLS' AND c.path = 'app/helpers.py' ORDER BY c.bstart`,
    );
    expect(lines.map((r) => r['line'])).toEqual([17, 17, 24, 26, 27]);
    expect(await edgesFrom('CALLS', 'lib/tools.py')).toEqual(['Base → DEF:Base@lib/tools.py:1']);
  });

  it('resolves a loaded name to the parameter or definition that binds it, in its own scope or an enclosing one', async () => {
    expect(await edgesFrom('RESOLVES_TO', 'app/helpers.py')).toEqual([
      'assist → PARAM:assist@app/helpers.py:9',
      'assist → DEF:assist@app/helpers.py:1',
      'later → DEF:later@app/helpers.py:6',
      'assist → DEF:assist@app/helpers.py:20',
      'inner → DEF:inner@app/helpers.py:23',
      'assist → DEF:assist@app/helpers.py:1',
    ]);
    const lines = await store.query(
      `SELECT r.line FROM cpg.edges e JOIN cpg.nodes r ON r.node_id = e.src_node_id WHERE e.edge_kind = 'RESOLVES_TO' AND r.path = 'app/helpers.py' ORDER BY r.bstart`,
    );
    expect(lines.map((r) => r['line'])).toEqual([10, 17, 17, 24, 26, 27]);
    expect(await edgesFrom('RESOLVES_TO', 'lib/tools.py')).toEqual(['Base → DEF:Base@lib/tools.py:1']);
    const [kinds] = await store.query(
      `SELECT count(*) FILTER (WHERE s.node_kind <> 'REF' OR d.node_kind NOT IN ('DEF', 'IMPORT', 'PARAM', 'REF')) AS wrong FROM cpg.edges e
       JOIN cpg.nodes s ON s.node_id = e.src_node_id JOIN cpg.nodes d ON d.node_id = e.dst_node_id WHERE e.edge_kind = 'RESOLVES_TO'`,
    );
    expect(kinds!['wrong']).toBe(0n);
  });

  it('resolves a loaded name to the import binding it in the scope that binds it', async () => {
    // Local in local() is bound by the import inside it; in other() it is global, and the module binds no Local: no edge.
    expect(await edgesFrom('RESOLVES_TO', 'app/main.py')).toEqual([
      'make → IMPORT:make@app/main.py:3',
      'assist → IMPORT:assist@app/main.py:4',
      'tools → IMPORT:tools@app/main.py:2',
      'path → IMPORT:path@app/main.py:1',
      'Local → IMPORT:Local@app/main.py:13',
    ]);
  });

  it('links a class to the classes its base names denote, in its module or through an import', async () => {
    // Not linked: a class nested in a function whose base is a parameter, a function, an undefined name, an attribute,
    // or a metaclass.
    expect(await edgesFrom('INHERITS_FROM', 'lib/shapes.py')).toEqual(['Shape → DEF:Base@lib/tools.py:1', 'Square → DEF:Shape@lib/shapes.py:3']);
  });

  it('resolves a call of a name imported at the top of the module to the imported definition, with less confidence', async () => {
    expect(await edgesFrom('CALLS', 'app/main.py')).toEqual(['make → DEF:build@lib/tools.py:6', 'assist → DEF:assist@app/helpers.py:1']);
    const rows = await store.query(
      `SELECT c.path, e.rule, e.confidence FROM cpg.edges e JOIN cpg.nodes c ON c.node_id = e.src_node_id
       WHERE e.edge_kind = 'CALLS' AND c.path IN ('app/main.py', 'app/helpers.py') GROUP BY ALL ORDER BY c.path`,
    );
    expect(rows.map((r) => r['path'])).toEqual(['app/helpers.py', 'app/main.py']);
    expect(rows[0]!['rule']).not.toBe(rows[1]!['rule']);
    expect(rows[0]!['confidence'] as number).toBeGreaterThan(rows[1]!['confidence'] as number); // same module over an import
  });

  it('gives an import of a definition under its own name more confidence than one under an alias', async () => {
    const rows = await store.query(
      `SELECT s.name, e.rule, e.confidence FROM cpg.edges e JOIN cpg.nodes s ON s.node_id = e.src_node_id
       WHERE e.edge_kind = 'IMPORTS' AND s.name IN ('Base', 'make') AND s.path = 'app/main.py' ORDER BY s.name`,
    );
    expect(rows.map((r) => r['name'])).toEqual(['Base', 'make']);
    expect(rows[0]!['rule']).toBe(rows[1]!['rule']);
    expect(rows[0]!['confidence'] as number).toBeGreaterThan(rows[1]!['confidence'] as number);
  });
});
