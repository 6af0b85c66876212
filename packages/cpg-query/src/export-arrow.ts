import { join, resolve } from 'node:path';
import { cpgOutputDatasets } from '@anatomy/schema-authority';
import type { DatasetSchema } from '@anatomy/schema-authority';
import { AsyncByteQueue, RecordBatch, RecordBatchFileWriter, Struct, makeBuilder, makeData } from 'apache-arrow';
import type { Schema } from 'apache-arrow';
import { z } from 'zod';
import { arrowSchema } from './arrow-schema.js';
import { contractTableSql } from './contract-table-sql.js';
import { CpgQueryError } from './cpg-query-error.js';
import type { ExportedTable, ExportSummary } from './export-summary.js';
import { exportTableName } from './export-table-name.js';
import type { Cpg } from './open-cpg.js';
import type { RowBatch } from './row-batch.js';
import { writeStagedFile } from './staged-output.js';
import { validOptions } from './valid-options.js';

/**
 * How to write Arrow IPC files: `batchRows` rows per record batch, which is
 * also how many rows are held in memory at a time.
 *
 * @example
 * ArrowExportOptionsSchema.parse({ batchRows: 10_000 });
 */
export const ArrowExportOptionsSchema = z.strictObject({
  batchRows: z.number().int().min(1).max(16_777_216).default(65_536),
});
export type ArrowExportOptions = z.input<typeof ArrowExportOptionsSchema>;

/**
 * Collects the bytes the Arrow writer produces so they can be written to
 * the file asynchronously after each batch. The writer accepts its own byte
 * queue as a sink; collecting them here, instead of reading the queue as a
 * stream, keeps at most one batch of bytes in memory.
 */
class PendingBytes extends AsyncByteQueue {
  #chunks: Uint8Array[] = [];

  override write(value: Parameters<AsyncByteQueue['write']>[0]): void {
    if (!ArrayBuffer.isView(value)) throw new TypeError('the Arrow writer produced something other than bytes');
    if (value.byteLength > 0) this.#chunks.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  }

  take(): Uint8Array[] {
    return this.#chunks.splice(0);
  }
}

/**
 * Exports `cpg.nodes`, `cpg.edges` and `cpg.props` as Arrow IPC files
 * (`outDir/nodes.arrow`, `edges.arrow`, `props.arrow`), streaming rows out of
 * DuckDB one batch at a time so a large table never sits in memory whole.
 * Columns have the Arrow types and nullability of the contract (Int64 for
 * BIGINT, Int32 for INTEGER, …); a table the store lacks exports as a file
 * with the schema and no rows. Rows are in key order.
 *
 * @example
 * await exportArrow(cpg, 'out');
 * const nodes = tableFromIPC(readFileSync('out/nodes.arrow')); // nodes.getChild('bstart')?.get(0) → 0n
 */
export async function exportArrow(cpg: Cpg, outDir: string, options: ArrowExportOptions = {}): Promise<ExportSummary> {
  const { batchRows } = validOptions(ArrowExportOptionsSchema, options, 'exportArrow');
  const target = resolve(outDir);
  const tables: ExportedTable[] = [];
  for (const ds of cpgOutputDatasets) {
    const file = join(target, `${exportTableName(ds)}.arrow`);
    const schema = arrowSchema(ds);
    const rows = await writeStagedFile(file, async (sink) => {
      const bytes = new PendingBytes();
      const writer = new RecordBatchFileWriter();
      writer.reset(bytes, schema);
      const count = await cpg.eachBatch(
        contractTableSql(ds, cpg.tables),
        async (batch) => {
          writer.write(recordBatch(ds, schema, batch));
          await sink.write(bytes.take());
        },
        { batchRows },
      );
      writer.close();
      await sink.write(bytes.take());
      return count;
    });
    tables.push(Object.freeze({ table: exportTableName(ds), rows, files: Object.freeze([file]) }));
  }
  return Object.freeze({ format: 'arrow', target, tables: Object.freeze(tables), notes: Object.freeze([]) });
}

function recordBatch(ds: DatasetSchema, schema: Schema, batch: RowBatch): RecordBatch {
  const children = schema.fields.map((field) => {
    const values = batch.vectors[batch.columns.indexOf(field.name)] ?? [];
    const builder = makeBuilder({ type: field.type, nullValues: [null] });
    for (const value of values) builder.append(value);
    const data = builder.finish().flush();
    if (!field.nullable && data.nullCount > 0) {
      throw CpgQueryError.create('ContractViolation', `${ds.name}.${field.name} holds NULL, which the contract forbids`, {
        details: { table: ds.name, column: field.name },
        hint: 'rebuild the CPG with `anatomy build <dir>`; if it persists, report it as a bug of the build',
      });
    }
    return data;
  });
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: batch.rowCount, nullCount: 0, children }));
}
