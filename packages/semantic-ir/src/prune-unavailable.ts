import { decide } from '@anatomy/contracts';
import type { CompilerDecision } from './compiler-decision.js';
import type { ProgramIr, ViewIr } from './compile-declarations.js';
import { endpointDataset } from './relate-endpoint.js';
import type { ViewDecl } from './view-decl.js';

/** The program without what cannot run, and a Decision for every view dropped or narrowed. */
export interface CapabilityPruning {
  readonly ir: ProgramIr;
  readonly decisions: readonly CompilerDecision[];
}

/** The inputs whose rows become a view's rows; a relationship's agreement sources only weigh on its confidence. */
function rowInputs(view: ViewIr): readonly string[] {
  if (view.decl.kind !== 'relate') return view.inputs;
  // Without a disqualifying relation a relationship would keep rows it must not, so that relation is needed too.
  const { through, unless } = view.decl;
  return [endpointDataset(view.decl.left), endpointDataset(view.decl.right), ...(through ?? []).map((b) => b.from), ...[unless?.left, unless?.right].filter((n) => n !== undefined)];
}

/** The views whose rows come from `start`, directly or through other views, with `start` itself. */
function downstream(start: string, views: readonly ViewIr[]): Set<string> {
  const reached = new Set([start]);
  // Views are in dependency order, so one forward pass reaches every consumer.
  for (const view of views) if (rowInputs(view).some((i) => reached.has(i))) reached.add(view.name);
  return reached;
}

/** The edge kinds a view carries from relationships within `within`. */
function edgeKinds(name: string, byName: ReadonlyMap<string, ViewIr>, within: ReadonlySet<string>): string[] {
  const decl = byName.get(name)?.decl;
  if (decl === undefined || !within.has(name)) return [];
  if (decl.kind === 'relate') return [decl.edge];
  if (decl.kind === 'union') return decl.from.flatMap((i) => edgeKinds(i, byName, within));
  return [];
}

/** What the outputs lose when the views of `lost` produce nothing: `output: KIND (from source)` per projected row source. */
function losses(lost: ReadonlySet<string>, views: readonly ViewIr[], byName: ReadonlyMap<string, ViewIr>): string[] {
  const out = new Set<string>();
  for (const view of views) {
    if (view.decl.kind !== 'project' || !lost.has(view.name)) continue;
    for (const row of view.decl.rows) {
      if (!lost.has(row.from)) continue;
      const kinds = row.kind === undefined ? [...new Set(edgeKinds(row.from, byName, lost))].sort() : [row.kind];
      out.add(`${view.name}: ${kinds.length === 0 ? 'rows' : kinds.join(', ')} (from ${row.from})`);
    }
  }
  return [...out].sort();
}

/** The declaration without the inputs that are lost, or undefined when it cannot run at all. */
function narrowed(decl: ViewDecl, lost: ReadonlySet<string>): ViewDecl | undefined {
  switch (decl.kind) {
    case 'union': {
      const from = decl.from.filter((i) => !lost.has(i));
      return from.length === 0 ? undefined : Object.freeze({ ...decl, from: Object.freeze(from) });
    }
    case 'project': {
      const rows = decl.rows.filter((r) => !lost.has(r.from));
      return rows.length === 0 ? undefined : Object.freeze({ ...decl, rows: Object.freeze(rows) });
    }
    case 'relate': {
      // Rows come from both sides and every bridge; without a disqualifying relation the relationship would keep rows it must not.
      const needed = [endpointDataset(decl.left), endpointDataset(decl.right), ...(decl.through ?? []).map((b) => b.from), ...[decl.unless?.left, decl.unless?.right]];
      if (needed.some((name) => name !== undefined && lost.has(name))) return undefined;
      const { agree: declared, ...rest } = decl;
      const agree = Object.entries(declared ?? {}).filter(([name]) => !lost.has(name));
      return Object.freeze(agree.length === 0 ? rest : { ...rest, agree: Object.freeze(Object.fromEntries(agree)) });
    }
    default:
      // One input short, the rest of these views has nothing to work on (a diagnostic without its relationship would report every row).
      return undefined;
  }
}

/**
 * Optimize phase, capability pruning: drops the views whose evidence is
 * unavailable (the named datasets, say those of an extractor that cannot
 * run on this machine), transitively, and narrows the views that can run
 * without it — a union without that input, a projection without those rows,
 * a relationship without that agreement feature. It runs on the compiled
 * declarations, before inference, so that narrowed views are inferred from
 * what they will really read. Each dropped or narrowed view gets a Decision
 * saying what the outputs lose (`cpg.edges: RESOLVES_TO (from rel.scip_refs)`).
 *
 * @example
 * pruneUnavailable(ir, new Set(['evidence.scip_occurrences'])).decisions[0]?.value;
 * // { topic: 'capability-prune', view: 'norm.occurrences', action: 'drop', missing: ['evidence.scip_occurrences'], loses: [...] }
 */
export function pruneUnavailable(ir: ProgramIr, unavailable: ReadonlySet<string>): CapabilityPruning {
  if (unavailable.size === 0) return { ir, decisions: [] };
  const byName = new Map(ir.views.map((v) => [v.name, v]));
  const lost = new Set(unavailable);
  const kept: ViewIr[] = [];
  const decisions: CompilerDecision[] = [];
  const snapshot = { source: 'capability-snapshot', detail: `unavailable: ${[...unavailable].sort().join(', ')}` };
  for (const view of ir.views) {
    const missing = view.inputs.filter((i) => lost.has(i)).sort();
    if (missing.length === 0) {
      kept.push(view);
      continue;
    }
    const decl = narrowed(view.decl, lost);
    if (decl === undefined) {
      lost.add(view.name);
      const loses = losses(downstream(view.name, ir.views), ir.views, byName);
      decisions.push(
        decide({
          value: { topic: 'capability-prune' as const, view: view.name, action: 'drop' as const, missing, loses },
          confidence: 1,
          rationale: `${view.name} reads ${missing.join(', ')}, which cannot be produced, so it cannot run; ${loses.length === 0 ? 'no output loses rows' : `the outputs lose ${loses.join('; ')}`}`,
          evidence: [snapshot],
        }),
      );
      continue;
    }
    // What flowed from the missing inputs through this view to the outputs.
    const loses =
      view.decl.kind === 'relate'
        ? missing.map((m) => `${view.name}: confidence no longer rises when ${m} agrees`)
        : losses(new Set([...missing, ...downstream(view.name, ir.views)]), ir.views, byName);
    decisions.push(
      decide({
        value: { topic: 'capability-prune' as const, view: view.name, action: 'narrow' as const, missing, loses },
        confidence: 1,
        rationale: `${view.name} runs without ${missing.join(', ')}, which cannot be produced; ${loses.length === 0 ? 'no output loses rows' : `the outputs lose ${loses.join('; ')}`}`,
        evidence: [snapshot],
      }),
    );
    kept.push(Object.freeze({ ...view, decl, inputs: Object.freeze(view.inputs.filter((i) => !lost.has(i))) }));
  }
  return { ir: Object.freeze({ program: ir.program, views: Object.freeze(kept) }), decisions };
}
