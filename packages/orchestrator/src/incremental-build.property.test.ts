import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readRunBundle } from '@anatomy/artifact-registry';
import { openStore, tableFingerprint } from '@anatomy/store';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCpg } from './build-cpg.js';
import type { BuildSummary } from './build-cpg.js';
import { silentProgress } from './progress-reporter.js';
import { OUTPUT_TABLES, runOutputFingerprintsArtifact } from './run-artifacts.js';
import { runsDirectory } from './run-directory.js';

/**
 * Equivalence of incremental and full builds: random edit sequences on a
 * real multi-file project, with the real extractors, and after every step
 * the incremental store must hold exactly the tables a fresh full build of
 * the same tree holds (compared by order-independent table fingerprints).
 */

/** The starting project: a package whose modules import each other, subclass across modules and call imported names. */
const PROJECT: Readonly<Record<string, string>> = {
  'pkg/__init__.py': 'from .base import Base\n',
  'pkg/base.py': 'class Base:\n    def run(self):\n        return helper(1)\n\n\ndef helper(x):\n    return x * 2\n',
  'pkg/child.py': 'from pkg.base import Base, helper\nfrom . import util\n\n\nclass Child(Base):\n    def run(self):\n        return helper(util.twice(3))\n',
  'pkg/util.py': 'import os\n\n\ndef twice(n):\n    return n + n\n\n\ndef cwd():\n    return os.getcwd()\n',
  'main.py': 'import pkg.child\nfrom pkg.util import twice, cwd\n\n\ndef main():\n    print(twice(2), cwd())\n    return pkg.child.Child().run()\n',
};

const BROKEN = 'def broken(:\n    pass\n';

type Kind = 'add' | 'delete' | 'rename' | 'modify' | 'break' | 'fix' | 'change-import';
interface Edit {
  readonly kind: Kind;
  /** Picks the file (and the name) the edit applies to, modulo what exists when it is applied. */
  readonly pick: number;
  readonly salt: number;
}

const editArbitrary: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom<Kind>('add', 'delete', 'rename', 'modify', 'break', 'fix', 'change-import'),
  pick: fc.nat(1000),
  salt: fc.nat(1000),
});

/** The tree as the edits leave it, kept in memory and written to disk after each edit. */
class Project {
  readonly files = new Map<string, string>(Object.entries(PROJECT));
  #serial = 0;

  constructor(readonly root: string) {
    for (const [path, text] of this.files) this.#write(path, text);
  }

  #write(path: string, text: string): void {
    mkdirSync(dirname(join(this.root, path)), { recursive: true });
    writeFileSync(join(this.root, path), text);
    this.files.set(path, text);
  }

  #paths(): string[] {
    return [...this.files.keys()].sort();
  }

  #pick<T>(items: readonly T[], n: number): T | undefined {
    return items.length === 0 ? undefined : items[n % items.length];
  }

  /** Names defined at the top level of a module, read from its text. */
  #definitions(path: string): string[] {
    return [...(this.files.get(path) ?? '').matchAll(/^(?:def|class) (\w+)/gm)].map((m) => m[1] as string).filter((n) => n !== 'broken');
  }

  #module(path: string): string {
    return path.replace(/\.py$/, '').replace(/\/__init__$/, '').replaceAll('/', '.');
  }

  /** Applies an edit and describes it; an edit with nothing to act on falls back to a modification. */
  apply(edit: Edit): string {
    const paths = this.#paths();
    const target = this.#pick(paths, edit.pick) as string;
    const n = ++this.#serial;
    switch (edit.kind) {
      case 'add': {
        const other = this.#pick(paths.filter((p) => this.#definitions(p).length > 0), edit.salt);
        const name = other === undefined ? undefined : this.#pick(this.#definitions(other), edit.salt);
        const path = `pkg/extra_${n}.py`;
        const body =
          other === undefined || name === undefined
            ? `def extra_${n}():\n    return ${n}\n`
            : `from ${this.#module(other)} import ${name}\n\n\nclass Extra${n}(${name}):\n    pass\n\n\ndef extra_${n}():\n    return ${name}()\n`;
        this.#write(path, body);
        return `add ${path}`;
      }
      case 'delete': {
        if (paths.length <= 2) return this.apply({ ...edit, kind: 'modify' });
        rmSync(join(this.root, target));
        this.files.delete(target);
        return `delete ${target}`;
      }
      case 'rename': {
        const to = target.replace(/([^/]+)\.py$/, `renamed_${n}_$1.py`);
        renameSync(join(this.root, target), join(this.root, to));
        this.files.set(to, this.files.get(target) ?? '');
        this.files.delete(target);
        return `rename ${target} → ${to}`;
      }
      case 'modify': {
        this.#write(target, `${this.files.get(target) ?? ''}\n\ndef added_${n}(a, b=${edit.salt}):\n    return helper(a) if a else twice(b)\n`);
        return `modify ${target}`;
      }
      case 'break': {
        this.#write(target, `${this.files.get(target) ?? ''}\n${BROKEN}`);
        return `break ${target}`;
      }
      case 'fix': {
        const broken = this.#pick(paths.filter((p) => (this.files.get(p) ?? '').includes(BROKEN)), edit.pick);
        if (broken === undefined) return this.apply({ ...edit, kind: 'break' });
        this.#write(broken, (this.files.get(broken) ?? '').replace(`\n${BROKEN}`, ''));
        return `fix ${broken}`;
      }
      case 'change-import': {
        // Rename a definition that other modules import by name: importers must follow.
        const definer = this.#pick(paths.filter((p) => this.#definitions(p).length > 0), edit.pick);
        if (definer === undefined) return this.apply({ ...edit, kind: 'add' });
        const old = this.#pick(this.#definitions(definer), edit.salt) as string;
        const renamed = `${old}_v${n}`;
        this.#write(definer, (this.files.get(definer) ?? '').replace(new RegExp(`^(def|class) ${old}\\b`, 'm'), `$1 ${renamed}`));
        return `change-import ${definer}: ${old} → ${renamed}`;
      }
    }
  }
}

