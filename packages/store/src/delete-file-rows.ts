import { quoteIdentifier } from '@anatomy/schema-authority';
import type { Store } from './store.js';
import type { DeferMeasure, PendingWrite, WriteOutcome } from './write-outcome.js';

/**
 * Deletes every row of a table that belongs to one of the given files, the
 * ownership unit of an incremental build, and with `nulls` the rows that
 * belong to no file (a NULL file column) as well. The ids travel as one bound JSON
 * parameter, never spliced into the SQL, so any number of ids (or none) is
 * one statement whose semi-join DuckDB plans like any other.
 *
 * @example
 * const outcome = await deleteFileRows(store, { table: 'evidence.ts_defs', column: 'file_id', fileIds: ['file:…'] });
 * outcome.rowsDeleted; // the rows those files owned
 *
 * With `{ measure: false }` the delete is left for `store.measureWrites` to measure.
 */
export async function deleteFileRows(store: Store, request: FileRowsRequest): Promise<WriteOutcome>;
export async function deleteFileRows(store: Store, request: FileRowsRequest, options: DeferMeasure): Promise<PendingWrite>;
export async function deleteFileRows(store: Store, request: FileRowsRequest, options?: DeferMeasure): Promise<WriteOutcome | PendingWrite> {
  const column = quoteIdentifier(request.column);
  const deletion = {
    table: request.table,
    where: `${column} IN (SELECT unnest(CAST(? AS JSON)::VARCHAR[]))${request.nulls === true ? ` OR ${column} IS NULL` : ''}`,
    params: [JSON.stringify([...request.fileIds])],
  };
  return options === undefined ? store.deleteRows(deletion) : store.deleteRows(deletion, options);
}

/** Which rows {@link deleteFileRows} deletes: those of a table whose file column holds one of the ids (and with `nulls`, NULL). */
export interface FileRowsRequest {
  readonly table: string;
  readonly column: string;
  readonly fileIds: readonly string[];
  readonly nulls?: boolean;
}
