import { columnBatch, defineDataset } from '@anatomy/schema-authority';
import type { DatasetSchema } from '@anatomy/schema-authority';
import type { FileStat } from '@anatomy/repo-scan';
import type { PendingWrite, Store } from '@anatomy/store';

/**
 * `meta.file_manifest`: the files the stored CPG was built from, with their
 * content hashes. The next build diffs the repository against it to find the
 * files it must extract again; it is written in the build's transaction, so
 * it always describes the evidence beside it.
 */
export const fileManifestDataset: DatasetSchema = defineDataset({
  name: 'meta.file_manifest',
  producer: 'orchestrator',
  version: 1,
  description: 'The files of the stored build with their content hashes, diffed by the next build.',
  spanUnit: 'none',
  key: ['file_id'],
  columns: [
    { name: 'file_id', type: 'utf8', nullable: false, role: 'entity-identity', description: 'stable file id' },
    { name: 'path', type: 'utf8', nullable: false, role: 'path', description: 'repository-relative POSIX path' },
    { name: 'sha256', type: 'utf8', nullable: false, role: 'attribute', description: 'SHA-256 of the contents the evidence was extracted from' },
  ],
});

/**
 * `meta.file_stats`: the file system's stat of each file of the stored
 * build as its record was taken (size, modification and change times in
 * nanoseconds, inode). The next build's scan takes a file's stored record
 * instead of reading and hashing it again while its stat is unchanged.
 * Files modified just before or during their scan have no row.
 */
export const fileStatsDataset: DatasetSchema = defineDataset({
  name: 'meta.file_stats',
  producer: 'orchestrator',
  version: 1,
  description: 'The stat of each file of the stored build, under which the next scan reuses its stored record.',
  spanUnit: 'none',
  key: ['path'],
  columns: [
    { name: 'path', type: 'utf8', nullable: false, role: 'path', description: 'repository-relative POSIX path' },
    { name: 'size', type: 'int64', nullable: false, role: 'attribute', description: 'size in bytes' },
    { name: 'mtime_ns', type: 'int64', nullable: false, role: 'attribute', description: 'modification time, nanoseconds since the epoch' },
    { name: 'ctime_ns', type: 'int64', nullable: false, role: 'attribute', description: 'status change time, nanoseconds since the epoch' },
    { name: 'ino', type: 'int64', nullable: false, role: 'attribute', description: 'inode number' },
  ],
});

/**
 * `meta.build_state`: one row saying what the stored evidence and views were
 * made by. An incremental build is only sound when every part matches the
 * build about to run; the parts are kept apart so a mismatch can be named.
 */
export const buildStateDataset: DatasetSchema = defineDataset({
  name: 'meta.build_state',
  producer: 'orchestrator',
  version: 1,
  description: 'What produced the stored build: the compiled program, the extractors and the evidence demanded.',
  spanUnit: 'none',
  columns: [
    { name: 'state_version', type: 'int64', nullable: false, role: 'attribute', description: 'version of this record, raised when its meaning changes' },
    { name: 'manifest_fingerprint', type: 'utf8', nullable: false, role: 'attribute', description: 'fingerprint of the compiled program' },
    { name: 'extractors', type: 'utf8', nullable: false, role: 'attribute', description: 'JSON array of name@version of the extractors taking part, sorted' },
    { name: 'demanded', type: 'utf8', nullable: false, role: 'attribute', description: 'JSON array of the evidence datasets extracted, sorted, or "all"' },
    { name: 'scip', type: 'bool', nullable: false, role: 'attribute', description: 'whether SCIP evidence (a whole-repository index) took part' },
  ],
});

/** The version of `meta.build_state` rows this code writes and understands. */
export const BUILD_STATE_VERSION = 1;

/** What a build is made by; two builds may share evidence only when these are equal. */
export interface BuildState {
  readonly manifestFingerprint: string;
  /** `name@version` of every extractor taking part, sorted. */
  readonly extractors: readonly string[];
  /** The evidence datasets extracted, sorted, or `all` (`--all-evidence`). */
  readonly demanded: readonly string[] | 'all';
  readonly scip: boolean;
}

/** One file of the stored manifest. */
export interface ManifestFile {
  readonly file_id: string;
  readonly path: string;
  readonly sha256: string;
}

