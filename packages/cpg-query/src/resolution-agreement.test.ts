import { cpgEdgesDataset, cpgNodesDataset, cpgPropsDataset, createTableSql } from '@anatomy/schema-authority';
import { openStore } from '@anatomy/store';
import type { Store } from '@anatomy/store';
import { afterEach, describe, expect, it } from 'vitest';
import { CpgQueryError } from './cpg-query-error.js';
import { measureResolutionAgreement } from './resolution-agreement.js';

const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

/** A CPG of one file m.py: def f (name at 4..5), def g (name at 30..31), and three loads of names. */
async function cpgStore(withScip: boolean): Promise<Store> {
  const store = await openStore({ path: ':memory:' });
  stores.push(store);
  await store.run('CREATE SCHEMA cpg; CREATE SCHEMA evidence;');
  for (const ds of [cpgNodesDataset, cpgEdgesDataset, cpgPropsDataset]) await store.run(createTableSql(ds));
  await store.run(`INSERT INTO cpg.nodes (node_id, node_kind, name, file_id, bstart, bend, origin) VALUES
    ('def:f', 'DEF', 'f', 'm', 0, 20, 'tree-sitter'), ('def:g', 'DEF', 'g', 'm', 26, 40, 'tree-sitter'),
    ('ref:1', 'REF', 'f', 'm', 50, 51, 'tree-sitter'), ('ref:2', 'REF', 'g', 'm', 60, 61, 'tree-sitter'), ('ref:3', 'REF', 'f', 'm', 70, 71, 'tree-sitter')`);
  await store.run(`INSERT INTO cpg.props (entity_id, prop_key, value_type, value_int) VALUES
    ('def:f', 'name_bstart', 'int', 4), ('def:f', 'name_bend', 'int', 5), ('def:g', 'name_bstart', 'int', 30), ('def:g', 'name_bend', 'int', 31)`);
  // ref:1 → f, fused with SCIP; ref:2 → f where SCIP says g; ref:3 only by SCIP.
  await store.run(`INSERT INTO cpg.edges (edge_id, edge_kind, src_node_id, dst_node_id, origin, rule, confidence) VALUES
    ('e1', 'RESOLVES_TO', 'ref:1', 'def:f', 'extract-scip+tree-sitter', 'rel.loads_def+rel.scip_loads', 0.9),
    ('e2', 'RESOLVES_TO', 'ref:2', 'def:f', 'tree-sitter', 'rel.loads_def', 0.75),
    ('e3', 'RESOLVES_TO', 'ref:3', 'def:f', 'extract-scip+tree-sitter', 'rel.scip_loads', 0.66)`);
  if (withScip) {
    await store.run(`CREATE TABLE evidence.scip_occurrences (file_id VARCHAR, bstart BIGINT, bend BIGINT, symbol VARCHAR, is_definition BOOLEAN, is_local_symbol BOOLEAN)`);
    await store.run(`INSERT INTO evidence.scip_occurrences VALUES
      ('m', 4, 5, 'p m/f().', true, false), ('m', 30, 31, 'p m/g().', true, false),
      ('m', 50, 51, 'p m/f().', false, false), ('m', 60, 61, 'p m/g().', false, false), ('m', 70, 71, 'p m/f().', false, false)`);
  }
  return store;
}

describe('measureResolutionAgreement', () => {
  it('counts local edges, those SCIP judges and those it agrees with, leaving SCIP-only edges out of the local ones', async () => {
    const store = await cpgStore(true);
    const m = await measureResolutionAgreement({ sql: (q) => store.query(q) });
    expect(m).toEqual({ localEdges: 2, comparableEdges: 2, agreeingEdges: 1, scipResolvedRefs: 3, agreeingRefs: 1, precision: 0.5, recall: 1 / 3 });
  });

  it('says how to get SCIP evidence when the store has none', async () => {
    const store = await cpgStore(false);
    let error: unknown;
    try {
      await measureResolutionAgreement({ sql: (q) => store.query(q) });
    } catch (e) {
      error = e;
    }
    expect(CpgQueryError.is(error, 'MissingTable')).toBe(true);
    expect(CpgQueryError.is(error) && error.hint).toContain('--scip');
  });
});
