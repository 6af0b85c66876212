import { repoScanDatasets } from '@anatomy/repo-scan';
import { columnsWithRole } from '@anatomy/schema-authority';
import type { SchemaRegistry } from '@anatomy/schema-authority';
import { changedGroups, deleteFileRows, groupDigestsOfTables } from '@anatomy/store';
import type { GroupDigestRequest, PendingWrite, RowDigest, Store } from '@anatomy/store';

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
 * const outcomes = await store.measureWrites(await removeFileEvidence(store, registry, [...plan.changed, ...plan.deleted]));
 *
 * The deletes are left unmeasured: measure them with `store.measureWrites`,
 * together with the build's other writes.
 */
export async function removeFileEvidence(store: Store, registry: SchemaRegistry, fileIds: readonly string[]): Promise<PendingWrite[]> {
  const scanOwned = new Set(repoScanDatasets.map((ds) => ds.name));
  const writes: PendingWrite[] = [];
  if (fileIds.length === 0) return writes;
  for (const ds of registry.list()) {
    if (!ds.name.startsWith('evidence.') || scanOwned.has(ds.name)) continue;
    const owner = columnsWithRole(ds, 'file-identity')[0];
    if (owner === undefined) continue;
    writes.push(await deleteFileRows(store, { table: ds.name, column: owner.name, fileIds }, { measure: false }));
  }
  return writes;
}

/** Per-file row digests of the evidence tables, by table (see {@link fileEvidenceDigests}). */
export type EvidenceDigests = ReadonlyMap<string, ReadonlyMap<string | null, RowDigest>>;

/**
 * Digests, file by file, the rows the given files own in every evidence
 * table (scan's own tables included), projected on the columns the views
 * read: taken before their evidence is
 * removed and again once it was extracted anew, the two tell in which
 * tables an edit changed nothing (see {@link evidenceChanges}).
 *
 * @example
 * const before = await fileEvidenceDigests(store, registry, changedFiles);
 */
export async function fileEvidenceDigests(
  store: Store,
  registry: SchemaRegistry,
  fileIds: readonly string[],
  /** The only columns of each table its readers read (see `columnsReadBy`); every column when absent or null. */
  readColumns: ReadonlyMap<string, readonly string[] | null> = new Map(),
): Promise<EvidenceDigests> {
  const requests: GroupDigestRequest[] = [];
  for (const ds of registry.list()) {
    if (!ds.name.startsWith('evidence.')) continue;
    const owner = columnsWithRole(ds, 'file-identity')[0];
    if (owner === undefined) continue;
    const columns = readColumns.get(ds.name);
    requests.push({ table: ds.name, column: owner.name, ...(columns === undefined || columns === null ? {} : { columns }) });
  }
  // One query for every table: a query per table cost about 5 ms each, twice per build.
  return groupDigestsOfTables(store, requests, fileIds);
}

/**
 * The files whose rows of each evidence table differ between two
 * {@link fileEvidenceDigests} of the same files: often none, since an edit
 * rarely changes every kind of evidence of a file.
 *
 * @example
 * evidenceChanges(before, after).get('evidence.py_imports'); // [] when the edit touched no import
 */
export function evidenceChanges(before: EvidenceDigests, after: EvidenceDigests): Map<string, string[]> {
  const changes = new Map<string, string[]>();
  for (const [table, digests] of after) {
    changes.set(table, changedGroups(before.get(table) ?? new Map(), digests).filter((k): k is string => k !== null));
  }
  return changes;
}
