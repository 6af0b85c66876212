import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anatomy, fixtureCopy } from './anatomy-cli.js';

describe('anatomy plan, query and export on a built project', () => {
  let project: string;
  let byKind: { node_kind: string; n: number }[];

  beforeAll(() => {
    project = fixtureCopy('shop');
    expect(anatomy('build', project).status).toBe(0);
    byKind = JSON.parse(anatomy('query', project, 'SELECT node_kind, count(*) AS n FROM cpg.nodes GROUP BY ALL ORDER BY 1', '--format', 'json').stdout) as typeof byKind;
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('plans with inputs from DuckDB lineage and a decision behind every policy', () => {
    const run = anatomy('plan', project, '--json');
    expect(run.status).toBe(0);
    const plan = JSON.parse(run.stdout) as {
      tasks: { name: string; inputs: string[]; inputsFrom: string; cachePolicy: string }[];
      decisions: { confidence: number; evidence: unknown[] }[];
      criticalPath: { tasks: string[] };
    };
    expect(plan.tasks.length).toBeGreaterThan(0);
    for (const task of plan.tasks) {
      expect(task.inputsFrom).toBe('plan-lineage');
      expect(task.inputs.length).toBeGreaterThan(0);
    }
    expect(plan.decisions.every((d) => d.confidence >= 0 && d.confidence <= 1 && d.evidence.length > 0)).toBe(true);
    expect(plan.criticalPath.tasks.length).toBeGreaterThan(0);
    const names = new Set(plan.tasks.map((t) => t.name));
    expect(plan.criticalPath.tasks.every((t) => names.has(t))).toBe(true);
    expect(names).toContain('cpg.nodes');
  });

  it.each([
    ['parquet', 'parquet-out'],
    ['arrow', 'arrow-out'],
    ['graphml', 'cpg.graphml'],
    ['neo4j', 'neo4j-out'],
  ])('exports %s', (format, out) => {
    const target = join(project, 'exports', out);
    const run = anatomy('export', project, '--format', format, '--out', target);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const total = byKind.reduce((sum, k) => sum + k.n, 0);
    expect(run.stdout).toContain(`nodes: ${total} rows`);
    expect(existsSync(target)).toBe(true);
    if (format === 'parquet') expect(readdirSync(join(target, 'nodes')).sort()).toEqual(byKind.map((k) => `node_kind=${k.node_kind}`));
  });

  it('reads the Parquet export back with DuckDB', () => {
    const glob = join(project, 'exports', 'parquet-out', 'nodes', '**', '*.parquet');
    const run = anatomy('query', project, `SELECT node_kind, count(*) AS n FROM read_parquet('${glob}', hive_partitioning = true) GROUP BY ALL ORDER BY 1`, '--format', 'csv');
    expect(run.stdout).toBe(`node_kind,n\n${byKind.map((k) => `${k.node_kind},${k.n}`).join('\n')}\n`);
    expect(byKind.find((k) => k.node_kind === 'DEF')?.n).toBe(18);
  });
});
