import { sqlString } from '@anatomy/contracts';
import type { FileLocality } from '@anatomy/plan-signals';
import { quoteIdentifier } from '@anatomy/schema-authority';
import type { Store, WriteOutcome } from '@anatomy/store';

/**
 * How many rows, by the planner's estimate, a full build lets one statement
 * of a file-local view produce. Above it the view is written in batches of
 * files, so that what DuckDB must hold at once to sort, group or fuse its
 * rows (which it cannot always spill) follows the batch rather than the
 * repository.
 */
export const ROWS_PER_FILE_BATCH = 1_000_000;

/** A view split by the files its rows belong to: the column naming the file, and the ids of each batch. */
export interface FileBatches {
  readonly column: string;
  readonly batches: readonly (readonly string[])[];
}

/**
 * The batches of files a full build writes a view in, or undefined to write
 * it in one statement: only a file-local view (its per-file filter reaches
 * its scans, so a batch reads about its share of the inputs) whose estimate
 * exceeds `rowsPerBatch`, split into as many runs of its sorted file ids as
 * the estimate needs.
 *
 * @example
 * fileBatches({ locality, estimatedRows: 9_800_000, fileIds }); // 10 batches of ~179 files
 */
export function fileBatches(input: {
  readonly locality: FileLocality | undefined;
  readonly estimatedRows: number | null;
  readonly fileIds: readonly string[];
  readonly rowsPerBatch?: number;
}): FileBatches | undefined {
  const column = input.locality?.local === true ? input.locality.column : null;
  if (column === null || input.estimatedRows === null) return undefined;
  const ids = [...new Set(input.fileIds)].sort();
  const count = Math.min(ids.length, Math.ceil(input.estimatedRows / (input.rowsPerBatch ?? ROWS_PER_FILE_BATCH)));
  if (count < 2) return undefined;
  const batches: string[][] = [];
  for (let i = 0; i < count; i++) batches.push(ids.slice(Math.floor((i * ids.length) / count), Math.floor(((i + 1) * ids.length) / count)));
  return { column, batches };
}

/**
 * Writes a view as a table in batches of files: the first batch creates the
 * table, each other one is inserted, and a last statement takes every row
 * no batch named (a NULL file, or a file outside the list). The batches
 * partition the rows by the file column, so the table holds exactly the
 * view's rows whatever the view; file-locality only makes each batch cheap.
 *
 * @example
 * const outcomes = await materializeInFileBatches(store, { name: 'cpg.props', sql }, batches);
 */
export async function materializeInFileBatches(store: Store, view: { readonly name: string; readonly sql: string }, split: FileBatches): Promise<WriteOutcome[]> {
  const column = quoteIdentifier(split.column);
  const of = (where: string): string => `SELECT * FROM (${view.sql}) AS anatomy_batch WHERE ${where}`;
  const list = (ids: readonly string[]): string => ids.map(sqlString).join(', ');
  const [first, ...rest] = split.batches;
  const outcomes: WriteOutcome[] = [await store.materialize({ name: view.name, sql: of(`${column} IN (${list(first ?? [])})`), as: 'table' })];
  for (const batch of rest) outcomes.push(await store.insertSelect({ table: view.name, sql: of(`${column} IN (${list(batch)})`) }));
  const named = split.batches.flat();
  outcomes.push(await store.insertSelect({ table: view.name, sql: of(`${column} IS NULL OR ${column} NOT IN (${list(named)})`) }));
  return outcomes;
}
