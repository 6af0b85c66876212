import { z } from 'zod';

/** The formats a CPG exports to. */
export const ExportFormatSchema = z.enum(['parquet', 'arrow', 'graphml', 'neo4j-csv']);
export type ExportFormat = z.infer<typeof ExportFormatSchema>;

/** A contract table as exported: `nodes`, `edges` or `props`. */
export const ExportTableNameSchema = z.enum(['nodes', 'edges', 'props']);
export type ExportTableName = z.infer<typeof ExportTableNameSchema>;

/** One exported table: how many rows it holds and the files (absolute paths, sorted) that hold them. */
export const ExportedTableSchema = z
  .object({
    table: ExportTableNameSchema,
    rows: z.number().int().nonnegative(),
    files: z.array(z.string().min(1)).readonly(),
  })
  .readonly();
export type ExportedTable = z.infer<typeof ExportedTableSchema>;

/**
 * What an export wrote: the format, the target (directory or file), each
 * table with its row count and files, and notes a user needs to read the
 * output (e.g. the neo4j-admin flags its values require).
 *
 * @example
 * const summary = await exportParquet(cpg, 'out'); // { format: 'parquet', target: '/abs/out', tables: [{ table: 'nodes', rows: 120, files: […] }, …], notes: [] }
 */
export const ExportSummarySchema = z
  .object({
    format: ExportFormatSchema,
    target: z.string().min(1),
    tables: z.array(ExportedTableSchema).readonly(),
    notes: z.array(z.string()).readonly(),
  })
  .readonly();
export type ExportSummary = z.infer<typeof ExportSummarySchema>;
