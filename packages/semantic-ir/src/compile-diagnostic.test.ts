import { stableId } from '@anatomy/contracts';
import { defineDataset } from '@anatomy/schema-authority';
import type { DatasetSchema } from '@anatomy/schema-authority';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProgram } from './compile-program.js';
import { Diagnostic } from './diagnostic.js';
import { TestDatabase, registryOf } from './duckdb-fixture.test-support.js';
import { Normalize } from './normalize.js';
import { Project } from './project.js';
import { fileId, fileRows, files, locate, refId, tsDefRows, tsDefs, tsRefRows, tsRefs } from './python-fixture.test-support.js';
import { Relate } from './relate.js';
import { defineProgram } from './semantic-program.js';

const tsErrors: DatasetSchema = defineDataset({
  name: 'evidence.ts_errors',
  producer: 'tree-sitter',
  version: 1,
  description: 'syntax errors',
  spanUnit: 'utf8-bytes',
  columns: [
    { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'file' },
    { name: 'bstart', type: 'int64', nullable: false, role: 'span-start', description: 'start' },
    { name: 'bend', type: 'int64', nullable: false, role: 'span-end', description: 'end' },
    { name: 'line', type: 'int32', nullable: false, role: 'line', description: 'line' },
    { name: 'col', type: 'int32', nullable: false, role: 'column', description: 'column' },
    { name: 'message', type: 'utf8', nullable: false, role: 'attribute', description: 'what failed' },
  ],
});
const errorAt = locate('pkg/twice.py', 'pass', 1);

const program = defineProgram({
  name: 'diagnostics',
  views: [
    Normalize.create({ name: 'defs', from: 'evidence.ts_defs', entity: 'def' }),
    Normalize.create({ name: 'refs', from: 'evidence.ts_refs', entity: 'ref' }),
    Relate.create({ name: 'resolves', edge: 'RESOLVES_TO', left: 'norm.refs', right: 'norm.defs', intent: 'refers-to', keep: 'best' }),
    Diagnostic.create({
      name: 'unresolved',
      from: 'norm.refs',
      where: [{ role: 'kind', in: ['load'] }],
      unmatched: 'rel.resolves',
      code: 'UnresolvedName',
      severity: 'warning',
      message: 'name {name} is not defined in this file',
    }),
    Diagnostic.create({ name: 'syntax', from: 'evidence.ts_errors', code: 'SyntaxError', severity: 'error', message: 'tree-sitter could not parse this' }),
    Relate.create({ name: 'file_diagnostics', edge: 'HAS_DIAGNOSTIC', left: 'diag.syntax', right: { from: 'evidence.files', entity: 'file' }, intent: 'same-file', src: 'right' }),
    Project.create({ name: 'cpg.nodes', rows: [{ from: 'diag.unresolved', kind: 'DIAGNOSTIC' }, { from: 'diag.syntax', kind: 'DIAGNOSTIC' }] }),
    Project.create({ name: 'cpg.edges', rows: [{ from: 'rel.file_diagnostics' }, { from: 'rel.resolves' }] }),
  ],
});
const manifest = compileProgram(program, registryOf(files, tsDefs, tsRefs, tsErrors));

describe('diagnostic', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await TestDatabase.open();
    await db.load(files, fileRows);
    await db.load(tsDefs, tsDefRows);
    await db.load(tsRefs, tsRefRows);
    await db.load(tsErrors, [{ file_id: fileId('pkg/twice.py'), ...errorAt, message: 'ERROR node' }]);
    await db.install(manifest);
  });
  afterAll(() => db.close());

  it('reports the rows meeting the condition that have no edge in the relationship', async () => {
    const sql = manifest.views.find((v) => v.name === 'diag.unresolved')!.sql;
    expect(sql).toContain(`concat('name ', coalesce(CAST("s"."name" AS VARCHAR), '?'), ' is not defined in this file') AS "message"`);
    expect(sql).toMatch(/WHERE "s"\."ctx" IN \('load'\)\n {2}AND NOT EXISTS \(SELECT 1 FROM "rel"\."resolves" AS "m" WHERE "m"\."src_node_id" = "s"\."ref_id"\)$/);
    const rows = await db.rows('SELECT * FROM diag.unresolved ORDER BY file_id, bstart');
    // Definitions only: a variable (`total`), a parameter (`y`) and an import (`os`) resolve to none, nor does `outer` outside its file.
    const unresolved = tsRefRows.filter((r) => r['ctx'] === 'load' && (['os', 'y', 'total'].includes(r['name'] as string) || r['file_id'] === fileId('pkg/ünï.py')));
    expect(rows).toEqual(
      unresolved
        .map((r) => ({
          diagnostic_id: stableId('diag.unresolved', refId(r)),
          subject_id: refId(r),
          file_id: String(r['file_id']),
          bstart: BigInt(r['bstart'] as number),
          bend: BigInt(r['bend'] as number),
          line: r['line'],
          col: r['col'],
          code: 'UnresolvedName',
          severity: 'warning',
          message: `name ${String(r['name'])} is not defined in this file`,
          source: 'tree-sitter',
        }))
        .sort((a, b) => (a.file_id < b.file_id ? -1 : a.file_id > b.file_id ? 1 : a.bstart < b.bstart ? -1 : 1)),
    );
  });

  it('identifies diagnostics of rows without identity by their location, and links them to their FILE', async () => {
    const diag = (await db.rows('SELECT * FROM diag.syntax'))[0]!;
    expect(diag).toEqual({
      diagnostic_id: stableId('diag.syntax', fileId('pkg/twice.py'), errorAt.bstart, errorAt.bend),
      file_id: fileId('pkg/twice.py'),
      bstart: BigInt(errorAt.bstart),
      bend: BigInt(errorAt.bend),
      line: errorAt.line,
      col: errorAt.col,
      code: 'SyntaxError',
      severity: 'error',
      message: 'tree-sitter could not parse this',
      source: 'tree-sitter',
    });
    const edges = await db.rows(`SELECT src_node_id, dst_node_id, edge_kind, path FROM cpg.edges WHERE edge_kind = 'HAS_DIAGNOSTIC'`);
    expect(edges).toEqual([{ src_node_id: stableId('file', fileId('pkg/twice.py')), dst_node_id: diag['diagnostic_id'], edge_kind: 'HAS_DIAGNOSTIC', path: 'pkg/twice.py' }]);
  });

  it('projects diagnostics as DIAGNOSTIC nodes named by their code, with the path of their file', async () => {
    const nodes = await db.rows(`SELECT name, path, origin, count(*) AS n FROM cpg.nodes GROUP BY ALL ORDER BY name, path`);
    expect(nodes).toEqual([
      { name: 'SyntaxError', path: 'pkg/twice.py', origin: 'tree-sitter', n: 1n },
      { name: 'UnresolvedName', path: 'pkg/mod.py', origin: 'tree-sitter', n: 3n },
      { name: 'UnresolvedName', path: 'pkg/ünï.py', origin: 'tree-sitter', n: 1n },
    ]);
  });
});
