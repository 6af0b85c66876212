import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anatomy, fixtureCopy } from './anatomy-cli.js';

interface Summary {
  extractors: { extractor: string; status: string; rows: Record<string, number> }[];
}

describe('anatomy build with every evidence source', () => {
  let project: string;
  let summary: Summary;

  beforeAll(() => {
    project = fixtureCopy('shop');
    const run = anatomy('build', project, '--all-evidence', '--scip', '--json');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    summary = JSON.parse(run.stdout) as Summary;
  }, 240_000);
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('runs tree-sitter, CPython and scip-python and stores their evidence', () => {
    const by = new Map(summary.extractors.map((x) => [x.extractor, x]));
    expect([...by.keys()].sort()).toEqual(['line-index', 'python', 'scip', 'tree-sitter']);
    for (const x of by.values()) expect(x.status).toBe('ran');
    expect(by.get('tree-sitter')?.rows['evidence.ts_defs']).toBe(18);
    expect(by.get('python')?.rows['evidence.py_defs']).toBe(18);
    expect(by.get('scip')?.rows['evidence.scip_occurrences']).toBeGreaterThan(50);
  });

  it('agrees across sources on where each definition starts', () => {
    // CPython and tree-sitter must report the same byte span for every definition;
    // SCIP's definition occurrence of the name must sit inside it.
    const run = anatomy(
      'query',
      project,
      `SELECT
         (SELECT count(*) FROM evidence.ts_defs t FULL JOIN evidence.py_defs p USING (file_id, bstart, bend)
           WHERE t.name IS NULL OR p.name IS NULL) AS disagreements,
         (SELECT count(*) FROM evidence.ts_defs t JOIN evidence.scip_occurrences o
           ON o.file_id = t.file_id AND o.bstart = t.name_bstart AND o.bend = t.name_bend AND o.is_definition) AS scip_agreeing`,
      '--format',
      'json',
    );
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([{ disagreements: 0, scip_agreeing: 18 }]);
  });
});
