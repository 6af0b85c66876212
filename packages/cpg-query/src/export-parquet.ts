import { sqlString } from '@anatomy/contracts';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { cpgOutputDatasets, qualifiedName, quoteIdentifier } from '@anatomy/schema-authority';
import type { DatasetSchema } from '@anatomy/schema-authority';
import { z } from 'zod';
import { contractTableSql } from './contract-table-sql.js';
import { CpgQueryError } from './cpg-query-error.js';
import type { ExportedTable, ExportSummary } from './export-summary.js';
import { exportTableName } from './export-table-name.js';
import { KindNameSchema } from './kind-name.js';
import type { Cpg } from './open-cpg.js';
import { listFiles, writeStagedDirectory } from './staged-output.js';
import { validOptions } from './valid-options.js';

/**
 * How to write Parquet. `partitionBy` (on by default) splits `nodes` by
 * `node_kind` and `edges` by `edge_kind` into hive directories
 * (`nodes/node_kind=DEF/data_0.parquet`), which lets engines read one kind
 * without scanning the others; `props` is never split. `rowGroupSize` is
 * fixed so that the same CPG gives byte-identical files.
 *
 * @example
 * ParquetExportOptionsSchema.parse({ partitionBy: false });
 */
export const ParquetExportOptionsSchema = z.strictObject({
  partitionBy: z.boolean().default(true),
  rowGroupSize: z.number().int().min(2048).max(1 << 24).default(122_880),
  compression: z.enum(['zstd', 'snappy', 'gzip', 'uncompressed']).default('zstd'),
});
export type ParquetExportOptions = z.input<typeof ParquetExportOptionsSchema>;

/** The column each table is hive-partitioned by, when partitioning is on. */
const PARTITION_COLUMN: Readonly<Record<string, string>> = { 'cpg.nodes': 'node_kind', 'cpg.edges': 'edge_kind' };

const FILE_NAME = 'data_0.parquet';

/**
 * Exports `cpg.nodes`, `cpg.edges` and `cpg.props` as Parquet under
 * `outDir/nodes`, `outDir/edges` and `outDir/props`, with DuckDB's
 * `COPY … (FORMAT parquet)`. Rows are sorted by the table's key, row groups
 * have a fixed size and files carry no timestamps, so exporting the same CPG
 * twice gives byte-identical files. A table the store lacks exports empty
 * with the contract's columns; so does an empty table, as one unpartitioned
 * file, so every export can be read with its schema. Each table directory is
 * written aside and swapped in whole.
 *
 * @example
 * await exportParquet(cpg, 'out');
 * // duckdb: SELECT node_kind, count(*) FROM read_parquet('out/nodes/**\/*.parquet', hive_partitioning = true) GROUP BY ALL
 */
export async function exportParquet(cpg: Cpg, outDir: string, options: ParquetExportOptions = {}): Promise<ExportSummary> {
  const settings = validOptions(ParquetExportOptionsSchema, options, 'exportParquet');
  const target = resolve(outDir);
  const tables: ExportedTable[] = [];
  for (const ds of cpgOutputDatasets) {
    const dir = join(target, exportTableName(ds));
    const rows = await writeStagedDirectory(dir, '.parquet', (staging) => copyTable(cpg, ds, staging, settings));
    tables.push(Object.freeze({ table: exportTableName(ds), rows, files: Object.freeze(await listFiles(dir)) }));
  }
  return Object.freeze({ format: 'parquet', target, tables: Object.freeze(tables), notes: Object.freeze([]) });
}

async function copyTable(cpg: Cpg, ds: DatasetSchema, staging: string, settings: z.output<typeof ParquetExportOptionsSchema>): Promise<number> {
  const column = settings.partitionBy && (cpg.tables as readonly string[]).includes(ds.name) ? PARTITION_COLUMN[ds.name] : undefined;
  const kinds = column === undefined ? [] : await partitionValues(cpg, ds, column);
  if (column === undefined || kinds.length === 0) return copy(cpg, contractTableSql(ds, cpg.tables), join(staging, FILE_NAME), settings);
  let rows = 0;
  for (const kind of kinds) {
    const dir = join(staging, `${column}=${kind}`);
    await mkdir(dir, { recursive: true });
    // Hive keeps the partition value in the directory name only; readers add it back as a column.
    const sql = contractTableSql(ds, cpg.tables, { omit: [column], where: `t.${quoteIdentifier(column)} = ${sqlString(kind)}` });
    rows += await copy(cpg, sql, join(dir, FILE_NAME), settings);
  }
  return rows;
}

async function partitionValues(cpg: Cpg, ds: DatasetSchema, column: string): Promise<string[]> {
  const rows = await cpg.sql(`SELECT DISTINCT ${quoteIdentifier(column)} AS v FROM ${qualifiedName(ds)} ORDER BY 1`);
  const values = rows.map((r) => r['v']);
  const bad = values.filter((v) => typeof v !== 'string' || !KindNameSchema.safeParse(v).success);
  if (bad.length > 0) {
    // A kind becomes a directory name; one outside the contract's spelling could escape the table directory.
    throw CpgQueryError.create('ContractViolation', `${ds.name}.${column} holds values that are not kind names: ${bad.slice(0, 5).map((v) => JSON.stringify(v)).join(', ')}`, {
      details: { table: ds.name, column, values: bad.slice(0, 20).map(String) },
      hint: 'rebuild the CPG with `anatomy build <dir>`, or export with { partitionBy: false }',
    });
  }
  return values as string[];
}

async function copy(cpg: Cpg, sql: string, file: string, settings: z.output<typeof ParquetExportOptionsSchema>): Promise<number> {
  const rows = await cpg.sql(
    `COPY (${sql}) TO ${sqlString(file)} (FORMAT parquet, COMPRESSION ${settings.compression}, ROW_GROUP_SIZE ${settings.rowGroupSize})`,
  );
  const count = rows[0] === undefined ? undefined : Object.values(rows[0])[0];
  return Number(count ?? 0);
}
