import { inferDeps } from '@anatomy/plan-signals';
import type { ViewLineage } from '@anatomy/plan-signals';

/** Join kinds that read no column beyond the ones the lineage lists: a NATURAL join compares columns it never names. */
const NAMED_JOINS = new Set(['REGULAR', 'CROSS']);

/**
 * The columns of each stored relation that the views reading it read, from
 * their lineage: a reader's rows depend on nothing else of the relation but
 * those columns of its rows (and how many rows there are), so a change
 * elsewhere cannot reach it. `null` for a relation some reader reads whole
 * (`*`), or whose columns a reader's lineage cannot list for sure (a name it
 * could not attribute, a NATURAL, ASOF or POSITIONAL join).
 *
 * @example
 * columnsReadBy(lineages.values()).get('derived.modules'); // ['file_id', 'module_id', 'path', 'qualified_name']
 */
export function columnsReadBy(lineages: Iterable<ViewLineage>): Map<string, readonly string[] | null> {
  return mergedReads(columnsReadByView(lineages));
}

/**
 * {@link columnsReadBy} from what {@link columnsReadByView} found, for a
 * caller that has both to compute (each lineage's columns are inferred once).
 *
 * @example
 * const readers = columnsReadByView(lineages.values());
 * mergedReads(readers).get('evidence.files'); // every column some view reads of it, or null
 */
export function mergedReads(readers: ReadonlyMap<string, ReadonlyMap<string, readonly string[] | null>>): Map<string, readonly string[] | null> {
  const read = new Map<string, string[] | null>();
  for (const reads of readers.values()) {
    for (const [table, columns] of reads) {
      const known = read.get(table);
      if (known === null) continue;
      read.set(table, columns === null ? null : [...new Set([...(known ?? []), ...columns])].sort());
    }
  }
  return read;
}

/**
 * {@link columnsReadBy} view by view: for each view, the columns it reads of
 * each stored relation it reads (sorted), `null` where it reads the
 * relation whole or its lineage cannot list them for sure.
 *
 * @example
 * columnsReadByView(lineages.values()).get('derived.top_imports')?.get('evidence.files'); // ['file_id', 'path']
 */
export function columnsReadByView(lineages: Iterable<ViewLineage>): Map<string, Map<string, readonly string[] | null>> {
  const byView = new Map<string, Map<string, readonly string[] | null>>();
  for (const lineage of lineages) {
    const { requiredColumns } = inferDeps(lineage);
    const listed = !lineage.columns.some((use) => use.relation === null) && lineage.joins.every((join) => NAMED_JOINS.has(join.refType.toUpperCase()));
    const reads = new Map<string, readonly string[] | null>();
    for (const table of lineage.tables) {
      const columns = requiredColumns[table] ?? [];
      reads.set(table, !listed || columns.includes('*') ? null : [...new Set(columns)].sort());
    }
    byView.set(lineage.view, reads);
  }
  return byView;
}
