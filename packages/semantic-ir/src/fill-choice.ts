import type { Evidence } from '@anatomy/contracts';
import type { ColumnFill } from './compiler-decision.js';

/**
 * How one output column is filled for one source, with what the Decision
 * recording it needs; or the problem that prevents filling it (`field` names
 * the part of the row declaration at fault, when there is one).
 */
export type FillChoice =
  | { readonly fill: ColumnFill; readonly confidence: number; readonly rationale: string; readonly evidence: readonly Evidence[] }
  | { readonly problem: string; readonly field?: string };
