import { resolve } from 'node:path';
import { cpgEdgesDataset, cpgNodesDataset } from '@anatomy/schema-authority';
import type { ExportedTable, ExportSummary } from './export-summary.js';
import { assertEdgesConnect } from './dangling-edges.js';
import { attributeReader, entityAttributes, entityRowsSql } from './entity-attributes.js';
import type { AttributeValue, EntityAttribute } from './entity-attributes.js';
import type { Cpg } from './open-cpg.js';
import type { RowBatch } from './row-batch.js';
import { writeStagedFile } from './staged-output.js';
import type { OutputSink } from './staged-output.js';
import { xmlText } from './xml-text.js';

const GRAPHML_NS = 'http://graphml.graphdrawing.org/xmlns';

/** GraphML `double` follows XML Schema, which spells infinities INF and -INF. */
function graphmlValue(value: Exclude<AttributeValue, null>): string {
  if (typeof value === 'number' && !Number.isFinite(value) && !Number.isNaN(value)) return value > 0 ? 'INF' : '-INF';
  return xmlText(String(value));
}

function keyDeclarations(domain: 'node' | 'edge', prefix: string, attributes: readonly EntityAttribute[]): string {
  return attributes
    .map((a, i) => `  <key id="${prefix}${i}" for="${domain}" attr.name="${xmlText(a.name)}" attr.type="${a.type}"/>\n`)
    .join('');
}

function dataElements(prefix: string, values: readonly AttributeValue[]): string {
  let out = '';
  values.forEach((value, i) => {
    // An absent <data> is GraphML's "no value", which is what NULL means.
    if (value !== null) out += `<data key="${prefix}${i}">${graphmlValue(value)}</data>`;
  });
  return out;
}

/**
 * Exports the CPG as one GraphML file: a directed graph whose nodes are
 * `cpg.nodes` (GraphML id = `node_id`) and whose edges are `cpg.edges`
 * (id = `edge_id`, source and target = its ends). Every other contract
 * column, and every property in `cpg.props`, becomes a `<data>` attribute
 * declared by a typed `<key>` (`string`, `int`, `long`, `double`,
 * `boolean`); NULL is left out. Text is XML-escaped, characters XML cannot
 * hold become U+FFFD, and rows stream to the file in batches. Fails with
 * `cpg-query/ContractViolation` when an edge names a missing node.
 *
 * @example
 * await exportGraphML(cpg, 'out/cpg.graphml'); // networkx.read_graphml('out/cpg.graphml')
 */
export async function exportGraphML(cpg: Cpg, outPath: string): Promise<ExportSummary> {
  const target = resolve(outPath);
  await assertEdgesConnect(cpg);
  const nodeAttributes = await entityAttributes(cpg, cpgNodesDataset, { structural: ['node_id'] });
  const edgeAttributes = await entityAttributes(cpg, cpgEdgesDataset, { structural: ['edge_id', 'src_node_id', 'dst_node_id'] });
  const counts = await writeStagedFile(target, async (sink) => {
    await sink.write(
      `<?xml version="1.0" encoding="UTF-8"?>\n` +
        `<graphml xmlns="${GRAPHML_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ` +
        `xsi:schemaLocation="${GRAPHML_NS} ${GRAPHML_NS}/1.0/graphml.xsd">\n` +
        keyDeclarations('node', 'n', nodeAttributes) +
        keyDeclarations('edge', 'e', edgeAttributes) +
        `  <graph id="cpg" edgedefault="directed">\n`,
    );
    const nodes = await cpg.eachBatch(entityRowsSql(cpg, cpgNodesDataset), (batch) =>
      writeElements(sink, batch, nodeAttributes, (row, values) => {
        return `    <node id="${xmlText(String(row('node_id')))}">${dataElements('n', values)}</node>\n`;
      }),
    );
    const edges = await cpg.eachBatch(entityRowsSql(cpg, cpgEdgesDataset), (batch) =>
      writeElements(sink, batch, edgeAttributes, (row, values) => {
        const ends = `source="${xmlText(String(row('src_node_id')))}" target="${xmlText(String(row('dst_node_id')))}"`;
        return `    <edge id="${xmlText(String(row('edge_id')))}" ${ends}>${dataElements('e', values)}</edge>\n`;
      }),
    );
    await sink.write('  </graph>\n</graphml>\n');
    return { nodes, edges };
  });
  const tables: ExportedTable[] = [
    { table: 'nodes', rows: counts.nodes, files: [target] },
    { table: 'edges', rows: counts.edges, files: [target] },
  ];
  return Object.freeze({ format: 'graphml', target, tables: Object.freeze(tables), notes: Object.freeze([]) });
}

async function writeElements(
  sink: OutputSink,
  batch: RowBatch,
  attributes: readonly EntityAttribute[],
  element: (row: (column: string) => unknown, values: readonly AttributeValue[]) => string,
): Promise<void> {
  const values = attributeReader(attributes, batch);
  const parts: string[] = [];
  for (let r = 0; r < batch.rowCount; r += 1) {
    parts.push(element((column) => batch.vectors[batch.columns.indexOf(column)]?.[r], values(r)));
  }
  await sink.write(parts.join(''));
}
