import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readRunBundle } from '@anatomy/artifact-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCpg } from './build-cpg.js';
import type { BuildSummary } from './build-cpg.js';
import { OrchestratorError } from './orchestrator-error.js';
import { silentProgress } from './progress-reporter.js';
import { collectReportData, reportCommand } from './report-command.js';
import { runPlanReportArtifact, runTimingsArtifact } from './run-artifacts.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'anatomy-report-'));
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('anatomy report data and page', () => {
  let root = '';
  let build: BuildSummary;
  beforeAll(async () => {
    root = tree({
      'pkg/__init__.py': '',
      'pkg/shapes.py': 'class Square:\n    def area(self, side):\n        return side * side\n\n\ndef total(items):\n    return sum(Square().area(i) for i in items)\n',
      // A file name that is markup, and a file neither parser can read.
      'pkg/<b>odd</b>.py': 'def odd():\n    return 1\n',
      'pkg/broken.py': 'def broken(:\n    pass\n',
    });
    build = await buildCpg({ root }, silentProgress());
  });

  it('records stage, extractor and view timings in the run bundle', async () => {
    const bundle = await readRunBundle(join(root, '.anatomy', 'runs', build.runId));
    const timings = bundle.read(runTimingsArtifact);
    expect(timings.stages.map((s) => s.stage)).toEqual(build.stages.map((s) => s.stage).filter((s) => s !== 'record run'));
    expect(timings.views.map((v) => v.view).sort()).toEqual([...build.order].sort());
    const treeSitter = timings.extractors.find((e) => e.extractor === 'tree-sitter');
    expect(treeSitter).toMatchObject({ status: 'ran', files: 4 });
    expect(treeSitter?.bytes).toBeGreaterThan(0);
  });

  it('collects the plan, the statistics of the store and the diagnostics of each file', async () => {
    const data = await collectReportData({ root });
    const plan = (await readRunBundle(join(root, '.anatomy', 'runs', build.runId))).read(runPlanReportArtifact);
    expect(data.runId).toBe(build.runId);
    expect(data.views.map((v) => v.name)).toEqual(plan.tasks.map((t) => t.name));
    expect(data.views.filter((v) => v.critical).map((v) => v.name).sort()).toEqual([...plan.criticalPath.tasks].sort());
    expect(Object.fromEntries(data.nodesByKind.map((k) => [k.kind, k.count]))).toEqual(build.nodesByKind);
    expect(Object.fromEntries(data.edgesByKind.map((k) => [k.kind, k.count]))).toEqual(build.edgesByKind);
    expect(data.filesByDiagnostics[0]?.path).toBe('pkg/broken.py');
    expect(data.filesByDiagnostics[0]?.diagnostics).toBeGreaterThan(0);
    expect(data.filesByDiagnostics.find((f) => f.path === 'pkg/shapes.py')?.diagnostics).toBe(0);
    expect(data.decisions.length).toBe(plan.decisions.length);
    expect(data.views.every((v) => v.durationMs !== null)).toBe(true);
    // Every extracted file was timed in the workers of both default extractors, slowest first.
    const paths = data.filesByDiagnostics.map((f) => f.path);
    expect(data.slowestFiles.length).toBeGreaterThan(0);
    expect(data.slowestFiles.length).toBeLessThanOrEqual(20);
    for (const f of data.slowestFiles) {
      expect(paths).toContain(f.path);
      expect(Object.keys(f.extractors).sort()).toEqual(['python', 'tree-sitter']);
      expect(f.durationMs).toBeCloseTo(Object.values(f.extractors).reduce((a, b) => a + b, 0), 6);
    }
    const times = data.slowestFiles.map((f) => f.durationMs);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('writes the same page twice, with the markup file name escaped', async () => {
    const first = await reportCommand({ root, out: join(root, 'one.html') });
    const second = await reportCommand({ root, out: join(root, 'two.html') });
    const html = readFileSync(first.out, 'utf8');
    expect(readFileSync(second.out, 'utf8')).toBe(html);
    expect(html).toContain('pkg/&lt;b&gt;odd&lt;/b&gt;.py');
    expect(html).not.toContain('<b>odd</b>');
    expect(html.match(/<g class="dag-node view[ "]/g)).toHaveLength(first.data.views.length);
  });

  it('refuses a directory that was never built, saying how to fix it', async () => {
    const empty = tree({ 'a.py': 'x = 1\n' });
    await expect(collectReportData({ root: empty })).rejects.toSatisfy((e) => OrchestratorError.is(e, 'NoRuns'));
  });
});
