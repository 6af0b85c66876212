import { describe, expect, it } from 'vitest';
import { renderReportHtml } from './render-report-html.js';
import type { ReportData } from './report-data.js';
import { ReportDataSchema } from './report-data.js';

const hex = (c: string): string => c.repeat(64);

function sample(): ReportData {
  return ReportDataSchema.parse({
    runId: '20261203T080000000Z-abcdef',
    recordedAt: '2026-12-03T08:00:01.000Z',
    root: '/src/<project>',
    storePath: '/src/<project>/.anatomy/anatomy.duckdb',
    manifestFingerprint: hex('a'),
    policyFingerprint: hex('b'),
    packageFingerprint: hex('c'),
    files: 2,
    scanDiagnostics: 0,
    stages: [
      { stage: 'scan', durationMs: 12 },
      { stage: 'extract', durationMs: 1500 },
    ],
    extractors: [{ extractor: 'tree-sitter', version: '2', status: 'ran', reason: null, rows: 40, files: 2, bytes: 2048, durationMs: 1000 }],
    views: [
      { name: 'norm.defs', kind: 'normalize', cachePolicy: 'materialized-table', inputs: ['evidence.ts_defs'], generation: 0, estimatedCostMs: 3, estimatedRows: 10, durationMs: 4, rows: 10, critical: true },
      { name: 'norm.calls', kind: 'normalize', cachePolicy: 'inline-view', inputs: ['evidence.ts_calls'], generation: 0, estimatedCostMs: 1, estimatedRows: null, durationMs: 0.2, rows: null, critical: false },
      { name: 'cpg.nodes', kind: 'union', cachePolicy: 'persisted-output', inputs: ['norm.calls', 'norm.defs'], generation: 1, estimatedCostMs: 5, estimatedRows: 20, durationMs: 7, rows: 20, critical: true },
    ],
    criticalPath: { tasks: ['norm.defs', 'cpg.nodes'], cost: 8 },
    nodesByKind: [
      { kind: 'DEF', count: 10 },
      { kind: 'FILE', count: 2 },
    ],
    edgesByKind: [{ kind: 'CONTAINS', count: 12 }],
    filesByDiagnostics: [
      { path: 'pkg/<b>bad</b>.py', bytes: 30, diagnostics: 2 },
      { path: 'pkg/ok.py', bytes: 2018, diagnostics: 0 },
    ],
    slowestFiles: [
      { path: 'pkg/ok.py', durationMs: 42, extractors: { 'tree-sitter': 12, python: 30 } },
      { path: 'pkg/<b>bad</b>.py', durationMs: 3, extractors: { python: 3 } },
    ],
    decisions: [{ subject: 'norm.defs', decision: 'cache-policy', value: '"materialized-table"', confidence: 0.8, rationale: 'read by 2 views & "cheap"' }],
    maintenance: [],
    notes: ['this run recorded no per-file extraction times'],
  });
}

describe('renderReportHtml', () => {
  it('escapes every string that comes from the data', () => {
    const html = renderReportHtml(sample());
    expect(html).not.toContain('<b>bad</b>');
    expect(html).toContain('pkg/&lt;b&gt;bad&lt;/b&gt;.py');
    expect(html).toContain('/src/&lt;project&gt;');
    expect(html).toContain('read by 2 views &amp; &quot;cheap&quot;');
  });

  it('is self-contained: no external reference, and a policy that forbids fetching anything', () => {
    const html = renderReportHtml(sample());
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`);
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/@import|url\(/);
  });

  it('draws one box per view plus the evidence tables, and marks the critical path', () => {
    const html = renderReportHtml(sample());
    expect(html.match(/<g class="dag-node view[ "]/g)).toHaveLength(3);
    expect(html.match(/<g class="dag-node source[ "]/g)).toHaveLength(2);
    expect(html.match(/<g class="dag-node view critical"/g)).toHaveLength(2);
    expect(html.match(/<path class="dag-edge critical"/g)).toHaveLength(1);
    expect(html).toContain('data-from="norm.defs" data-to="cpg.nodes"');
    expect(html).toContain('norm.defs → cpg.nodes');
    expect(html).toContain('estimated 8 ms, measured 11 ms');
  });

  it('has a bar per node kind, edge kind and file with diagnostics, carrying its count', () => {
    const html = renderReportHtml(sample());
    expect(html).toContain('<g class="bar" data-label="DEF" data-value="10">');
    expect(html).toContain('<g class="bar" data-label="FILE" data-value="2">');
    expect(html).toContain('<g class="bar" data-label="CONTAINS" data-value="12">');
    expect(html).toContain('<g class="bar" data-label="pkg/&lt;b&gt;bad&lt;/b&gt;.py" data-value="2">');
    expect(html).toContain('1 of 2 files have none');
    expect(html).toContain('2.0 files/s, 2.0 KiB/s');
  });

  it('ranks the slowest files by their measured extraction time, naming each extractor\'s share', () => {
    const html = renderReportHtml(sample());
    const chart = html.slice(html.indexOf('id="chart-slowest-files"'), html.indexOf('id="chart-largest-files"'));
    expect(chart.indexOf('data-label="pkg/ok.py" data-value="42"')).toBeGreaterThan(-1);
    expect(chart.indexOf('data-label="pkg/ok.py"')).toBeLessThan(chart.indexOf('data-label="pkg/&lt;b&gt;bad&lt;/b&gt;.py" data-value="3"'));
    expect(chart).toContain('tree-sitter 12 ms');
    expect(renderReportHtml({ ...sample(), slowestFiles: [] })).toContain('this run recorded no per-file times');
  });

  it('gives the same bytes for the same data', () => {
    expect(renderReportHtml(sample())).toBe(renderReportHtml(sample()));
  });

  it('says so when the run recorded no timings instead of drawing empty charts', () => {
    const html = renderReportHtml({ ...sample(), stages: [], views: sample().views.map((v) => ({ ...v, durationMs: null })) });
    expect(html).toContain('this run recorded no stage timings');
    expect(html).toContain('this run recorded no view timings');
    expect(html).toContain('not recorded');
  });
});
