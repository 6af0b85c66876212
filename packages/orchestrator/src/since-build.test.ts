import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, tableFingerprint } from '@anatomy/store';
import { afterEach, describe, expect, it } from 'vitest';
import { buildCpg } from './build-cpg.js';
import { silentProgress } from './progress-reporter.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function git(root: string, ...args: string[]): void {
  execFileSync('git', ['-C', root, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { stdio: 'ignore' });
}

async function fingerprint(storePath: string, table: string): Promise<string> {
  const store = await openStore({ path: storePath, readOnly: true });
  try {
    return await tableFingerprint(store, table);
  } finally {
    await store.close();
  }
}

describe('buildCpg with since', () => {
  it('reads only the files git reports changed, and still matches a full build', { timeout: 240_000 }, async () => {
    const root = mkdtempSync(join(tmpdir(), 'anatomy-since-'));
    dirs.push(root);
    mkdirSync(join(root, 'pkg'));
    writeFileSync(join(root, 'pkg', '__init__.py'), '');
    writeFileSync(join(root, 'pkg', 'base.py'), 'class Base:\n    pass\n\n\ndef helper():\n    return 1\n');
    writeFileSync(join(root, 'pkg', 'use.py'), 'from pkg.base import Base, helper\n\n\nclass Child(Base):\n    def run(self):\n        return helper()\n');
    writeFileSync(join(root, '.gitignore'), '.anatomy/\n');
    git(root, 'init', '-q');
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'initial');

    const first = await buildCpg({ root, since: 'HEAD', maintenance: 'off' }, silentProgress());
    expect(first.build).toMatchObject({ mode: 'full', since: { ref: 'HEAD', changedPaths: 0, filesRead: 3 } });

    writeFileSync(join(root, 'pkg', 'base.py'), 'class Base:\n    pass\n\n\ndef helper_renamed():\n    return 1\n');
    writeFileSync(join(root, 'pkg', 'extra.py'), 'from pkg.use import Child\n');
    const second = await buildCpg({ root, since: 'HEAD', maintenance: 'off' }, silentProgress());
    expect(second.build).toMatchObject({ mode: 'incremental', added: 1, changed: 1, deleted: 0, unchanged: 2, extracted: 2, since: { ref: 'HEAD', changedPaths: 2, filesRead: 2 } });

    const full = join(root, 'full.duckdb');
    await buildCpg({ root, storePath: full, maintenance: 'off' }, silentProgress());
    for (const table of ['cpg.nodes', 'cpg.edges', 'cpg.props', 'evidence.files']) {
      expect(await fingerprint(second.storePath, table), table).toBe(await fingerprint(full, table));
    }
  });
});
