import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anatomy, fixtureCopy } from './anatomy-cli.js';

interface Check {
  readonly name: string;
  readonly status: 'ok' | 'warn' | 'fail';
  readonly detail: string;
  readonly fix?: string;
}

function checks(...args: string[]): { status: number | null; ok: boolean; byName: Map<string, Check> } {
  const run = anatomy('doctor', ...args, '--json');
  const report = JSON.parse(run.stdout) as { ok: boolean; checks: Check[] };
  return { status: run.status, ok: report.ok, byName: new Map(report.checks.map((c) => [c.name, c])) };
}

describe('anatomy doctor through the real CLI', () => {
  let project: string;

  beforeAll(() => {
    project = fixtureCopy('shop');
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('reports the tools of this machine and says how to get the store it lacks', () => {
    const before = checks(project);
    for (const tool of ['node', 'python3', 'pip', 'duckdb']) expect(before.byName.get(tool)?.status).toBe('ok');
    const store = before.byName.get('store');
    expect(store?.status).toBe('warn');
    expect(store?.fix).toContain(`anatomy build ${project}`);
  });

  it('checks the store a build wrote against its contract', () => {
    expect(anatomy('build', project).status).toBe(0);
    const after = checks(project);
    expect(after.status).toBe(0);
    expect(after.ok).toBe(true);
    expect(after.byName.get('store')?.status).toBe('ok');
    expect(after.byName.get('store schema')?.status).toBe('ok');
    expect(after.byName.get('last build')?.status).toBe('ok');
  });

  it('fails, exit 1, naming an unusable python3 and how to fix it', () => {
    const fake = join(project, 'not-python');
    writeFileSync(fake, '#!/bin/sh\necho "not a python"\n', { mode: 0o755 });
    const bad = checks(project, '--python', fake);
    expect(bad.status).toBe(1);
    expect(bad.ok).toBe(false);
    const python = bad.byName.get('python3');
    expect(python?.status).toBe('fail');
    expect(python?.detail).toContain(fake);
    expect(python?.fix).toBeTruthy();
  });
});
