import { repoScanDatasets } from '@anatomy/repo-scan';
import { columnsWithRole } from '@anatomy/schema-authority';
import type { SchemaRegistry } from '@anatomy/schema-authority';
import { deleteFileRows } from '@anatomy/store';
import type { Store, WriteOutcome } from '@anatomy/store';

/**
 * The evidence datasets whose rows no file owns (no `file-identity`
 * column): their rows cannot be replaced file by file, so a build that
 * registers one must be a full build.
 *
 * @example
 * unownedEvidence(registry); // [] for the built-in extractors
 */
export function unownedEvidence(registry: SchemaRegistry): string[] {
  return registry
    .list()
    .filter((ds) => ds.name.startsWith('evidence.') && columnsWithRole(ds, 'file-identity').length === 0)
    .map((ds) => ds.name);
}

/**
 * Removes from every evidence table the rows owned by the given files, so
 * that extracting those files again (or not, when they were deleted) leaves
 * the evidence a full build would hold. Ownership is the dataset's
 * `file-identity` column, read from the schema authority; the scan's own
 * tables are left alone because the scan rewrites them whole.
 *
 * @example
 * outcomes.push(...(await removeFileEvidence(store, registry, [...plan.changed, ...plan.deleted])));
 */
export async function removeFileEvidence(store: Store, registry: SchemaRegistry, fileIds: readonly string[]): Promise<WriteOutcome[]> {
  const scanOwned = new Set(repoScanDatasets.map((ds) => ds.name));
  const outcomes: WriteOutcome[] = [];
  if (fileIds.length === 0) return outcomes;
  for (const ds of registry.list()) {
    if (!ds.name.startsWith('evidence.') || scanOwned.has(ds.name)) continue;
    const owner = columnsWithRole(ds, 'file-identity')[0];
    if (owner === undefined) continue;
    outcomes.push(await deleteFileRows(store, { table: ds.name, column: owner.name, fileIds }));
  }
  return outcomes;
}
