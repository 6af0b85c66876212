import { decisionSchema } from '@anatomy/contracts';
import type { Evidence } from '@anatomy/contracts';
import type { PlanBundle } from '@anatomy/plan-signals';
import { z } from 'zod';
import { deepFreeze } from './deep-freeze.js';
import { SchedulerError } from './scheduler-error.js';

/** Where a task's cost came from: a measured run, the plan's estimates, or neither. */
export const CostSourceSchema = z.enum(['measured', 'plan-estimate', 'default']);
export type CostSource = z.infer<typeof CostSourceSchema>;

/** A task's cost in milliseconds and its source. */
export const TaskCostSchema = z.object({ cost: z.number().nonnegative(), source: CostSourceSchema });
export type TaskCost = z.infer<typeof TaskCostSchema>;

/**
 * Costs of every view, in (estimated) milliseconds, each with the Decision
 * behind it, and the rate that turns plan estimates into time.
 */
export const CostModelSchema = z
  .object({
    unit: z.literal('ms'),
    /** Milliseconds per estimated operator row, calibrated from measured views when there are any. */
    msPerRow: decisionSchema(z.number().positive()),
    costs: z.record(z.string(), z.number().nonnegative()).readonly(),
    decisions: z.record(z.string(), decisionSchema(TaskCostSchema)).readonly(),
  })
  .readonly();
export type CostModel = z.infer<typeof CostModelSchema>;

type CostDecision = z.infer<ReturnType<typeof decisionSchema<typeof TaskCostSchema>>>;
type RateDecision = CostModel['msPerRow'];

/** Options of {@link costModel}. */
export interface CostModelOptions {
  /** Rate used when no measured view calibrates one; {@link DEFAULT_MS_PER_ROW} by default. */
  readonly defaultMsPerRow?: number;
}

/**
 * The rate assumed before any run was measured: DuckDB pushes on the order
 * of a hundred million rows a second through simple operators on a laptop,
 * so 1e-5 ms per operator row. Only the ratio between tasks matters until a
 * measurement calibrates it.
 */
export const DEFAULT_MS_PER_ROW = 1e-5;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** The plan's work estimate: C_out (estimated rows through every operator), else the result's estimate. */
function planWork(bundle: PlanBundle): number | null {
  return bundle.stats.estimatedWork ?? bundle.stats.estimatedRows;
}

function checkInputs(bundles: readonly PlanBundle[], measured: Readonly<Record<string, number>>, defaultMsPerRow: number): void {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const b of bundles) (seen.has(b.view) ? duplicates : seen).add(b.view);
  if (duplicates.size > 0) {
    throw SchedulerError.create('DuplicateTask', `plan bundles given more than once: ${[...duplicates].sort().join(', ')}`, {
      details: { views: [...duplicates].sort() },
      hint: 'pass one plan bundle per view',
    });
  }
  const invalid = Object.entries(measured).filter(([, ms]) => !Number.isFinite(ms) || ms < 0);
  if (invalid.length > 0 || !(Number.isFinite(defaultMsPerRow) && defaultMsPerRow > 0)) {
    throw SchedulerError.create(
      'InvalidCost',
      `measured durations must be finite and not negative, the default rate positive: ${invalid.map(([v, ms]) => `${v}=${ms}`).join(', ') || `defaultMsPerRow=${defaultMsPerRow}`}`,
      { details: { measured: Object.fromEntries(invalid), defaultMsPerRow }, hint: 'pass durations in milliseconds, as a run reports them' },
    );
  }
}

/**
 * Prices every view of a run in milliseconds. A duration measured in an
 * earlier run takes precedence; otherwise the plan's estimated work (C_out:
 * the estimated rows of all its operators — which includes the work of the
 * inline views it reads, since DuckDB inlines them; a stored view it reads
 * counts as a scan) is converted at a rate calibrated on
 * the views that have both, or at {@link DEFAULT_MS_PER_ROW}; a view with
 * neither gets the median cost of the others. Each cost is a Decision that
 * records its source and how sure it is. Durations of views without a
 * bundle (removed since they were measured) are ignored.
 *
 * @example
 * const model = costModel(bundles, { 'norm.defs': 120 });
 * model.decisions['norm.defs'].value; // { cost: 120, source: 'measured' }
 * schedule(graph, model.costs);
 */
