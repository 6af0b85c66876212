import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '@anatomy/store';
import type { Store } from '@anatomy/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportNeo4jCsv } from './export-neo4j-csv.js';
import { openCpg } from './open-cpg.js';
import type { Cpg } from './open-cpg.js';
import { HOSTILE_NAME, MULTILINE_NAME, ambiguousToHelper, buildSampleCpg, calls, defs, edges, nodes, removeTempDirs, symbol, tempDir } from './sample-cpg.fixture.js';

/** A field as read from CSV: its text and whether it was quoted (an unquoted empty field is NULL to neo4j-admin). */
interface Field {
  readonly text: string;
  readonly quoted: boolean;
}

/** A small RFC 4180 reader, independent of the writer: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): Field[][] {
  const records: Field[][] = [];
  let record: Field[] = [];
  let i = 0;
  while (i < text.length) {
    let value = '';
    let quoted = false;
    if (text[i] === '"') {
      quoted = true;
      i += 1;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quote');
        if (text[i] === '"' && text[i + 1] === '"') {
          value += '"';
          i += 2;
        } else if (text[i] === '"') {
          i += 1;
          break;
        } else {
          value += text[i];
          i += 1;
        }
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\n') value += text[i++];
    }
    record.push({ text: value, quoted });
    if (text[i] === ',') {
      i += 1;
    } else {
      if (text[i] !== '\n' && i < text.length) throw new Error(`unexpected ${JSON.stringify(text[i])} at ${i}`);
      records.push(record);
      record = [];
      i += 1;
    }
  }
  return records;
}

const NEO4J_TYPES = new Set(['int', 'long', 'float', 'double', 'boolean', 'byte', 'short', 'char', 'string']);

const SPECIAL = /^:(ID|LABEL|START_ID|END_ID|TYPE)$/;

/** The header rules of neo4j-admin import: `name:type` fields, the special fields present, known types, unique property names. */
function checkHeader(header: readonly Field[], special: readonly string[]): string[] {
  const problems: string[] = [];
  const names = header.map((f) => f.text);
  for (const s of special) if (!names.some((n) => n === `:${s}` || n.endsWith(`:${s}`))) problems.push(`missing :${s}`);
  // `nodeId:ID` is the id and a property named nodeId; `:LABEL` and the like are no properties.
  const properties = names.filter((n) => !SPECIAL.test(n));
  for (const name of properties) {
    const [property, type, ...rest] = name.split(':');
    if (rest.length > 0 || !/^[A-Za-z0-9_]+$/.test(property!)) problems.push(`bad field ${name}`);
    if (type !== undefined && type !== 'ID' && !NEO4J_TYPES.has(type)) problems.push(`unknown type in ${name}`);
  }
  const keys = properties.map((n) => n.split(':')[0]);
  if (new Set(keys).size !== keys.length) problems.push('duplicate property names');
  if (header.some((f) => f.quoted)) problems.push('quoted header field');
  return problems;
}

const fields = (...names: string[]): Field[] => names.map((text) => ({ text, quoted: false }));

let cpg: Cpg;
let nodesOnly: Cpg;
let reader: Store;
beforeAll(async () => {
  const dir = tempDir();
  cpg = await openCpg(await buildSampleCpg(join(dir, 'sample.duckdb')));
  nodesOnly = await openCpg(await buildSampleCpg(join(dir, 'nodes-only.duckdb'), { edges: false, props: false }));
  reader = await openStore({ path: ':memory:' });
});
afterAll(async () => {
  await cpg.close();
  await nodesOnly.close();
  await reader.close();
  removeTempDirs();
});

function recordsById(records: Field[][], header: readonly Field[], idField: string): Map<string, Record<string, Field>> {
  const names = header.map((f) => f.text);
  return new Map(records.map((r) => [r[names.indexOf(idField)]!.text, Object.fromEntries(names.map((n, i) => [n, r[i]!]))]));
}