/** What the store says about the build it holds, or why it says nothing usable. */
export type StoredBuild =
  | { readonly found: true; readonly state: BuildState; readonly files: readonly ManifestFile[] }
  | { readonly found: false; readonly reason: string };

async function tableExists(store: Store, name: string): Promise<boolean> {
  const [schema, table] = name.split('.');
  const rows = await store.query('SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = ? AND table_name = ?', [
    schema ?? '',
    table ?? '',
  ]);
  return Number(rows[0]?.['n'] ?? 0) > 0;
}

/**
 * Reads the build state and file manifest the store holds. A store written
 * before incremental builds existed, or by another version of this record,
 * yields `found: false` with the reason, and the caller builds in full.
 *
 * @example
 * const stored = await readStoredBuild(store);
 * if (stored.found) stored.files.length;
 */
export async function readStoredBuild(store: Store): Promise<StoredBuild> {
  if (!(await tableExists(store, buildStateDataset.name)) || !(await tableExists(store, fileManifestDataset.name))) {
    return { found: false, reason: 'the store holds no file manifest yet (first build, or a store from before incremental builds)' };
  }
  const states = await store.query('SELECT state_version, manifest_fingerprint, extractors, demanded, scip FROM meta.build_state');
  const row = states[0];
  if (states.length !== 1 || row === undefined) return { found: false, reason: `the store's build state has ${states.length} rows instead of one` };
  if (Number(row['state_version']) !== BUILD_STATE_VERSION) {
    return { found: false, reason: `the store's build state is version ${String(row['state_version'])}, this build writes version ${BUILD_STATE_VERSION}` };
  }
  const demanded = JSON.parse(String(row['demanded'])) as string[] | 'all';
  const state: BuildState = {
    manifestFingerprint: String(row['manifest_fingerprint']),
    extractors: JSON.parse(String(row['extractors'])) as string[],
    demanded,
    scip: row['scip'] === true,
  };
  const files = (await store.query('SELECT file_id, path, sha256 FROM meta.file_manifest ORDER BY file_id')).map((r) => ({
    file_id: String(r['file_id']),
    path: String(r['path']),
    sha256: String(r['sha256']),
  }));
  return { found: true, state, files };
}

/**
 * Replaces the stored build state and file manifest with those of the build
 * being written; call it inside the build's transaction.
 *
 * @example
 * await writeStoredBuild(store, state, scan.files);
 *
 * Its writes are left unmeasured for `store.measureWrites` (see `PendingWrite`).
 */
export async function writeStoredBuild(store: Store, state: BuildState, files: readonly ManifestFile[], stats: ReadonlyMap<string, FileStat> = new Map()): Promise<PendingWrite[]> {
  const writes: PendingWrite[] = [];
  const unmeasured = { measure: false } as const;
  for (const ds of [buildStateDataset, fileManifestDataset, fileStatsDataset]) {
    await store.ensureDataset(ds);
    writes.push(await store.deleteRows({ table: ds.name, where: 'true' }, unmeasured));
  }
  writes.push(
    await store.ingest(
      buildStateDataset,
      columnBatch(buildStateDataset, {
        state_version: [BUILD_STATE_VERSION],
        manifest_fingerprint: [state.manifestFingerprint],
        extractors: [JSON.stringify(state.extractors)],
        demanded: [JSON.stringify(state.demanded)],
        scip: [state.scip],
      }),
      unmeasured,
    ),
  );
  writes.push(
    await store.ingest(
      fileManifestDataset,
      columnBatch(fileManifestDataset, { file_id: files.map((f) => f.file_id), path: files.map((f) => f.path), sha256: files.map((f) => f.sha256) }),
      unmeasured,
    ),
  );
  const statted = files.flatMap((f) => {
    const stat = stats.get(f.path);
    // An inode number beyond BIGINT (some file systems hand out 64-bit ones) is not kept: that file is read again.
    return stat === undefined || stat.ino >= 1n << 63n ? [] : [{ path: f.path, stat }];
  });
  writes.push(
    await store.ingest(
      fileStatsDataset,
      columnBatch(fileStatsDataset, {
        path: statted.map((s) => s.path),
        size: statted.map((s) => s.stat.size),
        mtime_ns: statted.map((s) => s.stat.mtimeNs),
        ctime_ns: statted.map((s) => s.stat.ctimeNs),
        ino: statted.map((s) => s.stat.ino),
      }),
      unmeasured,
    ),
  );
  return writes;
}
