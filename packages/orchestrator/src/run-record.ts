import { columnBatch, defineDataset } from '@anatomy/schema-authority';
import type { DatasetSchema } from '@anatomy/schema-authority';
import type { Store } from '@anatomy/store';

/**
 * `meta.runs`: one row per recorded build, so that the store itself says
 * which runs produced it and where their bundles are. The CPG is committed
 * before the row is written; a process killed in between loses the row, not
 * the CPG.
 */
export const runsDataset: DatasetSchema = defineDataset({
  name: 'meta.runs',
  producer: 'orchestrator',
  version: 1,
  description: 'Builds recorded in this store, newest last by run id.',
  spanUnit: 'none',
  key: ['run_id'],
  columns: [
    { name: 'run_id', type: 'utf8', nullable: false, role: 'entity-identity', description: 'run id, sortable by time' },
    { name: 'created_at', type: 'utf8', nullable: false, role: 'attribute', description: 'ISO 8601 time the run was recorded' },
    { name: 'root', type: 'utf8', nullable: false, role: 'path', description: 'absolute path of the directory built' },
    { name: 'bundle', type: 'utf8', nullable: false, role: 'attribute', description: 'directory of the run bundle' },
    { name: 'manifest_fingerprint', type: 'utf8', nullable: false, role: 'attribute', description: 'fingerprint of the compiled program' },
    { name: 'policy_fingerprint', type: 'utf8', nullable: false, role: 'attribute', description: 'fingerprint of the compiled execution policy' },
    { name: 'package_fingerprint', type: 'utf8', nullable: false, role: 'attribute', description: 'fingerprint of the execution package' },
    { name: 'files', type: 'int64', nullable: false, role: 'attribute', description: 'files scanned' },
    { name: 'nodes', type: 'int64', nullable: false, role: 'attribute', description: 'rows of cpg.nodes' },
    { name: 'edges', type: 'int64', nullable: false, role: 'attribute', description: 'rows of cpg.edges' },
  ],
});

/** What one `meta.runs` row says. */
export interface RunRecord {
  readonly runId: string;
  readonly createdAt: string;
  readonly root: string;
  readonly bundle: string;
  readonly manifestFingerprint: string;
  readonly policyFingerprint: string;
  readonly packageFingerprint: string;
  readonly files: number;
  readonly nodes: number;
  readonly edges: number;
}

/**
 * Appends a run to `meta.runs` (creating the table when needed).
 *
 * @example
 * await recordRun(store, { runId, createdAt: new Date().toISOString(), root, bundle: dir, … });
 */
export async function recordRun(store: Store, run: RunRecord): Promise<void> {
  await store.ensureDataset(runsDataset);
  await store.ingest(
    runsDataset,
    columnBatch(runsDataset, {
      run_id: [run.runId],
      created_at: [run.createdAt],
      root: [run.root],
      bundle: [run.bundle],
      manifest_fingerprint: [run.manifestFingerprint],
      policy_fingerprint: [run.policyFingerprint],
      package_fingerprint: [run.packageFingerprint],
      files: [run.files],
      nodes: [run.nodes],
      edges: [run.edges],
    }),
  );
}
