import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CellValue, ColumnBatch } from '@anatomy/schema-authority';

/** A row of CPython's evidence: field names as in the tree-sitter datasets. */
export type ReferenceRow = Readonly<Record<string, string | number | boolean | null>>;

/** What `cpython-evidence.py` reports for one file. */
export type CPythonEvidence =
  | {
      readonly defs: ReferenceRow[];
      readonly imports: ReferenceRow[];
      readonly calls: ReferenceRow[];
      readonly refs: ReferenceRow[];
      readonly attributes: ReferenceRow[];
      readonly params: ReferenceRow[];
      readonly decorators: ReferenceRow[];
      readonly docstrings: ReferenceRow[];
    }
  | { readonly error: string };

const SCRIPT = fileURLToPath(new URL('./cpython-evidence.py', import.meta.url));

/** Runs CPython's `ast` over the files (absolute paths) and returns its evidence per path. */
export function cpythonEvidence(paths: readonly string[]): Record<string, CPythonEvidence> {
  const out = execFileSync('python3', [SCRIPT], { input: JSON.stringify(paths), maxBuffer: 1 << 30 });
  return JSON.parse(out.toString()) as Record<string, CPythonEvidence>;
}

/** The installed standard library of `python3`. */
export function stdlibDir(): string {
  return execFileSync('python3', ['-c', "import sysconfig; print(sysconfig.get_paths()['stdlib'])"]).toString().trim();
}

/** Every `.py` file under a directory, outside site-packages, sorted. */
export function pythonFiles(dir: string): string[] {
  const out: string[] = [];
  const visit = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (name === 'site-packages') continue;
      const stats = statSync(p, { throwIfNoEntry: false });
      if (stats?.isDirectory()) visit(p);
      else if (stats?.isFile() && name.endsWith('.py')) out.push(p);
    }
  };
  visit(dir);
  return out;
}

/** A deterministic spread: `count` items at even steps through the list. */
export function everyNth<T>(items: readonly T[], count: number): T[] {
  const step = Math.max(1, Math.floor(items.length / count));
  return items.filter((_, i) => i % step === 0).slice(0, count);
}

const roots: string[] = [];

/** Builds a temporary directory from an inline tree: keys are POSIX paths, values file contents. */
export function createFileTree(spec: Readonly<Record<string, string | Uint8Array>>): string {
  const root = mkdtempSync(join(tmpdir(), 'extract-ts-'));
  roots.push(root);
  for (const [path, content] of Object.entries(spec)) {
    const abs = join(root, ...path.split('/'));
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  return root;
}

/** Removes every directory {@link createFileTree} made (call from `afterAll`). */
export function removeFileTrees(): void {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
}

/** The rows of a batch as objects. */
export function rowsOf(batch: ColumnBatch): Record<string, CellValue>[] {
  const names = Object.keys(batch.columns);
  return Array.from({ length: batch.rowCount }, (_, i) => Object.fromEntries(names.map((n) => [n, (batch.columns[n] as readonly CellValue[])[i] as CellValue])));
}

/** Keeps only `keys` of each row and sorts rows by their JSON text, so row sets compare with `toEqual`. */
export function project(rows: readonly Readonly<Record<string, unknown>>[], keys: readonly string[]): Record<string, unknown>[] {
  const out = rows.map((r) => Object.fromEntries(keys.map((k) => [k, r[k] ?? null])));
  return out.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0));
}
