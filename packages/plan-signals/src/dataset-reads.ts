import { z } from 'zod';
import { deepFreeze } from './deep-freeze.js';
import { inferDeps } from './inferred-deps.js';
import type { ViewLineage } from './view-lineage.js';

/**
 * How one view reads one stored relation: the columns it needs from it and,
 * for every place it reads it (every FROM item), the predicates DuckDB
 * rendered that a scan there could evaluate — an empty list meaning that
 * place needs every row.
 */
export const DatasetReadSchema = z.object({
  table: z.string().min(1),
  /** Columns read, sorted (`*` when the SQL selects all of them). */
  columns: z.array(z.string().min(1)),
  /**
   * False when the view names columns the parse tree could not attribute to
   * a relation (an unqualified name over relations the catalog does not
   * know): some of them may belong here, so `columns` may be incomplete.
   */
  columnsComplete: z.boolean(),
  /** One entry per read site: its pushable predicates as DuckDB SQL, sorted and distinct. */
  sites: z.array(z.array(z.string().min(1))).min(1),
});
export type DatasetRead = z.infer<typeof DatasetReadSchema>;

/**
 * Groups a view's read sites by relation, with the columns it needs from
 * each: what scan policy needs to know about one reader of a dataset.
 * Predicates DuckDB could not render are left out, which only ever means
 * reading more rows than necessary.
 *
 * @example
 * datasetReads(lineage);
 * // [{ table: 'evidence.ts_defs', columns: ['file_id', 'kind', 'name'], columnsComplete: true, sites: [["(kind = 'class')"]] }]
 */
export function datasetReads(lineage: ViewLineage): readonly DatasetRead[] {
  const { requiredColumns } = inferDeps(lineage);
  const columnsComplete = !lineage.columns.some((use) => use.relation === null);
  const sites = new Map<string, string[][]>();
  for (const read of lineage.reads) {
    const predicates = [...new Set(read.predicates.flatMap((p) => (p.sql === null ? [] : [p.sql])))].sort();
    sites.set(read.table, [...(sites.get(read.table) ?? []), predicates]);
  }
  return deepFreeze(
    lineage.tables.map((table) => ({
      table,
      columns: [...(requiredColumns[table] ?? [])],
      columnsComplete,
      // A table known to the lineage is always read somewhere; one unfiltered site if the walk saw none.
      sites: sites.get(table) ?? [[]],
    })),
  );
}
