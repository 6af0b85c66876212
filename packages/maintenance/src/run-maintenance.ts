import { formatIssues, validate } from '@anatomy/contracts';
import { StoreError } from '@anatomy/store';
import type { MaintenanceOutcome, Store } from '@anatomy/store';
import { z } from 'zod';
import { MaintenanceDecisionSchema } from './maintenance-decision.js';
import type { MaintenanceDecision } from './maintenance-decision.js';
import { MaintenanceError } from './maintenance-error.js';
import { appendMaintenanceLog } from './maintenance-log.js';
import type { MaintenanceRecord } from './maintenance-record.js';

/** How {@link runMaintenance} runs. */
export interface RunMaintenanceOptions {
  /** Measure and report, but change nothing (and log nothing). */
  readonly dryRun?: boolean;
  /** The run whose writes caused the decisions, kept in the log. */
  readonly runId?: string;
  /** Append what was done to `meta.maintenance_log`; true unless set. */
  readonly log?: boolean;
}

const DecisionsSchema = z.array(MaintenanceDecisionSchema);

function act(store: Store, decision: MaintenanceDecision): Promise<MaintenanceOutcome> {
  const table = decision.target.scope === 'table' ? decision.target.table : undefined;
  switch (decision.action) {
    case 'checkpoint':
      return store.checkpoint();
    case 'rewrite-table':
      return store.rewriteTable(table ?? '');
    case 'refresh-statistics':
      return store.refreshStatistics(table);
    case 'compact-database':
      return store.compactDatabase();
  }
}

/** The storage before a decision, or null when its table is gone. */
async function storageFor(store: Store, decision: MaintenanceDecision): Promise<MaintenanceRecord['before'] | null> {
  try {
    return await store.storage(decision.target.scope === 'table' ? decision.target.table : undefined);
  } catch (error) {
    if (StoreError.is(error, 'UnknownTable')) return null;
    throw error;
  }
}

/**
 * Carries out maintenance decisions in the order given (`decideMaintenance`
 * orders them rewrite, statistics, checkpoint, compaction) and returns one
 * record per decision with the storage measured before and after. A decision
 * whose table no longer exists is skipped, not failed. Unless `log` is false
 * the actions done are appended to `meta.maintenance_log`. Run it after the
 * build's transaction has committed: the actions refuse to run inside one.
 *
 * Throws `maintenance/InvalidDecisions` listing every invalid decision, or
 * `maintenance/ActionFailed` when an action fails — the actions before it
 * stay done and logged.
 *
 * @example
 * const decisions = decideMaintenance(outcomes, policy.maintenance);
 * const records = await runMaintenance(store, decisions, { runId });
 * for (const r of records) console.log(r.decision.action, r.before.fileBytes, '→', r.after?.fileBytes);
 */
export async function runMaintenance(store: Store, decisions: readonly MaintenanceDecision[], options: RunMaintenanceOptions = {}): Promise<readonly MaintenanceRecord[]> {
  const checked = validate(DecisionsSchema, decisions);
  if (!checked.ok) {
    throw MaintenanceError.create('InvalidDecisions', `maintenance decisions are invalid:\n${formatIssues(checked.issues)}`, {
      details: { issues: checked.issues },
      hint: 'pass the decisions decideMaintenance returned, unchanged',
    });
  }
  const records: MaintenanceRecord[] = [];
  const finish = async (): Promise<void> => {
    if (options.dryRun !== true && options.log !== false) await appendMaintenanceLog(store, records, options.runId ?? null);
  };
  for (const decision of decisions) {
    const before = await storageFor(store, decision);
    if (before === null) {
      const target = decision.target.scope === 'table' ? decision.target.table : 'the database';
      records.push(
        Object.freeze({ decision, status: 'skipped', before: await store.storage(), after: null, durationMs: 0, note: `${target} no longer exists` }),
      );
      continue;
    }
    if (options.dryRun === true) {
      records.push(Object.freeze({ decision, status: 'dry-run', before, after: null, durationMs: 0 }));
      continue;
    }
    let outcome: MaintenanceOutcome;
    try {
      outcome = await act(store, decision);
    } catch (error) {
      await finish();
      const target = decision.target.scope === 'table' ? ` of ${decision.target.table}` : '';
      throw MaintenanceError.create('ActionFailed', `${decision.action}${target} failed: ${(error as Error).message}`, {
        cause: error,
        details: { decision, completed: [...records] },
        hint: error instanceof Error && 'hint' in error && typeof error.hint === 'string' ? error.hint : 'the actions before it were carried out and logged; fix the cause and run maintenance again',
      });
    }
    records.push(Object.freeze({ decision, status: 'done', before: outcome.before, after: outcome.after, durationMs: outcome.durationMs }));
  }
  await finish();
  return Object.freeze(records);
}
