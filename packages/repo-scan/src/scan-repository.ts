import type { Dirent, Stats } from 'node:fs';
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { formatIssues, validate } from '@anatomy/contracts';
import picomatch from 'picomatch';
import { z } from 'zod';
import { fileIdForPath } from './file-id.js';
import { FileRecordSchema } from './file-record.js';
import type { FileRecord } from './file-record.js';
import { IgnoreRules } from './ignore-rules.js';
import { CHUNK_BYTES, fileStatOf, inspectFile, sameFileStat } from './inspect-file.js';
import type { FileStat } from './inspect-file.js';
import { comparePaths } from './relative-path.js';
import { RepoScanError } from './repo-scan-error.js';
import { ScanDiagnosticSchema } from './scan-diagnostic.js';
import type { ScanDiagnostic, ScanDiagnosticCode } from './scan-diagnostic.js';
import { DEFAULT_INCLUDE, ScanOptionsSchema } from './scan-options.js';
import type { ScanOptions } from './scan-options.js';

const FileStatSchema = z.object({ size: z.number().int().nonnegative(), mtimeNs: z.bigint(), ctimeNs: z.bigint(), ino: z.bigint() }).readonly();

/** The files of a repository and the problems met while finding and reading them. */
export const ScanResultSchema = z.object({
  /** Absolute path of the scanned root, as given (resolved, symlinks kept). */
  root: z.string().min(1),
  /** One record per file, sorted by path in UTF-8 byte order. */
  files: z.array(FileRecordSchema).readonly(),
  /** Sorted by path, then code. */
  diagnostics: z.array(ScanDiagnosticSchema).readonly(),
  /**
   * The stat of each listed file, by path, under which its record holds: a
   * later scan may reuse the record while the stat is unchanged (see
   * {@link ScanReuse}). Files modified within two seconds of the scan's
   * start, or while being read, are left out.
   */
  stats: z.map(z.string(), FileStatSchema).readonly(),
  /** How many files were read and hashed; the others' records were reused. */
  read: z.number().int().nonnegative(),
}).readonly();
export type ScanResult = z.infer<typeof ScanResultSchema>;

/** Directory names never entered, wherever they appear. */
const SKIPPED_NAMES = new Set(['.git', '.anatomy', 'node_modules', '__pycache__']);
/**
 * A file modified this close to the start of a scan (or after it) may have
 * been written again within the file system's timestamp granularity without
 * its stat changing: its stat is not recorded, so it is read next time.
 */
const RACY_NS = 2_000_000_000n;

/** Files inspected at once; each holds one read buffer. */
const CONCURRENCY = 8;

interface Directory {
  readonly rel: string;
  readonly abs: string;
  /** Real path, used to detect loops and duplicates. */
  readonly real: string;
  readonly rules: IgnoreRules;
}

/** A file to inspect, reached directly or through a symlink. */
interface Candidate {
  readonly rel: string;
  readonly abs: string;
  readonly viaLink: boolean;
}

/** A symlinked directory, followed only after every real directory was walked. */
interface LinkedDirectory extends Directory {
  /** Real path of the directory holding the link. */
  readonly parentReal: string;
}

function childPath(parent: string, name: string): string {
  return parent === '' ? name : `${parent}/${name}`;
}

function isInside(real: string, rootReal: string): boolean {
  return real === rootReal || real.startsWith(rootReal.endsWith(sep) ? rootReal : rootReal + sep);
}

function errorText(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code === undefined ? String(e.message ?? e) : `${e.code}: ${e.message}`;
}

/** Walks the tree, applying skips, ignore files and globs, and gathers candidate files. */
class RepositoryWalk {
  readonly diagnostics: ScanDiagnostic[] = [];
  /** Candidate per real path: a file reachable several ways is read once. */
  readonly candidates = new Map<string, Candidate>();
  readonly #visited = new Set<string>();
  readonly #linked: LinkedDirectory[] = [];
  readonly #include: (path: string) => boolean;
  readonly #exclude: (path: string) => boolean;