describe('exportNeo4jCsv', () => {
  it('writes headers that follow the neo4j-admin import rules', async () => {
    const out = tempDir();
    await exportNeo4jCsv(cpg, out);
    const [nodeHeader] = parseCsv(readFileSync(join(out, 'nodes.csv'), 'utf8'));
    const [edgeHeader] = parseCsv(readFileSync(join(out, 'edges.csv'), 'utf8'));
    expect(nodeHeader!.map((f) => f.text)).toEqual([
      'nodeId:ID',
      ':LABEL',
      'name',
      'file_id',
      'path',
      'bstart:long',
      'bend:long',
      'line:int',
      'col:int',
      'origin',
      'def_kind',
      'is_star:boolean',
      'level:long',
      'module',
      'name_bstart:long',
      'note',
      'prop_path',
      'qualname',
    ]);
    expect(edgeHeader!.map((f) => f.text)).toEqual([
      ':START_ID',
      ':END_ID',
      ':TYPE',
      'edgeId',
      'file_id',
      'path',
      'bstart:long',
      'bend:long',
      'origin',
      'rule',
      'confidence:double',
      'share:double',
    ]);
    expect(checkHeader(nodeHeader!, ['ID', 'LABEL'])).toEqual([]);
    expect(checkHeader(edgeHeader!, ['START_ID', 'END_ID', 'TYPE'])).toEqual([]);
    // The rules catch what a careless header would do.
    expect(checkHeader(fields(':LABEL', 'a:int', 'b:weird', 'a', 'c:d:e'), ['ID', 'LABEL'])).toEqual([
      'missing :ID',
      'unknown type in b:weird',
      'bad field c:d:e',
      'unknown type in c:d:e',
      'duplicate property names',
    ]);
  });

  it('writes one record per node and edge, every end a node id', async () => {
    const out = tempDir();
    const summary = await exportNeo4jCsv(cpg, out);
    expect(summary.tables.map((t) => [t.table, t.rows, t.files])).toEqual([
      ['nodes', nodes.length, [join(out, 'nodes.csv')]],
      ['edges', edges.length, [join(out, 'edges.csv')]],
    ]);
    const [nodeHeader, ...nodeRows] = parseCsv(readFileSync(join(out, 'nodes.csv'), 'utf8'));
    const [edgeHeader, ...edgeRows] = parseCsv(readFileSync(join(out, 'edges.csv'), 'utf8'));
    expect(nodeRows).toHaveLength(nodes.length);
    expect(edgeRows).toHaveLength(edges.length);
    expect(nodeRows.every((r) => r.length === nodeHeader!.length) && edgeRows.every((r) => r.length === edgeHeader!.length)).toBe(true);
    const ids = new Set(nodeRows.map((r) => r[0]!.text));
    expect(edgeRows.every((r) => ids.has(r[0]!.text) && ids.has(r[1]!.text))).toBe(true);
    // DuckDB's CSV reader agrees on the record counts despite quoted line breaks.
    const [counted] = await reader.query(
      `SELECT (SELECT count(*) FROM read_csv('${join(out, 'nodes.csv')}', header = true, quote = '"', escape = '"', all_varchar = true)) AS nodes, ` +
        `(SELECT count(*) FROM read_csv('${join(out, 'edges.csv')}', header = true, quote = '"', escape = '"', all_varchar = true)) AS edges`,
    );
    expect(counted).toEqual({ nodes: BigInt(nodes.length), edges: BigInt(edges.length) });
  });

  it('quotes strings, doubles quotes, keeps line breaks, types numbers and leaves NULL empty', async () => {
    const out = tempDir();
    const summary = await exportNeo4jCsv(cpg, out);
    const [nodeHeader, ...nodeRows] = parseCsv(readFileSync(join(out, 'nodes.csv'), 'utf8'));
    const byId = recordsById(nodeRows, nodeHeader!, 'nodeId:ID');
    expect(byId.get(calls.hostile.node_id)?.['name']).toEqual({ text: HOSTILE_NAME, quoted: true });
    expect(byId.get(calls.multiline.node_id)?.['name']).toEqual({ text: MULTILINE_NAME, quoted: true });
    const grusse = byId.get(defs.grusse.node_id)!;
    expect(grusse[':LABEL']).toEqual({ text: 'DEF', quoted: true });
    expect(grusse['name']).toEqual({ text: 'grüße', quoted: true });
    expect(grusse['bstart:long']).toEqual({ text: String(defs.grusse.bstart), quoted: false });
    expect(grusse['def_kind']).toEqual({ text: 'function', quoted: true });
    expect(byId.get(symbol.node_id)?.['file_id']).toEqual({ text: '', quoted: false });
    expect(byId.get(defs.run.node_id)?.['note']).toEqual({ text: '7', quoted: true });
    const [edgeHeader, ...edgeRows] = parseCsv(readFileSync(join(out, 'edges.csv'), 'utf8'));
    const edge = recordsById(edgeRows, edgeHeader!, 'edgeId').get(ambiguousToHelper.edge_id)!;
    expect([edge[':TYPE']?.text, edge['confidence:double'], edge['share:double']]).toEqual(['CALLS', { text: '0.55', quoted: false }, { text: '0.55', quoted: false }]);
    expect(summary.notes.join('\n')).toContain('--multiline-fields=true');
  });

  it('writes a header-only edges.csv when the store has no edges', async () => {
    const out = tempDir();
    const summary = await exportNeo4jCsv(nodesOnly, out);
    expect(summary.tables.map((t) => t.rows)).toEqual([nodes.length, 0]);
    expect(readFileSync(join(out, 'edges.csv'), 'utf8')).toBe(
      ':START_ID,:END_ID,:TYPE,edgeId,file_id,path,bstart:long,bend:long,origin,rule,confidence:double\n',
    );
    expect(summary.notes.join('\n')).toContain('--multiline-fields=true');
  });
});
