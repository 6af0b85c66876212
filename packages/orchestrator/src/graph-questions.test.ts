import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCpg } from './build-cpg.js';
import { ExitCode } from './exit-code.js';
import { askCpg } from './graph-questions.js';
import { silentProgress } from './progress-reporter.js';
import { runCliInProcess } from './run-cli-in-process.test-support.js';

let root = '';
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'anatomy-questions-'));
  const files: Record<string, string> = {
    'pkg/__init__.py': '',
    'pkg/util.py': 'def helper():\n    return 1\n\n\ndef twice():\n    return helper() + helper()\n',
    'pkg/app.py': 'from pkg.util import twice\n\n\ndef run():\n    return twice()\n\n\ndef idle():\n    return None\n',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  await buildCpg({ root }, silentProgress());
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cli = runCliInProcess;

describe('typed graph questions', () => {
  it('finds definitions by plain, qualified and full name', async () => {
    const answer = await askCpg(root, { kind: 'defs', name: 'twice' });
    expect(answer.rows).toEqual([expect.objectContaining({ name: 'pkg.util.twice', kind: 'function', location: 'pkg/util.py:5', col: 0 })]);
    expect((await askCpg(root, { kind: 'defs', name: 'pkg.util.twice' })).rows).toEqual(answer.rows);
  });

  it('follows callers transitively, each at its smallest depth, with the calls that link it', async () => {
    const direct = await askCpg(root, { kind: 'callers', definition: 'helper', depth: 1 });
    expect(direct.subject).toBe('pkg.util.helper (pkg/util.py:1)');
    expect(direct.rows).toEqual([{ depth: 1, name: 'pkg.util.twice', kind: 'function', location: 'pkg/util.py:5', calls: 'pkg/util.py:6:11 pkg/util.py:6:22' }]);
    const deep = await askCpg(root, { kind: 'callers', definition: 'helper', depth: 2 });
    expect(deep.rows.map((r) => [r['depth'], r['name']])).toEqual([
      [1, 'pkg.util.twice'],
      [2, 'pkg.app.run'],
    ]);
  });

  it('answers callees, imports, importers and call paths', async () => {
    expect((await askCpg(root, { kind: 'callees', definition: 'run', depth: 2 })).rows.map((r) => [r['depth'], r['name']])).toEqual([
      [1, 'pkg.util.twice'],
      [2, 'pkg.util.helper'],
    ]);
    expect((await askCpg(root, { kind: 'imports', module: 'pkg.app' })).rows).toEqual([{ module: 'pkg.util', path: 'pkg/util.py', imports: 'pkg/app.py:1:21' }]);
    expect((await askCpg(root, { kind: 'importers', module: 'pkg.util' })).rows.map((r) => r['module'])).toEqual(['pkg.app']);
    const path = await askCpg(root, { kind: 'path', from: 'run', to: 'helper' });
    expect(path.found).toBe(true);
    expect(path.rows.map((r) => r['name'])).toEqual(['pkg.app.run', 'pkg.util.twice', 'pkg.util.helper']);
    expect((await askCpg(root, { kind: 'path', from: 'idle', to: 'helper' })).found).toBe(false);
  });

  it('prints every format and exits 0 with results through the CLI', async () => {
    const json = await cli('callers', root, 'helper', '--depth', '2', '--format', 'json');
    expect(json.code).toBe(ExitCode.Ok);
    expect((JSON.parse(json.stdout) as { name: string }[]).map((r) => r.name)).toEqual(['pkg.util.twice', 'pkg.app.run']);
    const csv = await cli('defs', root, 'run', '--format', 'csv');
    expect(csv.stdout.split('\n')[0]).toBe('name,kind,location,col,node_id');
    const table = await cli('refs', root, 'pkg.util.twice');
    expect(table.code).toBe(ExitCode.Ok);
    expect(table.stdout).toMatch(/^references to pkg\.util\.twice \(pkg\/util\.py:5\):\n/);
  });

  it('exits 1 naming close matches for an unknown name, and for a missing path', async () => {
    const unknown = await cli('callers', root, 'helpr');
    expect(unknown.code).toBe(ExitCode.Failed);
    expect(unknown.stderr).toContain('no definition named helpr; close matches: helper');
    const module = await cli('imports', root, 'pkg.utils');
    expect(module.code).toBe(ExitCode.Failed);
    expect(module.stderr).toContain('close matches: pkg.util');
    const none = await cli('path', root, 'idle', 'helper');
    expect(none.code).toBe(ExitCode.Failed);
    expect(none.stderr).toContain('no call path: pkg.app.idle');
    expect((await cli('callees', root, 'run', '--depth', 'x')).code).toBe(ExitCode.Usage);
  });
});
