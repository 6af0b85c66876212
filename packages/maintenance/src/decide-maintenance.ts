import { formatIssues, validate } from '@anatomy/contracts';
import { MaintenanceThresholdsSchema } from '@anatomy/execution-policy';
import type { MaintenanceThresholds } from '@anatomy/execution-policy';
import { z } from 'zod';
import { MaintenanceError } from './maintenance-error.js';
import type { MaintenanceAction, MaintenanceDecision, MaintenanceMetric, MaintenanceTarget } from './maintenance-decision.js';
import { WriteMeasurementSchema } from './write-measurement.js';
import type { WriteMeasurement } from './write-measurement.js';

/**
 * The order actions should run in, which is also the order of the decisions.
 * A Record, so a new action does not compile until it has a place.
 */
const ACTION_RANK: Readonly<Record<MaintenanceAction, number>> = {
  // Rewrites come first: they produce the WAL and free blocks the later actions handle.
  'rewrite-table': 0,
  'refresh-statistics': 1,
  checkpoint: 2,
  // Compaction last: blocks freed by a rewrite become reclaimable only after a checkpoint.
  'compact-database': 3,
};

/** Every write to one table in a batch of outcomes, summed. */
interface TableTotals {
  readonly table: string;
  readonly writes: number;
  readonly rowsInserted: number;
  readonly rowsDeleted: number;
  /** Live rows after the last write. */
  readonly tableRowCount: number;
  /** Rows the table's row groups held after the last write, deleted ones included. */
  readonly storedRowCount: number;
  /**
   * Every row the table holds was written during these writes, into a table
   * made anew (replaced whole) or empty with nothing stored, and none was
   * deleted since: DuckDB gathered its statistics from exactly these rows.
   */
  readonly writtenAnew: boolean;
}

/**
 * Whether the writes so far leave the table as made anew: `true` or `false`
 * once told, `open` through a run of inserts the table began with, which
 * the counts after the last write settle (see {@link settleAnew}). A
 * replacement of the whole table always makes it anew; an insert keeps what
 * was told, and opens a run when it is the first write seen. A deletion, or
 * a write whose operation is not given, ends it.
 */
type Anew = { readonly state: boolean } | { readonly state: 'open'; readonly inserted: number };

function nextAnew(m: WriteMeasurement, before: Anew | undefined): Anew {
  if (m.operation === 'materialize-table') return { state: true };
  if (m.operation !== 'ingest' && m.operation !== 'replace') return { state: false };
  if (m.rowsDeleted > 0) return { state: false };
  if (before === undefined) return { state: 'open', inserted: m.rowsInserted };
  return before.state === 'open' ? { state: 'open', inserted: before.inserted + m.rowsInserted } : before;
}

/**
 * A run of inserts made the table anew when it held no rows, live or
 * deleted, before the run: nothing was deleted during it, so that is when
 * the live rows after the last write are exactly the rows inserted and the
 * table stores no others. Read from the counts after the last write, this
 * holds whether each write was measured at once or all of them together at
 * the end of the run (when every write carries the final counts, and the
 * first write's own counts say nothing about the table before it).
 */
function settleAnew(anew: Anew, last: WriteMeasurement): boolean {
  if (anew.state !== 'open') return anew.state;
  return last.tableRowCount === anew.inserted && last.storedRowCount === last.tableRowCount;
}

function totalsByTable(measurements: readonly WriteMeasurement[]): TableTotals[] {
  const runs = new Map<string, { writes: number; rowsInserted: number; rowsDeleted: number; anew: Anew; last: WriteMeasurement }>();
  for (const m of measurements) {
    const before = runs.get(m.target);
    runs.set(m.target, {
      writes: (before?.writes ?? 0) + 1,
      rowsInserted: (before?.rowsInserted ?? 0) + m.rowsInserted,
      rowsDeleted: (before?.rowsDeleted ?? 0) + m.rowsDeleted,
      anew: nextAnew(m, before?.anew),
      last: m,
    });
  }
  const totals = new Map<string, TableTotals>();
  for (const [table, run] of runs) {
    totals.set(table, {
      table,
      writes: run.writes,
      rowsInserted: run.rowsInserted,
      rowsDeleted: run.rowsDeleted,
      tableRowCount: run.last.tableRowCount,
      storedRowCount: run.last.storedRowCount,
      writtenAnew: settleAnew(run.anew, run.last),
    });
  }
  return [...totals.values()].sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0));
}

