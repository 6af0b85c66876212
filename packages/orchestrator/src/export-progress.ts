import type { Cpg } from '@anatomy/cpg-query';

/**
 * A view of an open CPG that reports the rows an export writes as they go:
 * rows streamed through `eachBatch` (Arrow, GraphML, Neo4j CSV) after each
 * batch is written, and the rows of each `COPY` statement (Parquet) when it
 * ends. Everything else is passed through unchanged.
 *
 * @example
 * await exportArrow(countingCpg(cpg, (n) => progress.count('rows', (done += n), total, 'rows')), 'out');
 */
export function countingCpg(cpg: Cpg, onRows: (rows: number) => void): Cpg {
  return {
    path: cpg.path,
    readOnly: cpg.readOnly,
    tables: cpg.tables,
    async sql(query, params) {
      const rows = await cpg.sql(query, params);
      // DuckDB answers a COPY with one row holding the number of rows written.
      if (/^\s*COPY\b/i.test(query)) onRows(Number(Object.values(rows[0] ?? {})[0] ?? 0));
      return rows;
    },
    eachBatch(query, visit, options) {
      return cpg.eachBatch(
        query,
        async (batch) => {
          await visit(batch);
          onRows(batch.rowCount);
        },
        options,
      );
    },
    definitions: (filter) => cpg.definitions(filter),
    files: () => cpg.files(),
    nodeCounts: () => cpg.nodeCounts(),
    callers: (id, options) => cpg.callers(id, options),
    callees: (id, options) => cpg.callees(id, options),
    references: (id) => cpg.references(id),
    importsOf: (name) => cpg.importsOf(name),
    importersOf: (name) => cpg.importersOf(name),
    pathBetween: (from, to) => cpg.pathBetween(from, to),
    close: () => cpg.close(),
  };
}

/**
 * The rows an export of `format` writes: every contract table for Parquet
 * and Arrow; nodes and edges for GraphML and Neo4j, whose rows carry the
 * properties as attributes.
 */
export async function exportRowTotal(cpg: Cpg, format: 'parquet' | 'arrow' | 'graphml' | 'neo4j'): Promise<number> {
  const tables = format === 'parquet' || format === 'arrow' ? cpg.tables : cpg.tables.filter((t) => t !== 'cpg.props');
  let total = 0;
  for (const table of tables) total += Number((await cpg.sql(`SELECT count(*) AS n FROM ${table}`))[0]?.['n'] ?? 0);
  return total;
}