  constructor(
    readonly rootReal: string,
    include: readonly string[],
    exclude: readonly string[],
  ) {
    this.#include = picomatch([...include], { dot: true });
    this.#exclude = exclude.length === 0 ? () => false : picomatch([...exclude], { dot: true });
  }

  diagnose(path: string, code: ScanDiagnosticCode, message: string): void {
    this.diagnostics.push(Object.freeze({ path, file_id: null, code, message }));
  }

  wanted(rel: string): boolean {
    return this.#include(rel) && !this.#exclude(rel);
  }

  async run(root: Directory): Promise<void> {
    const pending: Directory[] = [root];
    this.#visited.add(root.real);
    for (;;) {
      const dir = pending.pop();
      if (dir !== undefined) {
        await this.#walkDirectory(dir, pending);
        continue;
      }
      // Real directories first, so that a file's own path wins over a link to it.
      this.#linked.sort((a, b) => comparePaths(b.rel, a.rel));
      const link = this.#linked.pop();
      if (link === undefined) return;
      if (this.#visited.has(link.real)) {
        if (link.parentReal === link.real || isInside(link.parentReal, link.real)) {
          this.diagnose(link.rel, 'repo-scan/SymlinkLoop', `the symlink leads back to its own ancestor ${link.real}; not followed`);
        }
        continue;
      }
      this.#visited.add(link.real);
      pending.push(link);
    }
  }

  async #walkDirectory(dir: Directory, pending: Directory[]): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await readdir(dir.abs, { withFileTypes: true });
    } catch (error) {
      if (dir.rel === '') {
        throw RepoScanError.create('Unreadable', `cannot list the repository root ${dir.abs}: ${errorText(error)}`, {
          cause: error,
          hint: 'check the permissions of the root directory',
        });
      }
      this.diagnose(dir.rel, 'repo-scan/Unreadable', `cannot list the directory: ${errorText(error)}`);
      return;
    }
    // A virtual environment holds installed packages, not the repository's code.
    if (dir.rel !== '' && entries.some((e) => e.name === 'pyvenv.cfg' && !e.isDirectory())) return;
    let rules = dir.rules;
    if (entries.some((e) => e.name === '.gitignore' && !e.isDirectory())) {
      const gitignore = childPath(dir.rel, '.gitignore');
      try {
        rules = rules.with(dir.rel, await readFile(join(dir.abs, '.gitignore'), 'utf8'));
      } catch (error) {
        this.diagnose(gitignore, 'repo-scan/Unreadable', `cannot read the ignore file, so its patterns are not applied: ${errorText(error)}`);
      }
    }
    for (const entry of entries) {
      if (SKIPPED_NAMES.has(entry.name)) continue;
      const rel = childPath(dir.rel, entry.name);
      const abs = join(dir.abs, entry.name);
      const real = join(dir.real, entry.name);
      if (entry.isDirectory()) {
        if (rules.ignores(rel, true) || this.#exclude(rel) || this.#visited.has(real)) continue;
        this.#visited.add(real);
        pending.push({ rel, abs, real, rules });
      } else if (entry.isFile()) {
        if (!rules.ignores(rel, false) && this.wanted(rel)) this.#addCandidate(real, { rel, abs, viaLink: false });
      } else if (entry.isSymbolicLink()) {
        await this.#visitLink(dir, rules, rel, abs);
      }
      // Sockets, FIFOs and devices are not source files; opening a FIFO would block.
    }
  }

  async #visitLink(dir: Directory, rules: IgnoreRules, rel: string, abs: string): Promise<void> {
    let target: Stats;
    let real: string;
    try {
      target = await stat(abs);
      real = await realpath(abs);
    } catch (error) {
      if (!rules.ignores(rel, false) && this.wanted(rel)) {
        this.diagnose(rel, 'repo-scan/Unreadable', `the symlink cannot be followed: ${errorText(error)}`);
      }
      return;
    }
    const isDirectory = target.isDirectory();
    if (rules.ignores(rel, isDirectory)) return;
    if (isDirectory ? this.#exclude(rel) : !this.wanted(rel)) return;
    if (!target.isFile() && !isDirectory) return;
    if (!isInside(real, this.rootReal)) {
      this.diagnose(rel, 'repo-scan/SymlinkOutsideRoot', `the symlink points outside the repository (${real}); not followed`);
      return;
    }
    if (isDirectory) this.#linked.push({ rel, abs, real, rules, parentReal: dir.real });
    else this.#addCandidate(real, { rel, abs, viaLink: true });
  }

  #addCandidate(real: string, candidate: Candidate): void {
    const known = this.candidates.get(real);
    const better =
      known === undefined ||
      (known.viaLink && !candidate.viaLink) ||
      (known.viaLink === candidate.viaLink && comparePaths(candidate.rel, known.rel) < 0);
    if (better) this.candidates.set(real, candidate);
  }
}