/**
 * How sure a decision is, from the margin by which the measurement passed its
 * threshold: 0.5 exactly at the threshold (the action is as likely to be
 * wasted as to help), rising towards 1 as the measurement grows.
 */
function marginConfidence(measured: number, threshold: number): number {
  return 0.5 + 0.5 * (1 - threshold / measured);
}

const percent = (fraction: number): string => `${(fraction * 100).toFixed(1)}%`;
const mebibytes = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;

function decision(
  action: MaintenanceAction,
  target: MaintenanceTarget,
  metric: MaintenanceMetric,
  measured: number,
  threshold: number,
  rationale: string,
  observed: string,
  thresholdName: keyof MaintenanceThresholds,
): MaintenanceDecision {
  return Object.freeze({
    action,
    target: Object.freeze(target),
    cause: Object.freeze({ metric, measured, threshold }),
    confidence: marginConfidence(measured, threshold),
    rationale,
    evidence: Object.freeze([
      Object.freeze({ source: 'write-outcome', detail: observed }),
      Object.freeze({ source: 'execution-policy', detail: `${thresholdName}=${threshold}` }),
    ]),
  }) as MaintenanceDecision;
}

const MeasurementsSchema = z.array(WriteMeasurementSchema);

/**
 * Maps the write measurements of a run, in the order the writes happened, to
 * maintenance decisions, each with the metric, measurement and threshold that
 * caused it. Per table, writes are summed and the last row counts are kept;
 * database-wide numbers (WAL, blocks) come from the last write, which
 * describes the file as it is now.
 *
 * - `rewrite-table` when deleted rows still stored make up at least
 *   `deletedFractionRewrite` of the rows the table stores
 *   (`(storedRowCount - tableRowCount) / storedRowCount` after the last write);
 * - `refresh-statistics` when at least `statsRefreshRowsChanged` rows were
 *   inserted or deleted, unless the table is rewritten, which rebuilds them,
 *   or every row it holds was written into it anew by these writes (a table
 *   replaced whole, or filled from empty by inserts, with no deletion since;
 *   the writes' `operation` says which). DuckDB gathers a table's statistics,
 *   distinct-count sketches included, as rows are appended, so those already
 *   describe exactly the rows it holds; what makes them drift is rows deleted
 *   or replaced under them, and an `ANALYZE` here would only estimate the
 *   same rows again;
 * - `checkpoint` when the WAL holds at least `walBytesCheckpoint` bytes;
 * - `compact-database` when at least `freeBlockRatioCompact` of the blocks are free.
 *
 * Decisions are ordered by action (rewrite, refresh, checkpoint, compact) and
 * then by table name, so equal inputs give equal output. Throws
 * `maintenance/InvalidMeasurement` or `maintenance/InvalidThresholds` listing
 * every problem.
 *
 * @example
 * decideMaintenance(
 *   [{ target: 'evidence.py_defs', rowsInserted: 0, rowsDeleted: 400, tableRowCount: 600,
 *      storedRowCount: 1000, walBytes: 1024, totalBlocks: 100, freeBlocks: 10 }],
 *   DEFAULT_MAINTENANCE_THRESHOLDS,
 * ); // [rewrite-table evidence.py_defs (deletedFraction 0.4 ≥ 0.25), …]
 */
