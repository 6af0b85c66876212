import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpgEdgesDataset, cpgNodesDataset } from '@anatomy/schema-authority';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportGraphML } from './export-graphml.js';
import { openCpg } from './open-cpg.js';
import type { Cpg } from './open-cpg.js';
import {
  HOSTILE_NAME,
  MULTILINE_NAME,
  ambiguousToHelper,
  buildSampleCpg,
  buildStoreFile,
  calls,
  defs,
  edges,
  ingestRows,
  nodes,
  removeTempDirs,
  symbol,
  tempDir,
} from './sample-cpg.fixture.js';

interface Data {
  '@_key': string;
  '#text'?: string;
}
interface Element {
  '@_id': string;
  '@_source'?: string;
  '@_target'?: string;
  data?: Data[];
}
interface Key {
  '@_id': string;
  '@_for': string;
  '@_attr.name': string;
  '@_attr.type': string;
}
interface GraphMl {
  graphml: { key?: Key[]; graph: { '@_edgedefault': string; node?: Element[]; edge?: Element[] } };
}

/** An independent reader: fast-xml-parser, keeping text as written and decoding character references. */
function parse(file: string): GraphMl {
  const parser = new XMLParser({
    ignoreAttributes: false,
    htmlEntities: true,
    trimValues: false,
    parseTagValue: false,
    parseAttributeValue: false,
    isArray: (name) => ['key', 'node', 'edge', 'data'].includes(name),
  });
  return parser.parse(readFileSync(file, 'utf8')) as GraphMl;
}

/** An element's attributes by name, through the key declarations. */
function attributesOf(doc: GraphMl, element: Element | undefined): Record<string, string> {
  const names = new Map((doc.graphml.key ?? []).map((k) => [k['@_id'], k['@_attr.name']]));
  return Object.fromEntries((element?.data ?? []).map((d) => [names.get(d['@_key']), d['#text'] ?? '']));
}

let cpg: Cpg;
let nodesOnly: Cpg;
beforeAll(async () => {
  const dir = tempDir();
  cpg = await openCpg(await buildSampleCpg(join(dir, 'sample.duckdb')));
  nodesOnly = await openCpg(await buildSampleCpg(join(dir, 'nodes-only.duckdb'), { edges: false, props: false }));
});
afterAll(async () => {
  await cpg.close();
  await nodesOnly.close();
  removeTempDirs();
});

