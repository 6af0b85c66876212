import type { FileLocality } from '@anatomy/plan-signals';
import { FILES_PER_WRITE_RANGE, MIN_RANGE_WRITE_BRANCHES, plainUnionBranches } from './file-range-writes.js';
import { MIN_STAGED_BRANCHES, stagedUnionCte } from './staged-union-writes.js';

/**
 * How a full build writes a stored view that would hold too much in memory
 * as one statement: range of files by range of files (`file-ranges`, see
 * file-range-writes.ts) or its CTE's union first, branch by branch, into a
 * temporary table (`staged-union`, see staged-union-writes.ts).
 */
export type WriteShape =
  | { readonly shape: 'file-ranges'; readonly column: string; readonly branches: number; readonly filesPerRange: number }
  | { readonly shape: 'staged-union'; readonly cte: string; readonly branches: number };

/** A write-shape decision: its value, confidence, rationale and evidence. */
export interface WriteShapeDecision {
  readonly value: WriteShape;
  readonly confidence: number;
  readonly rationale: string;
  readonly evidence: readonly { readonly source: string; readonly detail: string }[];
}

/**
 * The write shape of a view a full build stores, from DuckDB's parse tree of
 * its SQL, its file locality and the operator counts of its physical plan;
 * null when one statement is the way (most views). `clusterBy` is the column
 * the table is stored in the order of (null when none).
 *
 * @example
 * writeShapeDecision(bundle.parseTree, locality['cpg.props'], 'file_id', signals['cpg.props']);
 * // { value: { shape: 'file-ranges', column: 'file_id', branches: 55, filesPerRange: 250 }, confidence: 0.9, … }
 */
export function writeShapeDecision(
  parseTree: unknown,
  locality: FileLocality | undefined,
  clusterBy: string | null,
  plan?: { readonly aggregates: number; readonly windows: number },
): WriteShapeDecision | null {
  const plain = plainUnionBranches(parseTree, plan);
  if (plain !== null && plain >= MIN_RANGE_WRITE_BRANCHES && clusterBy !== null && locality?.local === true && locality.column === clusterBy) {
    return {
      value: { shape: 'file-ranges', column: clusterBy, branches: plain, filesPerRange: FILES_PER_WRITE_RANGE },
      confidence: 0.9,
      rationale:
        `a union of ${plain} plain reads stored in ${clusterBy} order: written ${FILES_PER_WRITE_RANGE} files at a time, each range filtered and sorted ` +
        'by its own statement, because one sort of the whole union keeps every branch in memory and does not spill',
      evidence: [
        { source: 'plan-lineage', detail: `json_serialize_sql parse tree: a UNION ALL of ${plain} SELECTs of one stored table each (at most looked up in another by a LEFT JOIN on one column), with no other join, no grouping or window` },
        { source: 'file-locality', detail: `file-local on ${clusterBy}: a filter on it reaches every branch's scan` },
        ...(plan !== undefined && plainUnionBranches(parseTree) === null
          ? [{ source: 'plan-signals', detail: "DuckDB's plan of it has no aggregate and no window operator: the functions its branches call are scalar" }]
          : []),
      ],
    };
  }
  const staged = stagedUnionCte(parseTree);
  if (staged !== null) {
    return {
      value: { shape: 'staged-union', cte: staged.cte, branches: staged.branches },
      confidence: 0.9,
      rationale:
        `its rows come from the CTE ${staged.cte}, a union of ${staged.branches} SELECTs: each is inserted alone into a temporary table that the view then reads, ` +
        "because in one statement DuckDB keeps the CTE's rows, every branch's hash tables and the final sort in memory at once",
      evidence: [{ source: 'plan-lineage', detail: `json_serialize_sql parse tree: CTE ${staged.cte} is a UNION ALL of ${staged.branches} SELECTs (${MIN_STAGED_BRANCHES} or more are staged)` }],
    };
  }
  return null;
}
