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
  const read = new Map<string, string[] | null>();
  for (const lineage of lineages) {
    const { requiredColumns } = inferDeps(lineage);
    const listed = !lineage.columns.some((use) => use.relation === null) && lineage.joins.every((join) => NAMED_JOINS.has(join.refType.toUpperCase()));
    for (const table of lineage.tables) {
      const columns = requiredColumns[table] ?? [];
      const known = read.get(table);
      if (known === null) continue;
      if (!listed || columns.includes('*')) {
        read.set(table, null);
        continue;
      }
      read.set(table, [...new Set([...(known ?? []), ...columns])].sort());
    }
  }
  return read;
}
