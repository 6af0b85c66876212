import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readSource, readSourceSync } from './read-source.js';
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

  it('refuses a file replaced by a FIFO since the scan instead of waiting for a writer', async () => {
    const root = createFileTree({ 'a.py': 'x = 1\n' });
    const scan = await scanRepository({ root });
    unlinkSync(join(root, 'a.py'));
    execFileSync('mkfifo', [join(root, 'a.py')]);
    const error = await readSource(scan.root, scan.files[0]!).catch((e: unknown) => e);
    expect(RepoScanError.is(error, 'Unreadable')).toBe(true);
    expect((error as Error).message).toMatch(/a\.py: it is no longer a regular file/);
  });
});

describe('readSourceSync', () => {
  it('reads and checks on the calling thread, with the same errors', async () => {
    const root = createFileTree({ 'a.py': 'x = 1\n', 'b.py': 'y = 2\n' });
    const scan = await scanRepository({ root });
    const [a, b] = scan.files;
    expect(readSourceSync(scan.root, a!).toString('utf8')).toBe('x = 1\n');
    writeFileSync(join(root, 'b.py'), 'y = 3\n');
    expect(RepoScanError.is(catchSync(() => readSourceSync(scan.root, b!)), 'ContentChanged')).toBe(true);
    unlinkSync(join(root, 'a.py'));
    expect(RepoScanError.is(catchSync(() => readSourceSync(scan.root, a!)), 'Unreadable')).toBe(true);
    expect(RepoScanError.is(catchSync(() => readSourceSync(scan.root, { ...a!, path: '../etc/passwd' })), 'PathOutsideRoot')).toBe(true);
  });
});

/** What a call throws (undefined when it returns). */
function catchSync(call: () => unknown): unknown {
  try {
    call();
    return undefined;
  } catch (error) {
    return error;
  }
}
