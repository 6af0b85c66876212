import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anatomy, fixtureCopy } from './anatomy-cli.js';

describe('anatomy replay and maintain', () => {
  let project: string;

  beforeAll(() => {
    project = fixtureCopy('shop');
    expect(anatomy('build', project).status).toBe(0);
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('replays a fresh build with every output table matching', () => {
    const run = anatomy('replay', project);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/✓ cpg\.nodes/);
  });

  it('shows maintenance decisions without acting on --dry-run', () => {
    const run = anatomy('maintain', project, '--dry-run', '--json');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toHaveProperty('decisions');
  });

  it('fails, naming the table, when evidence rows were altered', async () => {
    const instance = await DuckDBInstance.create(join(project, '.anatomy', 'anatomy.duckdb'));
    const connection = await instance.connect();
    await connection.run("UPDATE evidence.ts_defs SET name = 'renamed' WHERE name = 'cheapest'");
    connection.closeSync();
    instance.closeSync();
    const run = anatomy('replay', project);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/replay differs in [^\n]*cpg\.nodes/);
  });
});
