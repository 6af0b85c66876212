import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stableId } from '@anatomy/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { CHUNK_BYTES } from './inspect-file.js';
import { lineIndex } from './line-index.js';
import { comparePaths } from './relative-path.js';
import { RepoScanError } from './repo-scan-error.js';
import { ScanResultSchema, scanRepository } from './scan-repository.js';
import type { ScanResult } from './scan-repository.js';
import type { FileRecord } from './file-record.js';
import type { FileStat } from './inspect-file.js';

/** A file's content, a symlink to create, or an empty directory. */
type TreeEntry = string | Uint8Array | { readonly symlink: string } | { readonly directory: true };

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) {
    execFileSync('chmod', ['-R', 'u+rwx', root]);
    rmSync(root, { recursive: true, force: true });
  }
});

/** Builds a temporary directory from an inline tree: keys are POSIX paths relative to the root. */
function createFileTree(spec: Readonly<Record<string, TreeEntry>>): string {
  const root = mkdtempSync(join(tmpdir(), 'repo-scan-'));
  roots.push(root);
  for (const [path, entry] of Object.entries(spec)) {
    const abs = join(root, ...path.split('/'));
    mkdirSync(dirname(abs), { recursive: true });
    if (typeof entry === 'string' || entry instanceof Uint8Array) writeFileSync(abs, entry);
    else if ('symlink' in entry) symlinkSync(entry.symlink, abs);
    else mkdirSync(abs, { recursive: true });
  }
  return root;
}

function paths(result: ScanResult): string[] {
  return result.files.map((f) => f.path);
}

function diagnosticsOf(result: ScanResult): [string, string][] {
  return result.diagnostics.map((d) => [d.path, d.code]);
}

const isRoot = process.getuid?.() === 0;

