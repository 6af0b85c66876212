import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readSource } from './read-source.js';
import { RepoScanError } from './repo-scan-error.js';
import { scanRepository } from './scan-repository.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** Builds a temporary directory from an inline tree of file contents. */
function createFileTree(spec: Readonly<Record<string, string>>): string {
  const root = mkdtempSync(join(tmpdir(), 'read-source-'));
  roots.push(root);
  for (const [path, content] of Object.entries(spec)) writeFileSync(join(root, path), content);
  return root;
}

describe('readSource', () => {
  it('returns the bytes the scan hashed', async () => {
    const root = createFileTree({ 'é.py': 'x = "é"\n' });
    const scan = await scanRepository({ root });
    const bytes = await readSource(scan.root, scan.files[0]!);
    expect(bytes.toString('utf8')).toBe('x = "é"\n');
  });

  it('refuses a file edited since the scan, even at the same size', async () => {
    const root = createFileTree({ 'a.py': 'x = 1\n' });
    const scan = await scanRepository({ root });
    writeFileSync(join(root, 'a.py'), 'x = 2\n');
    const error = await readSource(scan.root, scan.files[0]!).catch((e: unknown) => e);
    expect(RepoScanError.is(error, 'ContentChanged')).toBe(true);
  });

  it('reports a deleted file and a path that would leave the root', async () => {
    const root = createFileTree({ 'a.py': '' });
    const scan = await scanRepository({ root });
    unlinkSync(join(root, 'a.py'));
    expect(RepoScanError.is(await readSource(scan.root, scan.files[0]!).catch((e: unknown) => e), 'Unreadable')).toBe(true);
    const escape = { ...scan.files[0]!, path: '../etc/passwd' };
    expect(RepoScanError.is(await readSource(scan.root, escape).catch((e: unknown) => e), 'PathOutsideRoot')).toBe(true);
  });
});
