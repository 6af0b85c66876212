import { readRunBundle } from '@anatomy/artifact-registry';
import type { ScanPolicyDecision } from '@anatomy/scan-policy';
import type { Store } from '@anatomy/store';
import { canonicalJson } from '@anatomy/contracts';
import { runScanPayoffsArtifact } from './run-artifacts.js';

/** A decision without its payoff, as text, to tell whether two runs decided the same. */
function decisionKey(decision: ScanPolicyDecision): string {
  return canonicalJson({ ...decision, payoff: null });
}

/**
 * The scan payoffs the previous run measured, when it decided exactly the
 * scan policies given (as an incremental build taking the cached plan
 * does); undefined when there is no previous run, its bundle cannot be read,
 * or any decision differs. Profiling every stored table's scans again costs
 * seconds that do not depend on the edit, so an incremental build records
 * the previous measurement of the same decisions instead.
 *
 * @example
 * const payoffs = (await previousScanPayoffs(store, decisions)) ?? (await measure());
 */
export async function previousScanPayoffs(store: Store, decisions: readonly ScanPolicyDecision[]): Promise<ScanPolicyDecision[] | undefined> {
  const exists = await store.query("SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'meta' AND table_name = 'runs'");
  if (Number(exists[0]?.['n'] ?? 0) === 0) return undefined;
  const last = (await store.query('SELECT bundle FROM meta.runs ORDER BY run_id DESC LIMIT 1'))[0]?.['bundle'];
  if (typeof last !== 'string') return undefined;
  let previous: readonly ScanPolicyDecision[];
  try {
    previous = (await readRunBundle(last)).read(runScanPayoffsArtifact);
  } catch {
    // A bundle deleted or from another version: measure instead.
    return undefined;
  }
  const byKey = new Map(previous.map((d) => [decisionKey(d), d]));
  const out: ScanPolicyDecision[] = [];
  for (const decision of decisions) {
    const earlier = byKey.get(decisionKey(decision));
    if (earlier === undefined) return undefined;
    out.push(earlier);
  }
  return out;
}
