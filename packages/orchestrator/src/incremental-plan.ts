import type { BuildState, ManifestFile, StoredBuild } from './build-state.js';

/**
 * How a build treats the store it writes: `full` replaces everything,
 * `incremental` keeps the evidence of unchanged files and extracts only the
 * files listed. Either way the reason is said, so a user who expected the
 * other mode learns why.
 */
export type IncrementalPlan =
  | { readonly mode: 'full'; readonly reason: string }
  | {
      readonly mode: 'incremental';
      readonly reason: string;
      /** File ids new since the stored build, sorted. */
      readonly added: readonly string[];
      /** File ids whose contents changed, sorted. */
      readonly changed: readonly string[];
      /** File ids gone since the stored build (a rename is a deletion and an addition), sorted. */
      readonly deleted: readonly string[];
      readonly unchanged: number;
    };

function describeDemand(demanded: BuildState['demanded']): string {
  return demanded === 'all' ? 'every evidence dataset' : `${demanded.length} demanded evidence datasets`;
}

/** Why two build states cannot share evidence, or null when they can. */
function incompatibility(stored: BuildState, current: BuildState): string | null {
  if (stored.manifestFingerprint !== current.manifestFingerprint) {
    return `the compiled program changed (manifest ${stored.manifestFingerprint.slice(0, 12)} → ${current.manifestFingerprint.slice(0, 12)})`;
  }
  if (JSON.stringify(stored.extractors) !== JSON.stringify(current.extractors)) {
    return `the extractors changed (${stored.extractors.join(', ')} → ${current.extractors.join(', ')})`;
  }
  if (JSON.stringify(stored.demanded) !== JSON.stringify(current.demanded)) {
    return `the evidence extracted changed (${describeDemand(stored.demanded)} → ${describeDemand(current.demanded)})`;
  }
  return null;
}

const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Decides between a full and an incremental build, and for an incremental
 * one diffs the stored file manifest against the files scanned now by
 * content hash. Files are the ownership unit: every evidence row belongs to
 * one file id, so a changed file's rows can be replaced without touching
 * any other file's.
 *
 * @example
 * const plan = planIncrement({ stored: await readStoredBuild(store), current, files: scan.files, full: false });
 * if (plan.mode === 'incremental') plan.changed; // the file ids to extract again
 */
export function planIncrement(input: {
  readonly stored: StoredBuild;
  readonly current: BuildState;
  readonly files: readonly ManifestFile[];
  /** `--full`: rebuild everything whatever the store holds. */
  readonly full: boolean;
  /** Evidence datasets no file owns (see `unownedEvidence`); any of them forces a full build. */
  readonly unowned?: readonly string[];
}): IncrementalPlan {
  if (input.full) return { mode: 'full', reason: '--full was given' };
  if (input.current.scip) return { mode: 'full', reason: 'SCIP evidence comes from one index of the whole repository, so it cannot be updated file by file' };
  if (input.unowned !== undefined && input.unowned.length > 0) {
    return { mode: 'full', reason: `no file owns the rows of ${input.unowned.join(', ')} (no file-identity column), so they cannot be updated file by file` };
  }
  if (!input.stored.found) return { mode: 'full', reason: input.stored.reason };
  const why = incompatibility(input.stored.state, input.current);
  if (why !== null) return { mode: 'full', reason: why };

  const before = new Map(input.stored.files.map((f) => [f.file_id, f.sha256]));
  const now = new Set<string>();
  const added: string[] = [];
  const changed: string[] = [];
  for (const file of input.files) {
    now.add(file.file_id);
    const previous = before.get(file.file_id);
    if (previous === undefined) added.push(file.file_id);
    else if (previous !== file.sha256) changed.push(file.file_id);
  }
  const deleted = [...before.keys()].filter((id) => !now.has(id));
  added.sort(byId);
  changed.sort(byId);
  deleted.sort(byId);
  const unchanged = input.files.length - added.length - changed.length;
  return {
    mode: 'incremental',
    reason: `the store holds a compatible build of ${input.stored.files.length} files`,
    added,
    changed,
    deleted,
    unchanged,
  };
}
