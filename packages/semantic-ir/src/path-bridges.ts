import type { JoinPlan } from './inferred-view.js';

/**
 * The positions of the bridges a join goes through that are edges of
 * relationships (semantic-ir views with a confidence): the product of their
 * confidences is the confidence of the path a candidate was reached by,
 * which the `nearest` feature compares.
 *
 * @example
 * pathBridges(plan.join); // [1]: the second bridge is rel.ancestors
 */
export function pathBridges(join: JoinPlan): number[] {
  return (join.through?.steps ?? []).flatMap((step, i) =>
    step.dataset.producer === 'semantic-ir' && step.dataset.columns.some((c) => c.name === 'confidence' && c.type === 'float64') ? [i] : [],
  );
}