describe('scanRepository', () => {
  it('records id, size, hash, encoding and lines for every Python file, sorted by UTF-8 path', async () => {
    const content = 'def f():\r\n    return "é"\rprint(f())\n';
    const root = createFileTree({
      'pkg/__init__.py': '',
      'pkg/mod.py': content,
      'données/模块.py': 'x = 1\n',
      'emoji/🐍.py': 'y = 2',
      'emoji/\uff5e.py': 'z = 3',
      'README.md': '# not python\n',
      'setup.cfg': '[x]\n',
    });
    const result = await scanRepository({ root });
    expect(ScanResultSchema.parse(result)).toEqual(result);
    expect(Object.isFrozen(result.files)).toBe(true);
    // U+FF5E sorts before U+1F40D in UTF-8 byte order, though not in UTF-16 order.
    expect(paths(result)).toEqual(['données/模块.py', 'emoji/～.py', 'emoji/🐍.py', 'pkg/__init__.py', 'pkg/mod.py']);
    const mod = result.files.find((f) => f.path === 'pkg/mod.py')!;
    expect(mod).toEqual({
      file_id: stableId('file', 'pkg/mod.py'),
      path: 'pkg/mod.py',
      size: Buffer.byteLength(content),
      sha256: createHash('sha256').update(content).digest('hex'),
      encoding: 'utf-8',
      line_count: 3,
    });
    for (const f of result.files) expect(f.file_id).toBe(stableId('file', f.path));
    expect(result.files.find((f) => f.path === 'pkg/__init__.py')!.line_count).toBe(0);
    expect(result.files.find((f) => f.path === 'emoji/🐍.py')!.line_count).toBe(1);
    expect(result.diagnostics).toEqual([]);
  });

  it('reports its progress: every candidate file once, with the bytes read so far', async () => {
    const root = createFileTree({ 'a.py': 'x = 1\n', 'b.py': 'y = 22\n', 'c/d.py': '', 'notes.txt': 'not python\n' });
    const seen: [number, number, number][] = [];
    const result = await scanRepository({ root }, undefined, (done, total, bytes) => seen.push([done, total, bytes]));
    expect(seen[0]).toEqual([0, 3, 0]);
    expect(seen.map(([done]) => done)).toEqual([0, 1, 2, 3]);
    expect(seen.every(([, total]) => total === 3)).toBe(true);
    expect(seen.at(-1)?.[2]).toBe(result.files.reduce((sum, f) => sum + f.size, 0));
  });

  it('skips .git, .anatomy, node_modules, __pycache__ and virtual environments, but keeps dotfiles', async () => {
    const root = createFileTree({
      'a.py': '',
      '.git/hooks/pre.py': '',
      '.anatomy/x.py': '',
      'node_modules/pkg/y.py': '',
      'sub/__pycache__/c.py': '',
      '.venv/pyvenv.cfg': 'home = /usr\n',
      '.venv/lib/site.py': '',
      'env2/pyvenv.cfg': '',
      'env2/bin/activate.py': '',
      'venv/not_a_venv.py': '',
      '.github/scripts/release.py': '',
    });
    expect(paths(await scanRepository({ root }))).toEqual(['.github/scripts/release.py', 'a.py', 'venv/not_a_venv.py']);
  });

  it('honours nested .gitignore files, negation and .git/info/exclude', async () => {
    const root = createFileTree({
      '.git/info/exclude': 'secret.py\n',
      // Matching is case-sensitive: 'upper.py' does not ignore 'Upper.py'.
      '.gitignore': '*.gen.py\n!keep.gen.py\nbuild/\n!build/rescued.py\n/top_only.py\nupper.py\n',
      'a.py': '',
      'x.gen.py': '',
      'keep.gen.py': '',
      'secret.py': '',
      'top_only.py': '',
      'build/rescued.py': '',
      'sub/top_only.py': '',
      'sub/.gitignore': 'local.py\n!important.gen.py\n/anchored.py\n',
      'sub/local.py': '',
      'sub/important.gen.py': '',
      'sub/other.gen.py': '',
      'sub/anchored.py': '',
      'sub/deeper/anchored.py': '',
      'sub/deeper/local.py': '',
      'other/local.py': '',
      'other/secret.py': '',
      'Upper.py': '',
      '.gitignore-is-not-a-dir/x.py': '',
    });
    expect(paths(await scanRepository({ root }))).toEqual([
      '.gitignore-is-not-a-dir/x.py',
      'Upper.py',
      'a.py',
      'keep.gen.py',
      'other/local.py',
      'sub/deeper/anchored.py',
      'sub/important.gen.py',
      'sub/top_only.py',
    ]);
  });

  it('ignores exactly the files git ignores', async () => {
    const root = createFileTree({
      '.gitignore': '# comment\n*.log.py\n!important.log.py\ndist/\n/root_only.py\ndocs/**/gen_*.py\n**/cache/\n\\#hash.py\n',
      'important.log.py': '',
      'x.log.py': '',
      'root_only.py': '',
      'pkg/root_only.py': '',
      'pkg/x.log.py': '',
      'pkg/.gitignore': '!x.log.py\n*.tmp.py\n',
      'pkg/a.tmp.py': '',
      'pkg/sub/b.tmp.py': '',
      'pkg/sub/.gitignore': '!b.tmp.py\n',
      'dist/out.py': '',
      'docs/a/gen_x.py': '',
      'docs/a/keep.py': '',
      'deep/cache/c.py': '',
      '#hash.py': '',
      'ünï/çödé.py': '',
      'space name.py': '',
    });
    const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
    execFileSync('git', ['init', '-q'], { cwd: root, env });
    writeFileSync(join(root, '.git', 'info', 'exclude'), 'pkg/sub/\n');
    const git = execFileSync('git', ['-c', 'core.quotePath=false', 'ls-files', '-z', '--others', '--exclude-standard'], { cwd: root, env })
      .toString()
      .split('\0')
      .filter((p) => p.endsWith('.py'));
    const scanned = paths(await scanRepository({ root }));
    expect(scanned).toEqual([...git].sort(comparePaths));
    expect(scanned).toEqual(['docs/a/keep.py', 'important.log.py', 'pkg/root_only.py', 'pkg/x.log.py', 'space name.py', 'ünï/çödé.py']);
  });

  it('applies include and exclude globs; an excluded directory is skipped whole', async () => {
    const root = createFileTree({
      'src/app.py': '',
      'src/types.pyi': '',
      'src/gen_models.py': '',
      'src/tests/test_app.py': '',
      'tests/test_top.py': '',
      'scripts/run.py': '',
    });
    const result = await scanRepository({ root, include: ['src/**/*.py', '**/*.pyi'], exclude: ['**/tests', 'src/gen_*.py'] });
    expect(paths(result)).toEqual(['src/app.py', 'src/types.pyi']);
  });

  it('reads a symlinked file once, under its own path when that is scanned', async () => {
    const root = createFileTree({
      'real.py': 'x = 1\n',
      'alias.py': { symlink: 'real.py' },
      'pkg/also.py': { symlink: '../real.py' },
      '.gitignore': 'vendor/\n',
      'vendor/lib.py': 'v = 1\n',
      'vendored.py': { symlink: 'vendor/lib.py' },
      'zlink.py': { symlink: 'vendor/lib.py' },
    });
    const result = await scanRepository({ root });
    expect(paths(result)).toEqual(['real.py', 'vendored.py']);
    expect(result.diagnostics).toEqual([]);
  });

  it('follows directory symlinks inside the root but never into a loop', async () => {
    const root = createFileTree({
      'src/pkg/mod.py': '',
      'src/pkg/up': { symlink: '..' },
      'src/pkg/self': { symlink: '.' },
      'alias': { symlink: 'src' },
      'a': { symlink: 'b' },
      'b': { symlink: 'a' },
      'ignored/.keep': '',
      'linked_in': { symlink: 'hidden' },
      'hidden/x.py': '',
      '.gitignore': 'hidden/\n',
    });
    const result = await scanRepository({ root });
    expect(paths(result)).toEqual(['linked_in/x.py', 'src/pkg/mod.py']);
    expect(diagnosticsOf(result)).toEqual([
      ['src/pkg/self', 'repo-scan/SymlinkLoop'],
      ['src/pkg/up', 'repo-scan/SymlinkLoop'],
    ]);
    expect(result.diagnostics.every((d) => d.file_id === null)).toBe(true);
  });

  it('does not follow symlinks out of the root', async () => {
    const outside = createFileTree({ 'evil.py': 'x = 1\n', 'lib/mod.py': '' });
    const root = createFileTree({
      'a.py': '',
      'evil.py': { symlink: join(outside, 'evil.py') },
      'ext': { symlink: join(outside, 'lib') },
      'notes.txt': { symlink: join(outside, 'evil.py') },
    });
    const result = await scanRepository({ root });
    expect(paths(result)).toEqual(['a.py']);
    expect(diagnosticsOf(result)).toEqual([
      ['evil.py', 'repo-scan/SymlinkOutsideRoot'],
      ['ext', 'repo-scan/SymlinkOutsideRoot'],
    ]);
  });

  it('detects byte order marks and coding cookies', async () => {
    const root = createFileTree({
      'bom.py': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('x = "é"\n')]),
      'latin.py': Buffer.concat([Buffer.from('# -*- coding: Latin-1 -*-\nx = "'), Buffer.from([0xe9, 0xff]), Buffer.from('"\n')]),
      'shebang.py': Buffer.concat([Buffer.from('#!/usr/bin/env python\n# vim: fileencoding=cp1252\ns = "'), Buffer.from([0x80]), Buffer.from('"\n')]),
      'late.py': Buffer.concat([Buffer.from('x = 1\n# coding: latin-1\ny = "'), Buffer.from([0xe9]), Buffer.from('"\n')]),
      'klingon.py': '# coding: klingon\n',
      'conflict.py': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('# coding: latin-1\n')]),
      'badcp.py': Buffer.concat([Buffer.from('# coding: cp1252\nx = "'), Buffer.from([0x81]), Buffer.from('"\n')]),
    });
    const result = await scanRepository({ root });
    expect(Object.fromEntries(result.files.map((f) => [f.path, f.encoding]))).toEqual({
      'badcp.py': 'cp1252',
      'bom.py': 'utf-8-sig',
      'conflict.py': 'utf-8-sig',
      'klingon.py': 'klingon',
      'late.py': 'utf-8',
      'latin.py': 'iso-8859-1',
      'shebang.py': 'cp1252',
    });
    expect(diagnosticsOf(result)).toEqual([
      ['badcp.py', 'repo-scan/UndecodableBytes'],
      ['conflict.py', 'repo-scan/EncodingConflict'],
      ['klingon.py', 'repo-scan/UnknownEncoding'],
      ['late.py', 'repo-scan/UndecodableBytes'],
    ]);
    expect(result.diagnostics.find((d) => d.path === 'late.py')!.message).toContain('at byte 29');
    expect(result.diagnostics.find((d) => d.path === 'badcp.py')!.message).toContain('at byte 22');
    for (const d of result.diagnostics) expect(d.file_id).toBe(stableId('file', d.path));
  });

  it('lists binary files and undecodable files with a diagnostic', async () => {
    const root = createFileTree({
      'blob.py': Buffer.from([0x78, 0x00, 0x79, 0x0a]),
      'broken.py': Buffer.from([0x61, 0x0a, 0xc3, 0x28, 0x0a]),
      'truncated.py': Buffer.from([0x61, 0xe2, 0x82]),
    });
    const result = await scanRepository({ root });
    expect(paths(result)).toEqual(['blob.py', 'broken.py', 'truncated.py']);
    expect(diagnosticsOf(result)).toEqual([
      ['blob.py', 'repo-scan/BinaryFile'],
      ['broken.py', 'repo-scan/UndecodableBytes'],
      ['truncated.py', 'repo-scan/UndecodableBytes'],
    ]);
    expect(result.diagnostics[0]!.message).toContain('byte 1');
    expect(result.diagnostics[1]!.message).toContain('byte 2');
    expect(result.diagnostics[2]!.message).toContain('byte 1');
  });

  it('reports files it cannot read instead of throwing, and leaves them out', async () => {
    const root = createFileTree({
      'ok.py': '',
      'dangling.py': { symlink: 'missing.py' },
      'loop.py': { symlink: 'loop.py' },
      'dangling.txt': { symlink: 'missing.txt' },
    });
    const result = await scanRepository({ root });
    expect(paths(result)).toEqual(['ok.py']);
    expect(diagnosticsOf(result)).toEqual([
      ['dangling.py', 'repo-scan/Unreadable'],
      ['loop.py', 'repo-scan/Unreadable'],
    ]);
    expect(result.diagnostics.every((d) => d.file_id === null)).toBe(true);
  });

  it.skipIf(isRoot)('reports a file and a directory without read permission (needs a non-root user)', async () => {
    const root = createFileTree({ 'ok.py': '', 'locked.py': 'x = 1\n', 'closed/inner.py': '' });
    chmodSync(join(root, 'locked.py'), 0o000);
    chmodSync(join(root, 'closed'), 0o000);
    const result = await scanRepository({ root });
    expect(paths(result)).toEqual(['ok.py']);
    expect(diagnosticsOf(result)).toEqual([
      ['closed', 'repo-scan/Unreadable'],
      ['locked.py', 'repo-scan/Unreadable'],
    ]);
  });

  it('skips FIFOs and other special files without blocking', async () => {
    const root = createFileTree({ 'ok.py': '' });
    execFileSync('mkfifo', [join(root, 'pipe.py')]);
    expect(paths(await scanRepository({ root }))).toEqual(['ok.py']);
  });

  it('streams large files: hash, size and lines agree with the whole bytes', async () => {
    // Place a \r\n exactly across the first chunk boundary.
    const head = Buffer.alloc(CHUNK_BYTES - 1, 0x61);
    const bytes = Buffer.concat([head, Buffer.from('\r\n'), Buffer.from('é\r'.repeat(50_000)), Buffer.from('tail')]);
    const root = createFileTree({ 'big.py': bytes });
    const [file] = (await scanRepository({ root })).files;
    expect(file).toMatchObject({
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      line_count: lineIndex(bytes).length,
    });
    expect(file!.line_count).toBe(50_002);
  });

  it('rejects invalid options listing every problem, and a missing root', async () => {
    const error = await scanRepository({ root: '', include: [], exclude: ['/abs/*.py'], extra: 1 } as never).catch((e: unknown) => e);
    expect(RepoScanError.is(error, 'InvalidOptions')).toBe(true);
    const issues = (error as { details: { issues: { path: string }[] } }).details.issues.map((i) => i.path);
    expect(issues).toEqual(expect.arrayContaining(['root', 'include', 'exclude.0', '(root)']));
    const missing = await scanRepository({ root: join(tmpdir(), 'does-not-exist-repo-scan') }).catch((e: unknown) => e);
    expect(RepoScanError.is(missing, 'RootNotFound')).toBe(true);
    const file = createFileTree({ 'f.py': '' });
    const notDir = await scanRepository({ root: join(file, 'f.py') }).catch((e: unknown) => e);
    expect(RepoScanError.is(notDir, 'RootNotDirectory')).toBe(true);
  });
});