describe('exportGraphML', () => {
  it('declares typed keys for columns and properties', async () => {
    const file = join(tempDir(), 'out', 'cpg.graphml');
    await exportGraphML(cpg, file);
    const doc = parse(file);
    const keys = (doc.graphml.key ?? []).map((k) => `${k['@_for']}:${k['@_attr.name']}:${k['@_attr.type']}`);
    expect(keys).toEqual([
      'node:node_kind:string',
      'node:name:string',
      'node:file_id:string',
      'node:path:string',
      'node:bstart:long',
      'node:bend:long',
      'node:line:int',
      'node:col:int',
      'node:origin:string',
      'node:def_kind:string',
      'node:is_star:boolean',
      'node:level:long',
      'node:module:string',
      'node:name_bstart:long',
      'node:note:string',
      'node:prop_path:string',
      'node:qualname:string',
      'edge:edge_kind:string',
      'edge:file_id:string',
      'edge:path:string',
      'edge:bstart:long',
      'edge:bend:long',
      'edge:origin:string',
      'edge:rule:string',
      'edge:confidence:double',
      'edge:share:double',
    ]);
    expect(new Set((doc.graphml.key ?? []).map((k) => k['@_id'])).size).toBe(keys.length);
  });

  it('writes every node and edge with its attributes, leaving NULL out', async () => {
    const file = join(tempDir(), 'cpg.graphml');
    const summary = await exportGraphML(cpg, file);
    expect(summary.tables.map((t) => [t.table, t.rows])).toEqual([
      ['nodes', nodes.length],
      ['edges', edges.length],
    ]);
    const doc = parse(file);
    const graph = doc.graphml.graph;
    expect(graph['@_edgedefault']).toBe('directed');
    expect(graph.node?.map((n) => n['@_id']).sort()).toEqual(nodes.map((n) => n.node_id).sort());
    expect(graph.edge).toHaveLength(edges.length);
    const byId = new Map([...(graph.node ?? []), ...(graph.edge ?? [])].map((e) => [e['@_id'], e]));
    expect(attributesOf(doc, byId.get(defs.grusse.node_id))).toEqual({
      node_kind: 'DEF',
      name: 'grüße',
      file_id: defs.grusse.file_id,
      path: 'pkg/café.py',
      bstart: String(defs.grusse.bstart),
      bend: String(defs.grusse.bend),
      line: String(defs.grusse.line),
      col: '4',
      origin: 'tree-sitter',
      def_kind: 'function',
      qualname: 'grüße',
      name_bstart: String(defs.grusse.bstart! + 4n),
    });
    expect(Object.keys(attributesOf(doc, byId.get(symbol.node_id)))).toEqual(['node_kind', 'name', 'origin']);
    expect(attributesOf(doc, byId.get(defs.main.node_id))).toMatchObject({ note: 'entry point', prop_path: 'shadowed', path: 'pkg/app.py' });
    expect(attributesOf(doc, byId.get(defs.run.node_id))['note']).toBe('7');
    const edge = byId.get(ambiguousToHelper.edge_id);
    expect([edge?.['@_source'], edge?.['@_target']]).toEqual([calls.bruehenAmbiguous.node_id, defs.helper.node_id]);
    expect(attributesOf(doc, edge)).toMatchObject({ edge_kind: 'CALLS', confidence: '0.55', share: '0.55' });
  });

  it('escapes markup, quotes and line breaks so a parser gets the names back', async () => {
    const file = join(tempDir(), 'cpg.graphml');
    await exportGraphML(cpg, file);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('&lt;a href=&apos;x&apos;&gt;&amp;&quot;ü');
    const byId = new Map((parse(file).graphml.graph.node ?? []).map((n) => [n['@_id'], n]));
    const doc = parse(file);
    // U+0001 cannot appear in XML at all, so it becomes U+FFFD; everything else survives.
    expect(attributesOf(doc, byId.get(calls.hostile.node_id))['name']).toBe(HOSTILE_NAME.replace('\u0001', '\uFFFD'));
    expect(attributesOf(doc, byId.get(calls.multiline.node_id))['name']).toBe(MULTILINE_NAME);
  });

  it('writes a graph without edges when the store has none', async () => {
    const file = join(tempDir(), 'nodes.graphml');
    await exportGraphML(nodesOnly, file);
    const doc = parse(file);
    expect(doc.graphml.graph.node).toHaveLength(nodes.length);
    expect(doc.graphml.graph.edge).toBeUndefined();
    expect((doc.graphml.key ?? []).filter((k) => k['@_for'] === 'edge').map((k) => k['@_attr.name'])).toEqual(
      cpgEdgesDataset.columns.map((c) => c.name).filter((n) => !['edge_id', 'src_node_id', 'dst_node_id'].includes(n)),
    );
  });

  it('refuses an edge whose end is missing and leaves no file behind', async () => {
    const dir = tempDir();
    const store = await buildStoreFile(join(dir, 'dangling.duckdb'), async (s) => {
      await ingestRows(s, cpgNodesDataset, nodes);
      await ingestRows(s, cpgEdgesDataset, [{ ...edges[0]!, dst_node_id: 'node:gone' }]);
    });
    const broken = await openCpg(store);
    try {
      await expect(exportGraphML(broken, join(dir, 'out.graphml'))).rejects.toMatchObject({ code: 'cpg-query/ContractViolation' });
      expect(() => readFileSync(join(dir, 'out.graphml'))).toThrow();
    } finally {
      await broken.close();
    }
  });
});
