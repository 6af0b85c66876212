import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunIdSchema } from '@anatomy/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { OrchestratorError } from './orchestrator-error.js';
import { findRun, newRunId, runsDirectory } from './run-directory.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('newRunId', () => {
  it('writes the UTC time to the millisecond, then six hex digits, as a valid run id', () => {
    const id = newRunId(new Date('2026-11-25T19:15:00.042Z'));
    expect(id).toMatch(/^20261125T191500042Z-[0-9a-f]{6}$/);
    expect(RunIdSchema.safeParse(id).success).toBe(true);
  });

  it('sorts later runs after earlier ones', () => {
    const ids = ['2026-01-02T00:00:00.000Z', '2025-12-31T23:59:59.999Z', '2026-01-01T10:00:00.500Z'].map((t) => newRunId(new Date(t)));
    expect([...ids].sort()).toEqual([ids[1], ids[2], ids[0]]);
  });
});

describe('findRun', () => {
  function repo(runs: readonly string[]): string {
    const root = mkdtempSync(join(tmpdir(), 'anatomy-runs-'));
    dirs.push(root);
    for (const run of runs) mkdirSync(join(runsDirectory(root), run), { recursive: true });
    return root;
  }

  it('picks the latest run, ignoring bundles still being written', async () => {
    const root = repo(['20260101T000000000Z-aaaaaa', '20260301T000000000Z-bbbbbb', '.20270101T000000000Z-cccccc.partial-x1']);
    expect(await findRun(root)).toEqual({ runId: '20260301T000000000Z-bbbbbb', dir: join(runsDirectory(root), '20260301T000000000Z-bbbbbb') });
  });

  it('finds a named run and names the others when it is missing', async () => {
    const root = repo(['20260101T000000000Z-aaaaaa']);
    expect((await findRun(root, '20260101T000000000Z-aaaaaa')).runId).toBe('20260101T000000000Z-aaaaaa');
    const error = await findRun(root, 'nope-000000').catch((e: unknown) => e);
    expect(OrchestratorError.is(error, 'RunNotFound')).toBe(true);
    expect((error as { details?: unknown }).details).toMatchObject({ available: ['20260101T000000000Z-aaaaaa'] });
  });

  it('fails with NoRuns when nothing was recorded', async () => {
    const error = await findRun(repo([])).catch((e: unknown) => e);
    expect(OrchestratorError.is(error, 'NoRuns')).toBe(true);
  });
});
