import { defineDataset } from '@anatomy/schema-authority';
import type { DatasetSchema } from '@anatomy/schema-authority';
import { describe, expect, it } from 'vitest';
import { compileProgram } from './compile-program.js';
import { TestDatabase, registryOf } from './duckdb-fixture.test-support.js';
import { Normalize } from './normalize.js';
import { Project } from './project.js';
import { fileRows, files, tsDefRows, tsDefs, tsRefRows, tsRefs } from './python-fixture.test-support.js';
import { Relate } from './relate.js';
import { SemanticIrError } from './semantic-ir-error.js';
import { defineProgram } from './semantic-program.js';
import { Union } from './union.js';

const pyDefs: DatasetSchema = defineDataset({ ...tsDefs, name: 'evidence.py_defs', producer: 'python', columns: [...tsDefs.columns] });
const occurrences: DatasetSchema = defineDataset({
  name: 'evidence.occurrences',
  producer: 'scip',
  version: 1,
  description: 'symbol occurrences',
  spanUnit: 'utf8-bytes',
  key: ['occurrence_id'],
  columns: [
    { name: 'occurrence_id', type: 'utf8', nullable: false, role: 'entity-identity', description: 'id' },
    { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'file' },
    { name: 'bstart', type: 'int64', nullable: false, role: 'span-start', description: 'start' },
    { name: 'bend', type: 'int64', nullable: false, role: 'span-end', description: 'end' },
  ],
});

const program = defineProgram({
  name: 'capabilities',
  views: [
    Normalize.create({ name: 'ts_defs', from: 'evidence.ts_defs', entity: 'def' }),
    Normalize.create({ name: 'py_defs', from: 'evidence.py_defs', entity: 'def' }),
    Union.create({ name: 'defs', from: ['norm.ts_defs', 'norm.py_defs'] }),
    Normalize.create({ name: 'refs', from: 'evidence.ts_refs', entity: 'ref' }),
    Relate.create({ name: 'scip_refs', edge: 'SAME_AS', left: 'norm.refs', right: 'evidence.occurrences', intent: 'overlaps', keep: 'best' }),
    Relate.create({
      name: 'resolves',
      edge: 'RESOLVES_TO',
      left: 'norm.refs',
      right: 'merged.defs',
      intent: 'refers-to',
      agree: { 'rel.scip_refs': 1 },
      keep: 'best',
    }),
    Project.create({
      name: 'cpg.nodes',
      rows: [
        { from: 'merged.defs', kind: 'DEF' },
        { from: 'norm.refs', kind: 'REF' },
        { from: 'evidence.occurrences', kind: 'OCCURRENCE' },
      ],
    }),
    Project.create({ name: 'cpg.edges', rows: [{ from: 'rel.resolves' }, { from: 'rel.scip_refs' }] }),
  ],
});
const registry = registryOf(files, tsDefs, pyDefs, tsRefs, occurrences);

