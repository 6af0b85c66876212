import { formatIssues, validate } from '@anatomy/contracts';
import { maintenanceLogDataset } from '@anatomy/store';
import type { Store } from '@anatomy/store';
import { z } from 'zod';
import { MaintenanceError } from './maintenance-error.js';
import { MaintenanceLogEntrySchema } from './maintenance-record.js';
import type { MaintenanceLogEntry, MaintenanceRecord } from './maintenance-record.js';

/**
 * Appends the actions a run carried out to the store's `meta.maintenance_log`
 * in one transaction, each with its cause and measured before/after storage.
 * Dry-run and skipped records changed nothing, so they are not logged.
 * Returns the number of rows written.
 *
 * @example
 * const records = await runMaintenance(store, decisions, { log: false });
 * await appendMaintenanceLog(store, records, runId);
 */
export async function appendMaintenanceLog(store: Store, records: readonly MaintenanceRecord[], runId: string | null = null): Promise<number> {
  const recordedAt = new Date().toISOString();
  const rows = records.flatMap((record, seq) => {
    if (record.status !== 'done' || record.after === null) return [];
    const { decision, before, after } = record;
    return [
      {
        run_id: runId,
        seq,
        recorded_at: recordedAt,
        action: decision.action,
        target_table: decision.target.scope === 'table' ? decision.target.table : null,
        cause_metric: decision.cause.metric,
        cause_measured: decision.cause.measured,
        cause_threshold: decision.cause.threshold,
        confidence: decision.confidence,
        rationale: decision.rationale,
        duration_ms: record.durationMs,
        file_bytes_before: before.fileBytes,
        file_bytes_after: after.fileBytes,
        wal_bytes_before: before.walBytes,
        wal_bytes_after: after.walBytes,
        free_blocks_before: before.freeBlocks,
        free_blocks_after: after.freeBlocks,
        decision_json: JSON.stringify(decision),
        before_json: JSON.stringify(before),
        after_json: JSON.stringify(after),
      },
    ];
  });
  if (rows.length === 0) return 0;
  await store.transaction(async () => {
    await store.ensureDataset(maintenanceLogDataset);
    await store.ingestRows(maintenanceLogDataset, rows);
  });
  return rows.length;
}

const LogRowSchema = z.object({
  run_id: z.string().nullable(),
  seq: z.number().int(),
  recorded_at: z.string(),
  duration_ms: z.number(),
  decision_json: z.string(),
  before_json: z.string(),
  after_json: z.string(),
});

/**
 * Reads the store's maintenance history, oldest first; empty when nothing was
 * ever logged. Throws `maintenance/InvalidHistory` listing every row that does
 * not parse.
 *
 * @example
 * const history = await readMaintenanceLog(store);
 * const calibration = calibrateThresholds(history.map((e) => e.record), policy.maintenance);
 */
export async function readMaintenanceLog(store: Store): Promise<readonly MaintenanceLogEntry[]> {
  const [schema, table] = maintenanceLogDataset.name.split('.');
  const exists = await store.query('SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = ? AND table_name = ?', [
    schema ?? '',
    table ?? '',
  ]);
  if (Number(exists[0]?.['n'] ?? 0) === 0) return Object.freeze([]);
  const rows = await store.query(
    `SELECT run_id, seq, recorded_at, duration_ms, decision_json, before_json, after_json FROM ${maintenanceLogDataset.name} ORDER BY recorded_at, run_id NULLS FIRST, seq`,
  );
  const problems: string[] = [];
  const entries: MaintenanceLogEntry[] = [];
  rows.forEach((raw, i) => {
    try {
      const row = LogRowSchema.parse(raw);
      const checked = validate(MaintenanceLogEntrySchema, {
        runId: row.run_id,
        seq: row.seq,
        recordedAt: row.recorded_at,
        record: { decision: JSON.parse(row.decision_json), status: 'done', before: JSON.parse(row.before_json), after: JSON.parse(row.after_json), durationMs: row.duration_ms },
      });
      if (checked.ok) entries.push(checked.value);
      else problems.push(`row ${i}:\n${formatIssues(checked.issues)}`);
    } catch (error) {
      problems.push(`row ${i}: ${(error as Error).message}`);
    }
  });
  if (problems.length > 0) {
    throw MaintenanceError.create('InvalidHistory', `the maintenance log of ${store.path} holds rows that do not parse:\n${problems.join('\n')}`, {
      details: { problems },
      hint: 'the log was written by another version; drop meta.maintenance_log to start a new history',
    });
  }
  return Object.freeze(entries);
}
