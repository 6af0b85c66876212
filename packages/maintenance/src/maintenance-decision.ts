import { EvidenceSchema } from '@anatomy/contracts';
import { MaintenanceActionSchema } from '@anatomy/store';
import type { MaintenanceAction } from '@anatomy/store';
import { z } from 'zod';

// What maintenance can do is what the store can carry out: one enum, owned by the store.
export { MaintenanceActionSchema };
export type { MaintenanceAction };

/** The measured quantity that can trigger an action. */
export const MaintenanceMetricSchema = z.enum(['walBytes', 'deletedFraction', 'rowsChanged', 'freeBlockRatio']);
export type MaintenanceMetric = z.infer<typeof MaintenanceMetricSchema>;

/** What an action applies to: one table, or the whole database file. */
export const MaintenanceTargetSchema = z.discriminatedUnion('scope', [
  z.object({ scope: z.literal('table'), table: z.string().min(1) }),
  z.object({ scope: z.literal('database') }),
]);
export type MaintenanceTarget = z.infer<typeof MaintenanceTargetSchema>;

/**
 * The metric and target scope of each action. A Record over every action, so
 * a new action does not compile until it says what triggers it.
 */
export const MAINTENANCE_ACTION_TRIGGERS: Readonly<Record<MaintenanceAction, { readonly metric: MaintenanceMetric; readonly scope: MaintenanceTarget['scope'] }>> =
  Object.freeze({
    'rewrite-table': Object.freeze({ metric: 'deletedFraction', scope: 'table' }),
    'refresh-statistics': Object.freeze({ metric: 'rowsChanged', scope: 'table' }),
    checkpoint: Object.freeze({ metric: 'walBytes', scope: 'database' }),
    'compact-database': Object.freeze({ metric: 'freeBlockRatio', scope: 'database' }),
  });

/** Why an action was decided: the metric, its measured value and the threshold it reached. */
export const MaintenanceCauseSchema = z.object({
  metric: MaintenanceMetricSchema,
  measured: z.number().nonnegative(),
  threshold: z.number().positive(),
});
export type MaintenanceCause = z.infer<typeof MaintenanceCauseSchema>;

/**
 * One maintenance decision with its cause. The action must match the cause's
 * metric and the target's scope, and the measurement must have reached the
 * threshold: a cause that does not explain its action is rejected.
 *
 * @example
 * MaintenanceDecisionSchema.parse({
 *   action: 'checkpoint', target: { scope: 'database' },
 *   cause: { metric: 'walBytes', measured: 20_000_000, threshold: 16_777_216 },
 *   confidence: 0.58, rationale: 'the WAL holds 19.1 MiB, at or above 16.0 MiB',
 *   evidence: [{ source: 'write-outcome', detail: 'walBytes=20000000 after evidence.py_defs' }],
 * });
 */
export const MaintenanceDecisionSchema = z
  .object({
    action: MaintenanceActionSchema,
    target: MaintenanceTargetSchema,
    cause: MaintenanceCauseSchema,
    confidence: z.number().min(0).max(1),
    rationale: z.string().min(1),
    evidence: z.array(EvidenceSchema).min(1),
  })
  .superRefine((decision, ctx) => {
    const trigger = MAINTENANCE_ACTION_TRIGGERS[decision.action];
    if (decision.cause.metric !== trigger.metric) {
      ctx.addIssue({ code: 'custom', path: ['cause', 'metric'], message: `'${decision.action}' is triggered by '${trigger.metric}', not '${decision.cause.metric}'` });
    }
    if (decision.target.scope !== trigger.scope) {
      ctx.addIssue({ code: 'custom', path: ['target', 'scope'], message: `'${decision.action}' applies to a ${trigger.scope}` });
    }
    if (decision.cause.measured < decision.cause.threshold) {
      ctx.addIssue({ code: 'custom', path: ['cause', 'measured'], message: 'is below the threshold, so it cannot be the cause' });
    }
  });
export type MaintenanceDecision = z.infer<typeof MaintenanceDecisionSchema>;
