import { join, resolve } from 'node:path';
import { cpgEdgesDataset, cpgNodesDataset } from '@anatomy/schema-authority';
import type { DatasetSchema } from '@anatomy/schema-authority';
import { CpgQueryError } from './cpg-query-error.js';
import { csvField } from './csv-field.js';
import { assertEdgesConnect } from './dangling-edges.js';
import { attributeReader, entityAttributes, entityRowsSql } from './entity-attributes.js';
import type { AttributeValue, EntityAttribute } from './entity-attributes.js';
import type { ExportedTable, ExportSummary } from './export-summary.js';
import { exportTableName } from './export-table-name.js';
import { KindNameSchema } from './kind-name.js';
import type { Cpg } from './open-cpg.js';
import { writeStagedFile } from './staged-output.js';

/** Property names neo4j-admin reads unambiguously from a header: a `:` would start the type, a `,` end the field. */
function neo4jName(key: string): string {
  const spelled = key.replace(/[^A-Za-z0-9_]/g, '_');
  return spelled === '' ? '_' : spelled;
}

function headerField(attribute: EntityAttribute): string {
  // string is the importer's default type, so it needs no suffix.
  return attribute.type === 'string' ? attribute.name : `${attribute.name}:${attribute.type}`;
}

interface CsvTable {
  readonly ds: DatasetSchema;
  readonly file: string;
  /** Header fields the format defines, before the attributes. */
  readonly lead: readonly string[];
  /** Contract columns written in the lead fields, in order. */
  readonly leadColumns: readonly string[];
  /** The lead column that becomes a label or relationship type. */
  readonly kindColumn: string;
  readonly reserved: readonly string[];
}

/**
 * Exports the CPG as the CSV files `neo4j-admin database import` reads:
 * `outDir/nodes.csv` with header `nodeId:ID,:LABEL,name,…` (the node id is
 * kept as the `nodeId` property, `node_kind` is the label) and
 * `outDir/edges.csv` with header `:START_ID,:END_ID,:TYPE,edgeId,…`
 * (`edge_kind` is the relationship type). Other contract columns and every
 * property in `cpg.props` follow as typed properties (`bstart:long`,
 * `line:int`, `confidence:double`, strings untyped). The summary's notes give
 * the import command, with `--multiline-fields=true` when a value holds a line
 * break. Fails with `cpg-query/ContractViolation` when an edge names a
 * missing node or a kind is not a valid label.
 *
 * @example
 * await exportNeo4jCsv(cpg, 'out/neo4j');
 * // neo4j-admin database import full --nodes=out/neo4j/nodes.csv --relationships=out/neo4j/edges.csv neo4j
 */
export async function exportNeo4jCsv(cpg: Cpg, outDir: string): Promise<ExportSummary> {
  const target = resolve(outDir);
  await assertEdgesConnect(cpg);
  const layouts: readonly CsvTable[] = [
    {
      ds: cpgNodesDataset,
      file: join(target, 'nodes.csv'),
      lead: ['nodeId:ID', ':LABEL'],
      leadColumns: ['node_id', 'node_kind'],
      kindColumn: 'node_kind',
      reserved: ['nodeId'],
    },
    {
      ds: cpgEdgesDataset,
      file: join(target, 'edges.csv'),
      lead: [':START_ID', ':END_ID', ':TYPE', 'edgeId'],
      leadColumns: ['src_node_id', 'dst_node_id', 'edge_kind', 'edge_id'],
      kindColumn: 'edge_kind',
      reserved: ['edgeId'],
    },
  ];
  let multiline = false;
  const tables: ExportedTable[] = [];
  for (const layout of layouts) {
    const attributes = await entityAttributes(cpg, layout.ds, { structural: layout.leadColumns, reserved: layout.reserved, spell: neo4jName });
    const rows = await writeStagedFile(layout.file, async (sink) => {
      await sink.write(`${[...layout.lead, ...attributes.map(headerField)].join(',')}\n`);
      return cpg.eachBatch(entityRowsSql(cpg, layout.ds), async (batch) => {
        const leads = layout.leadColumns.map((c) => batch.vectors[batch.columns.indexOf(c)] ?? []);
        const kinds = batch.vectors[batch.columns.indexOf(layout.kindColumn)] ?? [];
        const values = attributeReader(attributes, batch);
        const lines: string[] = [];
        for (let r = 0; r < batch.rowCount; r += 1) {
          assertKind(layout.ds, layout.kindColumn, kinds[r]);
          const fields = [...leads.map((v) => (v[r] ?? null) as AttributeValue), ...values(r)];
          multiline ||= fields.some((f) => typeof f === 'string' && /[\r\n]/.test(f));
          lines.push(`${fields.map(csvField).join(',')}\n`);
        }
        await sink.write(lines.join(''));
      });
    });
    tables.push({ table: exportTableName(layout.ds), rows, files: [layout.file] });
  }
  const flags = multiline ? ' --multiline-fields=true' : '';
  const notes = [
    `import with: neo4j-admin database import full --nodes=${layouts[0]!.file} --relationships=${layouts[1]!.file}${flags} <database>`,
    ...(multiline ? ['some values hold line breaks, so the import needs --multiline-fields=true'] : []),
  ];
  return Object.freeze({ format: 'neo4j-csv', target, tables: Object.freeze(tables), notes: Object.freeze(notes) });
}

function assertKind(ds: DatasetSchema, column: string, kind: unknown): void {
  if (typeof kind === 'string' && KindNameSchema.safeParse(kind).success) return;
  throw CpgQueryError.create('ContractViolation', `${ds.name}.${column} holds ${JSON.stringify(kind)}, which is no kind name and cannot be a Neo4j label or type`, {
    details: { table: ds.name, column, value: String(kind) },
    hint: 'rebuild the CPG with `anatomy build <dir>`; if it persists, report it as a bug of the build',
  });
}
