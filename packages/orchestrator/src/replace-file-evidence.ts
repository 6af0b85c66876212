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

/** Per-file row digests of the evidence tables, by read (see {@link evidenceReadKey} and {@link fileEvidenceDigests}). */
export type EvidenceDigests = ReadonlyMap<string, ReadonlyMap<string | null, RowDigest>>;

/** The key of one read of an evidence table: the table and the columns its reader reads (`*` for all). */
export function evidenceReadKey(table: string, columns: readonly string[] | null): string {
  return `${table}\u0000${columns === null ? '*' : columns.join(',')}`;
}

/**
 * Digests, file by file, the rows the given files own in every evidence
 * table (scan's own tables included), once for each set of columns a view
 * reads of it (see `columnsReadByView`; a table no view reads, whole):
 * taken before their evidence is removed and again once it was extracted
 * anew, the two tell which readers an edit reached through which tables
 * (see {@link evidenceChanges}). A view reading a file's path is not
 * reached by that file's new size. Keyed by {@link evidenceReadKey}.
 *
 * @example
 * const before = await fileEvidenceDigests(store, registry, changedFiles, columnsReadByView(lineages.values()));
 */
export async function fileEvidenceDigests(
  store: Store,
  registry: SchemaRegistry,
  fileIds: readonly string[],
  /** For each view, the columns it reads of each relation; a table absent here is digested whole. */
  readers: ReadonlyMap<string, ReadonlyMap<string, readonly string[] | null>> = new Map(),
): Promise<EvidenceDigests> {
  const requests: GroupDigestRequest[] = [];
  for (const ds of registry.list()) {
    if (!ds.name.startsWith('evidence.')) continue;
    const owner = columnsWithRole(ds, 'file-identity')[0];
    if (owner === undefined) continue;
    const reads = new Map<string, readonly string[] | null>();
    for (const read of readers.values()) {
      const columns = read.get(ds.name);
      if (columns !== undefined) reads.set(evidenceReadKey(ds.name, columns), columns);
    }
    if (reads.size === 0) reads.set(evidenceReadKey(ds.name, null), null);
    for (const [key, columns] of [...reads].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      requests.push({ table: ds.name, key, column: owner.name, ...(columns === null ? {} : { columns }) });
    }
  }
  // One query for every table: a query per table cost about 5 ms each, twice per build.
  return groupDigestsOfTables(store, requests, fileIds);
}

/**
 * What {@link evidenceChanges} found, by table (the files any reader's
 * columns changed in: what a reader whose own read is not known must
 * assume) and by reader (the files its own columns changed in).
 *
 * @example
 * const { byTable, byReader } = evidenceChangesByReader(evidenceChanges(before, after), readers);
 * byReader.get('derived.top_imports')?.get('evidence.files'); // [] when only a file's size changed
 */
export function evidenceChangesByReader(
  changes: ReadonlyMap<string, readonly string[]>,
  readers: ReadonlyMap<string, ReadonlyMap<string, readonly string[] | null>>,
): { byTable: Map<string, string[]>; byReader: Map<string, Map<string, readonly string[]>> } {
  const byTable = new Map<string, string[]>();
  for (const [key, files] of changes) {
    const table = key.slice(0, key.indexOf('\u0000'));
    byTable.set(table, [...new Set([...(byTable.get(table) ?? []), ...files])].sort());
  }
  const byReader = new Map<string, Map<string, readonly string[]>>();
  for (const [view, reads] of readers) {
    for (const [table, columns] of reads) {
      const files = changes.get(evidenceReadKey(table, columns));
      if (files === undefined) continue;
      const own = byReader.get(view) ?? new Map<string, readonly string[]>();
      own.set(table, files);
      byReader.set(view, own);
    }
  }
  return { byTable, byReader };
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