export function costModel(
  bundles: readonly PlanBundle[],
  measured: Readonly<Record<string, number>> = {},
  options: CostModelOptions = {},
): CostModel {
  const defaultMsPerRow = options.defaultMsPerRow ?? DEFAULT_MS_PER_ROW;
  checkInputs(bundles, measured, defaultMsPerRow);
  const sorted = [...bundles].sort((a, b) => (a.view < b.view ? -1 : a.view > b.view ? 1 : 0));
  const calibrating = sorted.flatMap((b) => {
    const work = planWork(b);
    const ms = measured[b.view];
    return work !== null && work > 0 && ms !== undefined ? [{ view: b.view, rate: ms / work }] : [];
  });
  const calibrated = calibrating.length > 0 && median(calibrating.map((c) => c.rate)) > 0;
  const msPerRow: RateDecision = calibrated
    ? {
        value: median(calibrating.map((c) => c.rate)),
        confidence: Math.min(0.8, 0.5 + 0.05 * calibrating.length),
        rationale: `the median of measured milliseconds per estimated row over ${calibrating.length} view(s) that have both`,
        evidence: calibrating.map((c) => ({ source: 'measured-run', detail: `${c.view}: ${c.rate} ms per estimated row` })),
      }
    : {
        value: defaultMsPerRow,
        confidence: 0.3,
        rationale: 'no view has both a measured duration and a plan estimate, so the default rate converts estimates to time',
        evidence: [{ source: 'cost-model', detail: `default of ${defaultMsPerRow} ms per estimated operator row` }],
      };
  const planConfidence = calibrated ? 0.6 : 0.4;
  const decisions: Record<string, CostDecision> = {};
  const pending: PlanBundle[] = [];
  for (const bundle of sorted) {
    const work = planWork(bundle);
    const ms = measured[bundle.view];
    const planEvidence: Evidence[] =
      work === null
        ? []
        : [{ source: 'explain-plan', detail: `${work} estimated rows through ${bundle.stats.operators} operators (plan ${bundle.planFingerprint.slice(0, 12)})` }];
    if (ms !== undefined) {
      decisions[bundle.view] = {
        value: { cost: ms, source: 'measured' },
        confidence: 0.9,
        rationale: 'a duration measured in an earlier run takes precedence over plan estimates',
        evidence: [{ source: 'measured-run', detail: `${bundle.view} took ${ms} ms` }, ...planEvidence],
      };
    } else if (work !== null) {
      decisions[bundle.view] = {
        value: { cost: work * msPerRow.value, source: 'plan-estimate' },
        confidence: planConfidence,
        rationale: `the plan's estimated work at ${msPerRow.value} ms per row (${calibrated ? 'a calibrated rate' : 'the default rate'})`,
        evidence: [...planEvidence, { source: 'cost-model', detail: msPerRow.rationale }],
      };
    } else {
      pending.push(bundle);
    }
  }
  const known = Object.values(decisions).map((d) => d.value.cost);
  const fallback = known.length > 0 ? median(known) : 1;
  for (const bundle of pending) {
    decisions[bundle.view] = {
      value: { cost: fallback, source: 'default' },
      confidence: 0.2,
      rationale: 'neither a measurement nor a plan estimate exists, so the view is priced like the median view',
      evidence: [{ source: 'explain-plan', detail: `the plan of ${bundle.view} carries no row estimate` }],
    };
  }
  const costs: Record<string, number> = {};
  for (const bundle of sorted) costs[bundle.view] = decisions[bundle.view]?.value.cost ?? fallback;
  return deepFreeze(CostModelSchema.parse({ unit: 'ms', msPerRow, costs, decisions }));
}