async function fingerprints(storePath: string, tables: readonly string[]): Promise<Record<string, string>> {
  const store = await openStore({ path: storePath });
  try {
    const out: Record<string, string> = {};
    for (const table of tables) out[table] = await tableFingerprint(store, table);
    return out;
  } finally {
    await store.close();
  }
}

async function evidenceTables(storePath: string): Promise<string[]> {
  const store = await openStore({ path: storePath });
  try {
    const rows = await store.query("SELECT schema_name || '.' || table_name AS t FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'evidence' ORDER BY t");
    return rows.map((r) => String(r['t']));
  } finally {
    await store.close();
  }
}

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('incremental builds', () => {
  it('leave the store identical to a full build of the same tree after every edit', { timeout: 2_400_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(editArbitrary, { minLength: 3, maxLength: 4 }), async (edits) => {
        const work = mkdtempSync(join(tmpdir(), 'anatomy-incr-'));
        temps.push(work);
        const project = new Project(join(work, 'repo'));
        const incremental = join(work, 'incremental.duckdb');
        const first = await buildCpg({ root: project.root, storePath: incremental, maintenance: 'off' }, silentProgress());
        expect(first.build.mode).toBe('full');
        const log: string[] = [];
        for (const edit of edits) {
          log.push(project.apply(edit));
          const step: BuildSummary = await buildCpg({ root: project.root, storePath: incremental, maintenance: 'run' }, silentProgress());
          expect(step.build.mode, log.join('; ')).toBe('incremental');
          const full = join(work, `full-${log.length}.duckdb`);
          await buildCpg({ root: project.root, storePath: full, maintenance: 'off' }, silentProgress());
          const tables = [...OUTPUT_TABLES, ...(await evidenceTables(full))];
          const expected = await fingerprints(full, tables);
          const actual = await fingerprints(incremental, tables);
          expect(actual, `after: ${log.join('; ')}`).toEqual(expected);
          // The run recorded fingerprints kept up to date from the build's deltas; a fresh reading must agree.
          const recorded = (await readRunBundle(join(runsDirectory(project.root), step.runId))).read(runOutputFingerprintsArtifact);
          expect(recorded, `recorded after: ${log.join('; ')}`).toEqual(Object.fromEntries(OUTPUT_TABLES.map((t) => [t, actual[t]])));
          rmSync(full, { force: true });
        }
        // The edits really happened on disk: the incremental store saw the same text the model holds.
        for (const [path, text] of project.files) expect(readFileSync(join(project.root, path), 'utf8')).toBe(text);
        rmSync(work, { recursive: true, force: true });
      }),
      { seed: 20261203, numRuns: 2, endOnFailure: true },
    );
  });
});