export function decideMaintenance(outcomes: readonly WriteMeasurement[], thresholds: MaintenanceThresholds): readonly MaintenanceDecision[] {
  const measured = validate(MeasurementsSchema, outcomes);
  if (!measured.ok) {
    throw MaintenanceError.create('InvalidMeasurement', `write measurements are invalid:\n${formatIssues(measured.issues)}`, {
      details: { issues: measured.issues },
      hint: 'pass the WriteOutcomes reported by the store unchanged; each line above names the write and the field',
    });
  }
  const limits = validate(MaintenanceThresholdsSchema, thresholds);
  if (!limits.ok) {
    throw MaintenanceError.create('InvalidThresholds', `maintenance thresholds are invalid:\n${formatIssues(limits.issues)}`, {
      details: { issues: limits.issues },
      hint: 'take the thresholds from the compiled execution policy',
    });
  }
  const t = limits.value;
  const decisions: MaintenanceDecision[] = [];

  for (const table of totalsByTable(measured.value)) {
    const target: MaintenanceTarget = { scope: 'table', table: table.table };
    // Dead rows are measured, not inferred from rowsDeleted: a replaced table
    // (CREATE OR REPLACE) deletes rows without keeping any, and a checkpoint
    // may already have dropped the deleted rows of a row group.
    const stored = table.storedRowCount;
    const deletedFraction = stored === 0 ? 0 : Math.max(0, stored - table.tableRowCount) / stored;
    const observed = `${table.table}: rowsInserted=${table.rowsInserted}, rowsDeleted=${table.rowsDeleted}, tableRowCount=${table.tableRowCount}, storedRowCount=${table.storedRowCount} over ${table.writes} write(s)`;
    const rewrite = deletedFraction >= t.deletedFractionRewrite;
    if (rewrite) {
      decisions.push(
        decision(
          'rewrite-table',
          target,
          'deletedFraction',
          deletedFraction,
          t.deletedFractionRewrite,
          `deleted rows are ${percent(deletedFraction)} of the rows ${table.table} stores, at or above the rewrite threshold of ${percent(t.deletedFractionRewrite)}`,
          observed,
          'deletedFractionRewrite',
        ),
      );
    }
    const rowsChanged = table.rowsInserted + table.rowsDeleted;
    if (!rewrite && !table.writtenAnew && rowsChanged >= t.statsRefreshRowsChanged) {
      decisions.push(
        decision(
          'refresh-statistics',
          target,
          'rowsChanged',
          rowsChanged,
          t.statsRefreshRowsChanged,
          `${rowsChanged} rows of ${table.table} changed, at or above the ${t.statsRefreshRowsChanged} after which statistics drift`,
          observed,
          'statsRefreshRowsChanged',
        ),
      );
    }
  }

  const last = measured.value.at(-1);
  if (last !== undefined) {
    const database: MaintenanceTarget = { scope: 'database' };
    const observed = `after the write to ${last.target}: walBytes=${last.walBytes}, totalBlocks=${last.totalBlocks}, freeBlocks=${last.freeBlocks}`;
    if (last.walBytes >= t.walBytesCheckpoint) {
      decisions.push(
        decision(
          'checkpoint',
          database,
          'walBytes',
          last.walBytes,
          t.walBytesCheckpoint,
          `the write-ahead log holds ${mebibytes(last.walBytes)}, at or above the checkpoint threshold of ${mebibytes(t.walBytesCheckpoint)}`,
          observed,
          'walBytesCheckpoint',
        ),
      );
    }
    const freeRatio = last.totalBlocks === 0 ? 0 : last.freeBlocks / last.totalBlocks;
    if (freeRatio >= t.freeBlockRatioCompact) {
      decisions.push(
        decision(
          'compact-database',
          database,
          'freeBlockRatio',
          freeRatio,
          t.freeBlockRatioCompact,
          `${percent(freeRatio)} of the database blocks are free, at or above the compaction threshold of ${percent(t.freeBlockRatioCompact)}`,
          observed,
          'freeBlockRatioCompact',
        ),
      );
    }
  }

  // Array.prototype.sort is stable, so tables keep their name order within an action.
  return Object.freeze(decisions.sort((a, b) => ACTION_RANK[a.action] - ACTION_RANK[b.action]));
}
