import { stableId } from '@anatomy/contracts';
import { defineDataset } from '@anatomy/schema-authority';
import type { DatasetSchema } from '@anatomy/schema-authority';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProgram } from './compile-program.js';
import { TestDatabase, registryOf } from './duckdb-fixture.test-support.js';
import { Project } from './project.js';
import { fileRows, files } from './python-fixture.test-support.js';
import { Relate } from './relate.js';
import { defineProgram } from './semantic-program.js';

const id = (role: 'entity-identity' | 'attribute', name: string) => ({ name, type: 'utf8', nullable: false, role, description: name }) as const;
const file = { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'file' } as const;
const named = { name: 'name', type: 'utf8', nullable: false, role: 'name', description: 'identifier' } as const;
const dataset = (name: string, columns: DatasetSchema['columns']): DatasetSchema =>
  defineDataset({ name, producer: 'test', version: 1, description: name, spanUnit: 'none', columns: [...columns] });

// Classes and their bases (a chain A → B → C → D, E with two bases, and a cycle X → Y → X), their methods, and
// calls of a method name on the instance of a class.
const classes = dataset('evidence.classes', [id('entity-identity', 'class_id'), file, named]);
const bases = dataset('evidence.bases', [id('attribute', 'class_id'), id('attribute', 'base_class_id')]);
const methods = dataset('evidence.methods', [id('entity-identity', 'method_id'), file, id('attribute', 'class_id'), named]);
const selfCalls = dataset('evidence.self_calls', [id('entity-identity', 'call_id'), file, id('attribute', 'class_id'), named]);

const F = stableId('file', 'm.py');
const classRows = ['A', 'B', 'C', 'D', 'E', 'X', 'Y'].map((name) => ({ class_id: name, file_id: F, name }));
const baseRows = [
  ['A', 'B'],
  ['B', 'C'],
  ['C', 'D'],
  ['E', 'A'],
  ['E', 'D'],
  ['X', 'Y'],
  ['Y', 'X'],
].map(([c, b]) => ({ class_id: c, base_class_id: b }));
// run: in B (nearer from A) and in D (farther); walk too, but the farther one has the smaller id; stop: only in D; loop: in Y.
const methodRows = [
  ['0.walk', 'D', 'walk'],
  ['9.walk', 'B', 'walk'],
  ['B.run', 'B', 'run'],
  ['D.run', 'D', 'run'],
  ['D.stop', 'D', 'stop'],
  ['Y.loop', 'Y', 'loop'],
].map(([m, c, name]) => ({ method_id: m, file_id: F, class_id: c, name }));
const callRows = [
  ['A.run()', 'A', 'run'],
  ['A.stop()', 'A', 'stop'],
  ['X.loop()', 'X', 'loop'],
  ['C.run()', 'C', 'run'],
  ['A.walk()', 'A', 'walk'],
].map(([call, c, name]) => ({ call_id: call, file_id: F, class_id: c, name }));

const ancestors = Relate.create({
  name: 'ancestors',
  edge: 'ANCESTOR',
  left: 'evidence.classes',
  right: 'evidence.classes',
  intent: 'refers-to',
  through: [{ from: 'evidence.bases', left: { class_id: 'class_id' }, right: { base_class_id: 'class_id' } }],
  transitive: true,
});
const lookup = Relate.create({
  name: 'lookup',
  edge: 'CALLS',
  left: 'evidence.self_calls',
  right: 'evidence.methods',
  intent: 'refers-to',
  on: { left: 'name', right: 'name' },
  through: [{ from: 'rel.ancestors', left: { class_id: 'src_node_id' }, right: { dst_node_id: 'class_id' } }],
  score: { nearest: 1 },
  keep: 'best',
});
const program = defineProgram({ name: 'transitive', views: [ancestors, lookup, Project.create({ name: 'cpg.edges', rows: [{ from: 'rel.ancestors' }, { from: 'rel.lookup' }] })] });
const registry = registryOf(files, classes, bases, methods, selfCalls);
const manifest = compileProgram(program, registry);