describe('scanRepository with reuse', () => {
  it('takes the given records and problems of reused paths without reading them, and reads every other file', async () => {
    const root = createFileTree({ 'a.py': 'x = 1\n', 'b.py': 'y = 2\n' });
    const fresh = await scanRepository({ root });
    const a = fresh.files.find((f) => f.path === 'a.py');
    if (a === undefined) throw new Error('a.py was not scanned');
    // A stale record stands in for a.py: the scan must not notice, since it was told not to read it.
    const stale = { ...a, sha256: '0'.repeat(64), size: 99 };
    writeFileSync(join(root, 'b.py'), 'y = 3\n');
    const reused = await scanRepository(
      { root },
      { files: new Map([['a.py', { record: stale, problems: [{ code: 'repo-scan/UnknownEncoding', message: 'kept from the earlier scan' }] }], ['gone.py', { record: stale, problems: [] }]]) },
    );
    expect(reused.files.map((f) => f.path)).toEqual(['a.py', 'b.py']);
    expect(reused.files[0]).toEqual(stale);
    expect(reused.files[1]?.sha256).toBe(createHash('sha256').update('y = 3\n').digest('hex'));
    expect(reused.diagnostics).toEqual([{ path: 'a.py', file_id: a.file_id, code: 'repo-scan/UnknownEncoding', message: 'kept from the earlier scan' }]);
  });

  it('takes a record given with a stat only while the file still has that stat, and keeps no stat of a file modified just now', async () => {
    const root = createFileTree({ 'a.py': 'x = 1\n', 'b.py': 'y = 2\n', 'c.py': 'z = 3\n' });
    // Files written three seconds ago are settled; one written now is not.
    const past = new Date(Date.now() - 3000);
    for (const name of ['a.py', 'b.py', 'c.py']) utimesSync(join(root, name), past, past);
    const fresh = await scanRepository({ root });
    expect(fresh.read).toBe(3);
    expect([...fresh.stats.keys()]).toEqual(['a.py', 'b.py', 'c.py']);
    expect(fresh.stats.get('a.py')?.size).toBe(6);
    const records = new Map(fresh.files.map((f) => [f.path, f]));
    // Stale records stand in for every file, each under the stat the fresh scan saw.
    const stale = (path: string): FileRecord => ({ ...(records.get(path) as FileRecord), sha256: '0'.repeat(64) });
    const reuse = { files: new Map(['a.py', 'b.py', 'c.py'].map((path) => [path, { record: stale(path), problems: [], stat: fresh.stats.get(path) as FileStat }])) };
    // b.py gets other contents of the same size and the same modification time: its change time still tells.
    writeFileSync(join(root, 'b.py'), 'y = 4\n');
    utimesSync(join(root, 'b.py'), past, past);
    // c.py is rewritten now.
    writeFileSync(join(root, 'c.py'), 'z = 5\n');
    const again = await scanRepository({ root }, reuse);
    expect(again.read).toBe(2);
    expect(again.files[0]).toEqual(stale('a.py'));
    expect(again.files[1]?.sha256).toBe(createHash('sha256').update('y = 4\n').digest('hex'));
    expect(again.files[2]?.sha256).toBe(createHash('sha256').update('z = 5\n').digest('hex'));
    // c.py was modified within two seconds of this scan: its stat is not kept, so the next scan reads it.
    expect([...again.stats.keys()]).toEqual(['a.py', 'b.py']);
  });
});
