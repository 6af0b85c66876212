import { profileView } from '@anatomy/plan-signals';
import type { SqlQueryable } from '@anatomy/plan-signals';
import { deepFreeze } from './deep-freeze.js';
import { ScanPolicyDecisionSchema } from './scan-policy-decision.js';
import type { ScanPayoff, ScanPolicyDecision } from './scan-policy-decision.js';
import { ScanPolicyError } from './scan-policy-error.js';
import type { PredicateSelectivity } from './derive-scan-policy.js';

/** The temporary table the candidate subset is built in while measuring; dropped afterwards. */
const SUBSET_TABLE = 'anatomy_scan_payoff_subset';

function quoted(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

function whereOf(predicates: readonly string[]): string {
  return predicates.length === 0 ? '' : ` WHERE ${predicates.join(' AND ')}`;
}

/**
 * The uncompressed width of a value of a DuckDB type, as a SQL expression:
 * fixed for fixed-width types, the byte length for strings and blobs.
 */
function widthOf(column: string, type: string): string {
  const c = quoted(column);
  const fixed: Record<string, number> = { BOOLEAN: 1, TINYINT: 1, UTINYINT: 1, SMALLINT: 2, USMALLINT: 2, INTEGER: 4, UINTEGER: 4, FLOAT: 4, DATE: 4 };
  const eight = ['BIGINT', 'UBIGINT', 'DOUBLE', 'TIMESTAMP', 'TIME', 'TIMESTAMP WITH TIME ZONE'];
  const t = type.toUpperCase();
  if (fixed[t] !== undefined) return `CASE WHEN ${c} IS NULL THEN 0 ELSE ${fixed[t]} END`;
  if (eight.includes(t)) return `CASE WHEN ${c} IS NULL THEN 0 ELSE 8 END`;
  if (t === 'HUGEINT' || t === 'UHUGEINT' || t === 'UUID' || t === 'INTERVAL') return `CASE WHEN ${c} IS NULL THEN 0 ELSE 16 END`;
  if (t === 'BLOB') return `coalesce(octet_length(${c}), 0)`;
  if (t === 'VARCHAR') return `coalesce(strlen(${c}), 0)`;
  return `coalesce(strlen(CAST(${c} AS VARCHAR)), 0)`;
}

/** A relation's column names and types, in order (`DESCRIBE` binds only this relation, unlike a catalog query). */
async function columnTypes(store: SqlQueryable, source: string): Promise<{ name: string; type: string }[]> {
  const rows = await store.query(`DESCRIBE ${source}`);
  return rows.map((r) => ({ name: String(r['column_name']), type: String(r['column_type']) }));
}

type Column = { readonly name: string; readonly type: string };

/**
 * A relation's row count and the average uncompressed bytes per row of each
 * set of its columns (0 for an empty relation or set), from one scan.
 */
async function rowsAndWidths(store: SqlQueryable, from: string, columnSets: readonly (readonly Column[])[]): Promise<{ rows: number; widths: number[] }> {
  const widths = columnSets.map((columns, i) => `coalesce(avg(${columns.length === 0 ? '0' : columns.map((c) => widthOf(c.name, c.type)).join(' + ')}), 0) AS w${i}`);
  const row = (await store.query(`SELECT ${['count(*) AS n', ...widths].join(', ')} FROM ${from}`))[0];
  return { rows: Number(row?.['n'] ?? 0), widths: columnSets.map((_, i) => Number(row?.[`w${i}`] ?? 0)) };
}

/** Options of {@link measureScanPayoff}. */
export interface MeasureScanPayoffOptions {
  /** The dataset's rows as the caller counted them just before; counted here when absent. */
  readonly rows?: number;
}

/**
 * Every scan of an empty dataset reads nothing, with or without the policy:
 * exact without profiling each read site (a small project leaves many
 * datasets empty).
 */
function emptyPayoff(decision: ScanPolicyDecision): ScanPolicyDecision {
  const none = { rowsScannedWith: 0, rowsScannedWithout: 0, bytesScannedWith: 0, bytesScannedWithout: 0, datasetRows: 0 };
  return deepFreeze(ScanPolicyDecisionSchema.parse({ ...decision, payoff: decision.candidateSubset === null ? none : { ...none, subsetRows: 0 } }));
}

/**
 * Rows the scans of a query read, from DuckDB's profile of running it. Many
 * read sites share their SQL (every reader without predicates scans the
 * whole dataset), so each distinct query of one measurement runs once.
 */
function rowsScannedOnce(store: SqlQueryable): (sql: string) => Promise<number> {
  const measured = new Map<string, Promise<number>>();
  // The plans' names are stripped of the connection's database, asked once for all of them.
  let database: Promise<string> | undefined;
  return (sql) => {
    let rows = measured.get(sql);
    if (rows === undefined) {
      database ??= store.query('SELECT current_database() AS db').then((r) => String(r[0]?.['db'] ?? ''));
      rows = database.then((db) => profileView(store, { name: 'scan_policy.payoff', sql }, { database: db })).then((outcome) => outcome.rowsScanned);
      measured.set(sql, rows);
    }
    return rows;
  };
}

/**
 * Measures what a dataset's scan policy saves, by running the scans under
 * DuckDB's profiler and counting the rows they read:
 *
 * - without the policy, every read site scans every column of the dataset,
 *   with its own predicates;
 * - with it, sites read only the policy's columns, and the sites of the
 *   candidate subset's readers read a copy holding just the subset (built
 *   once, its scan counted) — measured whether or not the subset was
 *   decided, since the measurement is what should decide it.
 *
 * A site without predicates reads every row: its count is the dataset's
 * (or the subset's) row count, which the profiler reports for such a scan
 * (deleted rows excluded), so it is not run again (over the standard
 * library 135 of a build's 153 profiled scans, about 1 s).
 *
 * Bytes are the rows scanned times the measured average uncompressed width
 * of the columns read (DuckDB's profiler reports no bytes for its own
 * storage). The result is the decision with `payoff` filled in, including
 * the dataset's and subset's rows, from which {@link measuredSelectivity}
 * reads the selectivity to derive the policy again. Throws
 * `scan-policy/InvalidDataset` when the decision is another dataset's and
 * `scan-policy/MeasureFailed` when DuckDB cannot run the scans.
 *
 * A caller that counted the dataset's rows already (one query for many
 * datasets, say) passes `rows`: an empty dataset is then measured without
 * asking DuckDB anything.
 *
 * @example
 * const measured = await measureScanPayoff(store, 'evidence.ts_defs', policy);
 * measured.payoff; // { rowsScannedWith: 1400, rowsScannedWithout: 3000, … }
 */
export async function measureScanPayoff(store: SqlQueryable, dataset: string, decision: ScanPolicyDecision, options: MeasureScanPayoffOptions = {}): Promise<ScanPolicyDecision> {
  if (decision.dataset !== dataset) {
    throw ScanPolicyError.create('InvalidDataset', `the scan policy given is for ${decision.dataset}, not ${dataset}`, {
      hint: 'measure each dataset with its own policy',
    });
  }
  if (options.rows === 0) return emptyPayoff(decision);
  const dot = dataset.indexOf('.');
  const source = dot < 0 ? quoted(dataset) : `${quoted(dataset.slice(0, dot))}.${quoted(dataset.slice(dot + 1))}`;
  let payoff: ScanPayoff;
  try {
    const rowsScanned = rowsScannedOnce(store);
    const rowsRead = (from: string, predicates: readonly string[]): Promise<number> => rowsScanned(`SELECT 1 FROM ${from}${whereOf(predicates)}`);
    const all = await columnTypes(store, source);
    if (all.length === 0) {
      throw ScanPolicyError.create('MeasureFailed', `${dataset} has no columns in the store`, { hint: `create and fill ${dataset} before measuring its scans` });
    }
    const wanted = decision.columns.value.includes('*') ? all : all.filter((c) => decision.columns.value.includes(c.name));
    const projected = wanted.length === 0 ? all : wanted;
    const list = projected.map((c) => quoted(c.name)).join(', ');
    // The count and both widths in one scan of the dataset.
    const measured = await rowsAndWidths(store, source, [all, projected]);
    const datasetRows = measured.rows;
    if (datasetRows === 0) return emptyPayoff(decision);
    const [fullWidth = 0, projectedWidth = 0] = measured.widths;
    const subset = decision.candidateSubset;
    const sharing = new Set(subset?.readers ?? []);

    let rowsWithout = 0;
    let bytesWithout = 0;
    let rowsWith = 0;
    let bytesWith = 0;
    let subsetRows: number | undefined;
    const subsetSites: (readonly string[])[] = [];
    for (const reader of decision.readers) {
      for (const site of reader.sites) {
        // The rows a scan reads follow from its predicates, not from the columns it
        // returns (those only change the bytes, counted by width): the profiled query
        // returns a constant, so DuckDB reads the predicates' columns and no other,
        // and the site costs the same query with the policy or without.
        const scanned = site.length === 0 ? datasetRows : await rowsRead(source, site);
        rowsWithout += scanned;
        bytesWithout += scanned * fullWidth;
        if (subset !== null && sharing.has(reader.view) && subset.predicates.every((p) => site.includes(p))) {
          subsetSites.push(site);
          continue;
        }
        rowsWith += scanned;
        bytesWith += scanned * projectedWidth;
      }
    }
    if (subset !== null) {
      const build = `SELECT ${list} FROM ${source}${whereOf(subset.predicates)}`;
      const built = await rowsRead(source, subset.predicates);
      rowsWith += built;
      bytesWith += built * projectedWidth;
      await store.query(`CREATE OR REPLACE TEMP TABLE ${SUBSET_TABLE} AS ${build}`);
      try {
        const inSubset = await rowsAndWidths(store, SUBSET_TABLE, [projected]);
        subsetRows = inSubset.rows;
        const [subsetWidth = 0] = inSubset.widths;
        for (const site of subsetSites) {
          const rest = site.filter((p) => !subset.predicates.includes(p));
          const scanned = rest.length === 0 ? inSubset.rows : await rowsRead(SUBSET_TABLE, rest);
          rowsWith += scanned;
          bytesWith += scanned * subsetWidth;
        }
      } finally {
        await store.query(`DROP TABLE IF EXISTS ${SUBSET_TABLE}`);
      }
    }
    payoff = {
      rowsScannedWith: rowsWith,
      rowsScannedWithout: rowsWithout,
      bytesScannedWith: Math.round(bytesWith),
      bytesScannedWithout: Math.round(bytesWithout),
      datasetRows,
      ...(subsetRows === undefined ? {} : { subsetRows }),
    };
  } catch (error) {
    if (ScanPolicyError.is(error)) throw error;
    throw ScanPolicyError.create('MeasureFailed', `cannot measure the scans of ${dataset}: ${(error as Error).message.split('\n')[0]}`, {
      cause: error,
      details: { dataset },
      hint: `check that ${dataset} exists in the store and that the policy's predicates are DuckDB SQL over its columns`,
    });
  }
  return deepFreeze(ScanPolicyDecisionSchema.parse({ ...decision, payoff }));
}

/**
 * The selectivity a measured payoff shows for the candidate subset, keyed by
 * its predicates joined with ' AND ' — pass it as `selectivity` to
 * deriveScanPolicy to decide the subset on the measurement. Empty when
 * nothing was measured or the dataset is empty.
 *
 * @example
 * deriveScanPolicy(dataset, lineages, { selectivity: measuredSelectivity(measured) });
 */
export function measuredSelectivity(decision: ScanPolicyDecision): Readonly<Record<string, PredicateSelectivity>> {
  const { payoff, candidateSubset } = decision;
  if (payoff?.subsetRows === undefined || payoff.datasetRows === undefined || payoff.datasetRows === 0 || candidateSubset === null) return {};
  return Object.freeze({ [candidateSubset.predicates.join(' AND ')]: Object.freeze({ value: payoff.subsetRows / payoff.datasetRows, source: 'measured' as const }) });
}