async function rootDirectory(root: string): Promise<string> {
  let stats: Stats;
  try {
    stats = await stat(root);
  } catch (error) {
    throw RepoScanError.create('RootNotFound', `cannot scan ${root}: ${errorText(error)}`, {
      cause: error,
      hint: 'pass the path of an existing repository directory',
    });
  }
  if (!stats.isDirectory()) {
    throw RepoScanError.create('RootNotDirectory', `cannot scan ${root}: it is not a directory`, {
      hint: 'pass the repository directory, not a file inside it',
    });
  }
  return realpath(root);
}

async function rootRules(root: string): Promise<IgnoreRules> {
  try {
    return IgnoreRules.none.with('', await readFile(join(root, '.git', 'info', 'exclude'), 'utf8'));
  } catch {
    // No repository, a worktree whose .git is a file, or no exclude file: nothing to apply.
    return IgnoreRules.none;
  }
}

/** Runs `work` over `items` with at most `limit` in flight, keeping result order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T, slot: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (slot: number): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T, slot);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, (_, slot) => worker(slot)));
  return results;
}

function byPathThenCode(a: ScanDiagnostic, b: ScanDiagnostic): number {
  return comparePaths(a.path, b.path) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}

/**
 * What a scan may take from an earlier scan instead of reading the file
 * again: the file's record and the problems its inspection reported, by
 * repository-relative path. Without `stat`, the caller vouches that the file
 * did not change (e.g. git says so); with it, the record is taken only when
 * the file's stat now is that one (same size, times and inode), as `git
 * status` trusts its index. A reused path that the walk no longer finds is
 * simply not listed.
 */
export interface ScanReuse {
  readonly files: ReadonlyMap<
    string,
    { readonly record: FileRecord; readonly problems: readonly { readonly code: ScanDiagnosticCode; readonly message: string }[]; readonly stat?: FileStat }
  >;
}

/**
 * Finds a repository's source files and records each one's id, size,
 * SHA-256, encoding and line count. The walk skips `.git`, `.anatomy`,
 * `node_modules`, `__pycache__` and virtual environments (directories holding
 * `pyvenv.cfg`), honours `.gitignore` files at every level and
 * `.git/info/exclude`, and applies the include/exclude globs (matched against
 * repository-relative paths, dotfiles included). Symlinks are followed only
 * inside the root and never into a loop; a file reachable several ways is
 * listed once, under its own path when that is scanned. Files are read one
 * chunk at a time and their contents are not kept.
 *
 * Per-file problems never throw: they become diagnostics, and a file that
 * could be read stays listed. Invalid options and a missing root throw
 * `repo-scan/InvalidOptions`, `repo-scan/RootNotFound`,
 * `repo-scan/RootNotDirectory` or (root not listable) `repo-scan/Unreadable`.
 *
 * With `reuse`, the files it lists are walked but not read: their records
 * and problems are taken as given (how `anatomy build --since` avoids
 * hashing files git reports unchanged).
 *
 * `onProgress`, when given, is called as files are inspected: `done` of
 * `total` candidate files, and the bytes read so far.
 *
 * @example
 * const { files, diagnostics } = await scanRepository({ root: '.', exclude: ['**\/tests'] });
 * for (const f of files) console.log(f.path, f.sha256, f.encoding, f.line_count);
 */
