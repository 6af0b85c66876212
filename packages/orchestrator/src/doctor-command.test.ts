import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@anatomy/store';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCpg } from './build-cpg.js';
import { doctor, DoctorReportSchema, formatDoctor } from './doctor-command.js';
import { silentProgress } from './progress-reporter.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'anatomy-doctor-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function check(report: Awaited<ReturnType<typeof doctor>>, name: string): { status: string; detail: string; fix?: string | undefined } {
  const found = report.checks.find((c) => c.name === name);
  if (found === undefined) throw new Error(`no check named ${name} in ${formatDoctor(report)}`);
  return found;
}

describe('doctor', () => {
  it('finds everything in order on this machine, including a freshly built store', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'app.py'), 'def greet(name):\n    return f"hi {name}"\n\nclass Greeter:\n    def hello(self):\n        return greet("x")\n');
    await buildCpg({ root, maintenance: 'off' }, silentProgress());
    const report = await doctor({ root });
    expect(DoctorReportSchema.parse(report)).toEqual(report);
    for (const name of ['node', 'python3', 'pip', 'scip-python', 'tree-sitter', 'python extractor', 'duckdb', 'store', 'store schema', 'last build']) {
      expect(check(report, name).status, `${name}: ${check(report, name).detail}`).toBe('ok');
    }
    expect(report.ok).toBe(true);
    expect(check(report, 'python3').detail).toMatch(/^Python 3\.\d+/);
    expect(check(report, 'duckdb').detail).toMatch(/^DuckDB v\d/);
    expect(check(report, 'last build').detail).toMatch(/^files 1, nodes \d+ \(.*DEF 3.*\), edges \d+$/);
    expect(formatDoctor(report)).toMatch(/all checks passed$/);
  }, 120_000);

  it('fails python3 with a fix when the interpreter does not exist', async () => {
    const missing = join(tempDir(), 'no-such-python3');
    const report = await doctor({ python3: missing });
    expect(report.ok).toBe(false);
    expect(check(report, 'python3')).toMatchObject({ status: 'fail', detail: `${missing} was not found` });
    expect(check(report, 'python3').fix).toMatch(/install CPython 3\.8 or newer/);
    expect(check(report, 'python extractor').status).toBe('fail');
    expect(check(report, 'python extractor').fix).toBeTruthy();
    expect(report.checks.some((c) => c.name === 'store')).toBe(false);
    expect(formatDoctor(report)).toMatch(/FAIL {2}python3 .*\n.*fix: install CPython/);
  }, 60_000);

  it('fails a store that is not a DuckDB database, saying how to rebuild it', async () => {
    const root = tempDir();
    mkdirSync(join(root, '.anatomy'));
    const storePath = join(root, '.anatomy', 'anatomy.duckdb');
    writeFileSync(storePath, 'this is not a database\n'.repeat(100));
    const report = await doctor({ root });
    expect(report.ok).toBe(false);
    expect(check(report, 'store').status).toBe('fail');
    expect(check(report, 'store').fix).toBe(`delete ${storePath} and run \`anatomy build ${root}\``);
  }, 60_000);

  it('fails a store whose cpg.nodes differs from the contract', async () => {
    const storePath = join(tempDir(), 'drift.duckdb');
    const store = await openStore({ path: storePath });
    await store.run('CREATE SCHEMA cpg');
    await store.run('CREATE TABLE cpg.nodes (node_id VARCHAR)');
    await store.close();
    const report = await doctor({ storePath });
    expect(check(report, 'store').status).toBe('ok');
    expect(check(report, 'store schema').status).toBe('fail');
    expect(check(report, 'store schema').detail).toMatch(/cpg\.nodes\.\w+: column is missing/);
    expect(report.checks.some((c) => c.name === 'last build')).toBe(false);
  }, 60_000);

  it('warns when the root has no store yet, and fails a named store that is missing', async () => {
    const root = tempDir();
    expect(check(await doctor({ root }), 'store')).toMatchObject({ status: 'warn', fix: `run \`anatomy build ${root}\`` });
    const named = await doctor({ storePath: join(root, 'nowhere.duckdb') });
    expect(check(named, 'store').status).toBe('fail');
  }, 60_000);
});
