import { ColumnRoleSchema } from '@anatomy/schema-authority';
import { z } from 'zod';
import { ColumnNameSchema, DatasetNameSchema, KindNameSchema, LocalViewNameSchema } from './declaration-names.js';
import { RelateEndpointSchema } from './relate-endpoint.js';
import { RoleConditionSchema } from './role-condition.js';
import { viewFactory } from './view-factory.js';

/**
 * What a relationship means, read from the left row. The join strategy that
 * realises it is inferred from the two schemas' roles, never declared:
 * - `within`: the left row lies inside the right one — a span containment in
 *   the same file, or the producer's own parent pointer;
 * - `overlaps`: their spans share bytes in the same file;
 * - `refers-to`: the left row points at the right one — a foreign key, equal
 *   symbol identities, or equal names within the same file;
 * - `same-file`: both sit in the same file.
 */
export const RelateIntentSchema = z.enum(['within', 'overlaps', 'refers-to', 'same-file']);
export type RelateIntent = z.infer<typeof RelateIntentSchema>;

/**
 * Evidence of a good candidate, each adding its weight to the score when it holds:
 * `innermost` (the smallest right span among the left row's candidates),
 * `earliest` (the right row that starts first among them), `latest` (the
 * one that starts last: of several star imports binding a name, Python
 * keeps the last one's), `same-file`,
 * `same-name` and `same-span` (left and right agree on that role), and
 * `nearest` (the candidate reached through the most confident chain of
 * bridge edges — the product of the confidences of the relate views the
 * join goes through — among the left row's candidates: in a transitive
 * relationship, the fewest hops).
 */
export const QualityFeatureSchema = z.enum(['innermost', 'earliest', 'latest', 'same-file', 'same-name', 'same-span', 'nearest']);
export type QualityFeature = z.infer<typeof QualityFeatureSchema>;

/**
 * A join key, declared only where roles cannot decide: a column `role` that
 * both sides carry once (`{ role: 'name' }` matches names even where symbol
 * identities exist), or a named pair (`right` defaults to the right side's
 * identity, making `left` a foreign key).
 */
export const RelateKeySchema = z.union([
  z.object({ left: ColumnNameSchema, right: ColumnNameSchema.optional() }).readonly(),
  z.object({ role: ColumnRoleSchema }).readonly(),
]);
export type RelateKey = z.infer<typeof RelateKeySchema>;

const KeyPairs = z
  .record(ColumnNameSchema, ColumnNameSchema)
  .refine((pairs) => Object.keys(pairs).length > 0, 'names no key pair')
  .readonly();

/**
 * One step of a join through other datasets, for rows related only by way
 * of other rows: `left` pairs each column of the previous table (the left
 * rows for the first bridge) with the bridge column it equals, and on the
 * last bridge `right` pairs each bridge column with the right column it equals. A binding
 * reaches the definition that creates it through the definition's own
 * scope, whose parent is the binding's scope and whose name is its name.
 * Without `right`, the bridge only requires that a left row meets one, and
 * `on` (a named pair) joins left and right directly.
 */
export const RelateBridgeSchema = z.object({ from: DatasetNameSchema, left: KeyPairs, right: KeyPairs.optional() }).readonly();
export type RelateBridge = z.infer<typeof RelateBridgeSchema>;

/** How much a feature counts; weights add up to a score, which maps to a confidence in [0, 1). */
export const FeatureWeightSchema = z.number().min(0.01, 'must be at least 0.01').max(100, 'must be at most 100');

/**
 * A `relate` view: the edges of kind `edge` between left and right rows.
 * Only the irreducible is declared: the intent, hard filters (`where`),
 * weighted quality features (`score`), other relationships whose agreement
 * on the same (source, destination) pair raises confidence (`agree`), and
 * whether to keep every candidate or the best per left row (`keep`). Edges
 * run from the left row unless `src: 'right'`. `on` declares the key only
 * where roles cannot decide (see `RelateKeySchema`); `through` joins by way
 * of a bridge dataset (see `RelateBridgeSchema`). It
 * lives in the `rel` schema and has the columns of the edge template.
 * `transitive: true` closes the edges over paths: a relationship between
 * rows of one dataset then also holds an edge from a to z for every chain
 * a → … → z of its edges, with the confidence of the most confident path
 * (the product of its edges' confidences, so each hop lowers it); a path
 * never visits a row twice, so cycles end.
 */
export const RelateSchema = z
  .object({
    kind: z.literal('relate'),
    name: LocalViewNameSchema,
    edge: KindNameSchema,
    left: RelateEndpointSchema,
    right: RelateEndpointSchema,
    intent: RelateIntentSchema,
    on: RelateKeySchema.optional(),
    through: z.array(RelateBridgeSchema).min(1).readonly().optional(),
    where: z
      .object({ left: z.array(RoleConditionSchema).min(1).readonly().optional(), right: z.array(RoleConditionSchema).min(1).readonly().optional() })
      .readonly()
      .optional(),
    score: z.partialRecord(QualityFeatureSchema, FeatureWeightSchema).readonly().optional(),
    agree: z
      .record(DatasetNameSchema, FeatureWeightSchema)
      .refine((a) => Object.keys(a).length > 0, 'names no relationship')
      .readonly()
      .optional(),
    /** Relate views (or unions of them) whose edges disqualify a row: a left or right row that is an endpoint of one of their edges has no edge here. */
    unless: z.object({ left: DatasetNameSchema.optional(), right: DatasetNameSchema.optional() }).readonly().optional(),
    keep: z.enum(['best', 'all']).default('all'),
    src: z.enum(['left', 'right']).default('left'),
    transitive: z.literal(true).optional(),
  })
  .refine((r) => r.through === undefined || r.through.slice(0, -1).every((b) => b.right === undefined), {
    path: ['through'],
    message: 'only the last bridge joins the right rows (right pairs)',
  })
  .refine((r) => r.through === undefined || (r.on === undefined ? r.through.at(-1)?.right !== undefined : 'left' in r.on && r.on.right !== undefined), {
    path: ['through'],
    message: 'a bridge joins the right rows by its right pairs, or by on naming both columns',
  })
  .refine((r) => r.transitive === undefined || (typeof r.left === 'string' && r.left === r.right && r.src === 'left'), {
    path: ['transitive'],
    message: 'a transitive relationship chains its edges, so it relates rows of one dataset (left and right the same) from left to right',
  })
  .readonly();
export type Relate = z.infer<typeof RelateSchema>;

/**
 * Factory of `relate` views.
 *
 * @example
 * // CONTAINS from the innermost enclosing scope to each definition.
 * Relate.create({ name: 'def_parent', edge: 'CONTAINS', left: 'norm.defs', right: 'merged.scopes',
 *   intent: 'within', score: { innermost: 2 }, keep: 'best', src: 'right' });
 */
export const Relate = viewFactory('relate', RelateSchema);