export async function scanRepository(
  options: ScanOptions,
  reuse?: ScanReuse,
  onProgress?: (done: number, total: number, bytes: number) => void,
): Promise<ScanResult> {
  const parsed = validate(ScanOptionsSchema, options);
  if (!parsed.ok) {
    throw RepoScanError.create('InvalidOptions', `invalid scan options:\n${formatIssues(parsed.issues)}`, {
      details: { issues: parsed.issues },
      hint: 'fix each option listed above',
    });
  }
  const root = resolve(parsed.value.root);
  const rootReal = await rootDirectory(root);
  const walk = new RepositoryWalk(rootReal, parsed.value.include ?? DEFAULT_INCLUDE, parsed.value.exclude ?? []);
  await walk.run({ rel: '', abs: root, real: rootReal, rules: await rootRules(root) });

  const candidates = [...walk.candidates.values()].sort((a, b) => comparePaths(a.rel, b.rel));
  const buffers = Array.from({ length: Math.min(CONCURRENCY, candidates.length) }, () => Buffer.allocUnsafe(CHUNK_BYTES));
  let done = 0;
  let bytesRead = 0;
  onProgress?.(0, candidates.length, 0);
  // Wall-clock nanoseconds, as file times are: what was modified after this may be modified again unseen.
  const racyFrom = BigInt(Date.now()) * 1_000_000n - RACY_NS;
  let read = 0;
  const inspected = await mapBounded(candidates, CONCURRENCY, async (candidate, slot) => {
    const known = reuse?.files.get(candidate.rel);
    if (known !== undefined) {
      // A stat that cannot be taken, or differs, means the file is read after all.
      const now = await stat(candidate.abs, { bigint: true }).then(fileStatOf, () => null);
      if (known.stat === undefined || (now !== null && sameFileStat(now, known.stat))) {
        const { record } = known;
        onProgress?.(++done, candidates.length, bytesRead);
        return { candidate, inspection: { stat: now, size: record.size, sha256: record.sha256, encoding: record.encoding, lineCount: record.line_count, problems: known.problems } };
      }
    }
    try {
      const inspection = await inspectFile(candidate.abs, buffers[slot] as Buffer);
      read++;
      bytesRead += inspection.size;
      onProgress?.(++done, candidates.length, bytesRead);
      return { candidate, inspection };
    } catch (error) {
      walk.diagnose(candidate.rel, 'repo-scan/Unreadable', `cannot read the file: ${errorText(error)}`);
      onProgress?.(++done, candidates.length, bytesRead);
      return undefined;
    }
  });

  const files: FileRecord[] = [];
  const stats = new Map<string, FileStat>();
  for (const item of inspected) {
    if (item === undefined) continue;
    const { candidate, inspection } = item;
    if (inspection.stat !== null && inspection.stat.mtimeNs < racyFrom) stats.set(candidate.rel, inspection.stat);
    const file_id = fileIdForPath(candidate.rel);
    files.push(
      Object.freeze({
        file_id,
        path: candidate.rel,
        size: inspection.size,
        sha256: inspection.sha256,
        encoding: inspection.encoding,
        line_count: inspection.lineCount,
      }),
    );
    for (const problem of inspection.problems) {
      walk.diagnostics.push(Object.freeze({ path: candidate.rel, file_id, code: problem.code, message: problem.message }));
    }
  }
  return Object.freeze({
    root,
    files: Object.freeze(files),
    diagnostics: Object.freeze(walk.diagnostics.sort(byPathThenCode)),
    stats,
    read,
  });
}
