import { decide } from '@anatomy/contracts';
import type { CompilerDecision } from './compiler-decision.js';
import type { InferredProgram } from './inferred-view.js';

/**
 * Optimize phase, dead-view pruning: keeps the projections (the program's
 * outputs) and every view they read, directly or through other views, and
 * drops the rest, recording one Decision per dropped view. Runs backwards
 * over the dependency order, so one pass suffices. Slices of a fused
 * relationship that nothing reads on its own are dropped this way.
 *
 * @example
 * pruneDeadViews(inferred).decisions; // [{ value: { topic: 'prune', view: 'norm.unused' }, … }]
 */
export function pruneDeadViews(program: InferredProgram): InferredProgram {
  const live = new Set<string>();
  for (const view of [...program.views].reverse()) {
    if (view.kind === 'project' || live.has(view.name)) {
      live.add(view.name);
      for (const input of view.inputs) live.add(input);
    }
  }
  const outputs = program.views.filter((v) => v.kind === 'project').map((v) => v.name);
  const pruned: CompilerDecision[] = program.views
    .filter((v) => !live.has(v.name))
    .map((v) =>
      decide({
        value: { topic: 'prune' as const, view: v.name },
        confidence: 1,
        rationale:
          v.kind === 'relate' && v.plan.form === 'slice'
            ? `${v.name} is computed inside the fused view ${v.plan.of}, and nothing reads it on its own`
            : `no output projection reads ${v.name}, directly or through other views, so computing it would be wasted work`,
        evidence: [
          {
            source: 'semantic-ir/optimize',
            detail: outputs.length === 0 ? 'the program declares no projection' : `outputs: ${outputs.join(', ')}`,
          },
        ],
      }),
    );
  return Object.freeze({
    program: program.program,
    views: Object.freeze(program.views.filter((v) => live.has(v.name))),
    decisions: Object.freeze([...program.decisions, ...pruned]),
  });
}