describe('capability pruning', () => {
  const manifest = compileProgram(program, registry, { unavailable: ['evidence.py_defs', 'evidence.occurrences'] });
  const pruning = manifest.decisions.filter((d) => d.value.topic === 'capability-prune');

  it('drops what cannot run and narrows what can run without it, saying what the outputs lose', () => {
    expect(pruning.map((d) => d.value)).toEqual([
      {
        topic: 'capability-prune',
        view: 'norm.py_defs',
        action: 'drop',
        missing: ['evidence.py_defs'],
        loses: ['cpg.edges: RESOLVES_TO (from rel.resolves)', 'cpg.nodes: DEF (from merged.defs)'],
      },
      {
        topic: 'capability-prune',
        view: 'merged.defs',
        action: 'narrow',
        missing: ['norm.py_defs'],
        loses: ['cpg.edges: RESOLVES_TO (from rel.resolves)', 'cpg.nodes: DEF (from merged.defs)'],
      },
      { topic: 'capability-prune', view: 'cpg.nodes', action: 'narrow', missing: ['evidence.occurrences'], loses: ['cpg.nodes: OCCURRENCE (from evidence.occurrences)'] },
      { topic: 'capability-prune', view: 'rel.scip_refs', action: 'drop', missing: ['evidence.occurrences'], loses: ['cpg.edges: SAME_AS (from rel.scip_refs)'] },
      {
        topic: 'capability-prune',
        view: 'rel.resolves',
        action: 'narrow',
        missing: ['rel.scip_refs'],
        loses: ['rel.resolves: confidence no longer rises when rel.scip_refs agrees'],
      },
      { topic: 'capability-prune', view: 'cpg.edges', action: 'narrow', missing: ['rel.scip_refs'], loses: ['cpg.edges: SAME_AS (from rel.scip_refs)'] },
    ]);
    expect(pruning[0]!.rationale).toBe(
      'norm.py_defs reads evidence.py_defs, which cannot be produced, so it cannot run; the outputs lose cpg.edges: RESOLVES_TO (from rel.resolves); cpg.nodes: DEF (from merged.defs)',
    );
    expect(pruning[0]!.evidence).toEqual([{ source: 'capability-snapshot', detail: 'unavailable: evidence.occurrences, evidence.py_defs' }]);
  });

  it('emits no SQL reading the unavailable evidence, and runs without it', async () => {
    expect(manifest.views.map((v) => v.name)).toEqual(['cpg.edges', 'cpg.nodes', 'merged.defs', 'norm.refs', 'norm.ts_defs', 'rel.resolves']);
    for (const view of manifest.views) expect(view.sql).not.toMatch(/py_defs|occurrences|scip/);
    const db = await TestDatabase.open();
    try {
      // The unavailable tables are never created.
      await db.load(files, fileRows);
      await db.load(tsDefs, tsDefRows);
      await db.load(tsRefs, tsRefRows);
      await db.install(manifest);
      const kinds = await db.rows('SELECT node_kind, count(*) AS n FROM cpg.nodes GROUP BY node_kind ORDER BY node_kind');
      expect(kinds).toEqual([
        { node_kind: 'DEF', n: BigInt(tsDefRows.length) },
        { node_kind: 'REF', n: BigInt(tsRefRows.length) },
      ]);
      expect(await db.rows('SELECT DISTINCT edge_kind, origin FROM cpg.edges')).toEqual([{ edge_kind: 'RESOLVES_TO', origin: 'tree-sitter' }]);
    } finally {
      db.close();
    }
  });

  it('changes nothing, and records nothing, when everything is available', () => {
    const full = compileProgram(program, registry);
    expect(full.decisions.filter((d) => d.value.topic === 'capability-prune')).toEqual([]);
    expect(compileProgram(program, registry, { unavailable: [] })).toEqual(full);
    expect(full.fingerprint).not.toBe(manifest.fingerprint);
  });

  it('drops an output whose every row source is lost', () => {
    const m = compileProgram(program, registry, { unavailable: ['evidence.ts_defs', 'evidence.py_defs', 'evidence.ts_refs', 'evidence.occurrences'] });
    expect(m.views).toEqual([]);
    expect(m.decisions.filter((d) => d.value.topic === 'capability-prune' && d.value.action === 'drop').map((d) => (d.value.topic === 'capability-prune' ? d.value.view : ''))).toEqual([
      'norm.py_defs',
      'norm.refs',
      'norm.ts_defs',
      'merged.defs',
      'cpg.nodes',
      'rel.scip_refs',
      'rel.resolves',
      'cpg.edges',
    ]);
  });

  it('rejects unavailable names that are not registered', () => {
    let error: unknown;
    try {
      compileProgram(program, registry, { unavailable: ['evidence.scip_typo'] });
    } catch (e) {
      error = e;
    }
    expect(SemanticIrError.is(error, 'InvalidProgram')).toBe(true);
    if (SemanticIrError.is(error)) expect(error.details['issues']).toEqual([{ path: 'unavailable.0', message: 'evidence.scip_typo is neither a registered dataset nor read by the program' }]);
  });
});