describe('transitive relationships', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await TestDatabase.open();
    await db.load(files, fileRows);
    await db.load(classes, classRows);
    await db.load(bases, baseRows);
    await db.load(methods, methodRows);
    await db.load(selfCalls, callRows);
    await db.install(manifest);
  });
  afterAll(() => db.close());

  it('closes the edges over every path, each hop multiplying the confidence, and ends cycles without relating a row to itself', async () => {
    const rows = await db.rows(`SELECT src_node_id AS s, dst_node_id AS d, round(confidence, 4) AS c FROM rel.ancestors ORDER BY s, d`);
    const one = 2 / 3;
    const round = (c: number): number => Math.round(c * 1e4) / 1e4;
    expect(rows.map((r) => [r['s'], r['d'], r['c']])).toEqual([
      ['A', 'B', round(one)],
      ['A', 'C', round(one ** 2)],
      ['A', 'D', round(one ** 3)],
      ['B', 'C', round(one)],
      ['B', 'D', round(one ** 2)],
      ['C', 'D', round(one)],
      ['E', 'A', round(one)],
      ['E', 'B', round(one ** 2)],
      ['E', 'C', round(one ** 3)],
      // E reaches D directly and through A: the most confident (shortest) path wins.
      ['E', 'D', round(one)],
      ['X', 'Y', round(one)],
      ['Y', 'X', round(one)],
    ]);
    const ids = await db.rows(`SELECT edge_id, edge_kind, src_node_id, dst_node_id, rule FROM rel.ancestors WHERE src_node_id = 'E' AND dst_node_id = 'D'`);
    expect(ids).toEqual([{ edge_id: stableId('edge', 'ANCESTOR', 'E', 'D'), edge_kind: 'ANCESTOR', src_node_id: 'E', dst_node_id: 'D', rule: 'rel.ancestors' }]);
  });

  it('ranks the candidates reached through the nearest path first: the nearest ancestor defining a name wins', async () => {
    const rows = await db.rows(`SELECT src_node_id AS s, dst_node_id AS d FROM rel.lookup ORDER BY s`);
    expect(rows.map((r) => [r['s'], r['d']])).toEqual([
      ['A.run()', 'B.run'],
      ['A.stop()', 'D.stop'],
      ['A.walk()', '9.walk'],
      ['C.run()', 'D.run'],
      ['X.loop()', 'Y.loop'],
    ]);
    const [nearest, farther] = await db.rows(
      `SELECT confidence FROM rel.lookup WHERE src_node_id IN ('A.run()', 'A.stop()') ORDER BY src_node_id`,
    );
    // Both are the nearest of their candidates, so the feature holds for both.
    expect(nearest?.['confidence']).toBe(farther?.['confidence']);
  });

  it('is never fused with another relationship, and says how its confidence follows from paths', () => {
    expect(manifest.views.map((v) => v.name)).not.toContain('rel.ancestors__lookup');
    const confidence = manifest.views.find((v) => v.name === 'rel.ancestors')!.decisions.find((d) => d.value.topic === 'confidence')!;
    expect(confidence.evidence.map((e) => e.detail)).toContain(
      'rel.ancestors is transitive: an edge closing a path a → … → z has the product of the confidences of the most confident such path',
    );
  });

  it('refuses a transitive relationship between two datasets, and nearest without a relationship to go through', () => {
    expect(() => Relate.create({ ...ancestors, right: 'evidence.methods' })).toThrow(/relates rows of one dataset/);
    const bad = defineProgram({
      name: 'bad',
      views: [
        Relate.create({ name: 'flat', edge: 'CALLS', left: 'evidence.self_calls', right: 'evidence.methods', intent: 'refers-to', on: { left: 'name', right: 'name' }, through: [{ from: 'evidence.bases', left: { class_id: 'class_id' } }], score: { nearest: 1 } }),
        Project.create({ name: 'cpg.edges', rows: [{ from: 'rel.flat' }] }),
      ],
    });
    expect(() => compileProgram(bad, registry)).toThrow(/nearest cannot discriminate: the join goes through no relationship/);
  });
});
