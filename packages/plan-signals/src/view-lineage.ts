import { z } from 'zod';

/**
 * What a name in a FROM clause binds to: a stored table or view (`table`,
 * schema-qualified), a CTE, a derived table (subquery), a table function or
 * a VALUES list.
 */
export const RelationRefSchema = z.object({
  kind: z.enum(['table', 'cte', 'subquery', 'function', 'values']),
  name: z.string(),
});
export type RelationRef = z.infer<typeof RelationRefSchema>;

/**
 * One column the SQL reads, with the relation it was attributed to, or
 * `null` when the parse tree alone cannot tell (an unqualified name with
 * several candidate relations whose columns the catalog does not know).
 * `*` stands for every column of the relation.
 */
export const ColumnUseSchema = z.object({
  relation: RelationRefSchema.nullable(),
  column: z.string().min(1),
});
export type ColumnUse = z.infer<typeof ColumnUseSchema>;

/**
 * A function the SQL calls, with its kind as the DuckDB catalog reports it.
 * `unlisted` marks names the catalog does not list: parser-internal names
 * such as `count_star`, or a macro that has not been created yet.
 */
export const FunctionUseSchema = z.object({
  name: z.string().min(1),
  kind: z.enum(['scalar', 'aggregate', 'window', 'table', 'macro', 'table-macro', 'pragma', 'unlisted']),
  /** True for DuckDB's own functions, false for user-created ones (macros). */
  builtin: z.boolean(),
});
export type FunctionUse = z.infer<typeof FunctionUseSchema>;

/** One JOIN of the SQL: its type, the relations on each side and the columns its condition compares. */
export const JoinUseSchema = z.object({
  /** DuckDB's join type: INNER, LEFT, RIGHT, OUTER, SEMI, ANTI, … */
  type: z.string().min(1),
  /** DuckDB's join reference type: REGULAR, CROSS, NATURAL, ASOF, POSITIONAL, … */
  refType: z.string().min(1),
  left: z.array(RelationRefSchema),
  right: z.array(RelationRefSchema),
  conditionColumns: z.array(ColumnUseSchema),
  using: z.array(z.string()),
});
export type JoinUse = z.infer<typeof JoinUseSchema>;

/** One UNION / EXCEPT / INTERSECT of the SQL. */
export const SetOperationUseSchema = z.object({
  type: z.string().min(1),
  all: z.boolean(),
});
export type SetOperationUse = z.infer<typeof SetOperationUseSchema>;

/**
 * Lineage of one view read from DuckDB's parse tree: what it scans, which
 * columns and functions it uses, where it filters and how it joins.
 * Lists of names are sorted and distinct so equal SQL gives equal lineage.
 */
export const ViewLineageSchema = z.object({
  view: z.string().min(1),
  /** Stored tables and views scanned, schema-qualified, sorted; CTEs and table functions excluded. */
  tables: z.array(z.string()),
  columns: z.array(ColumnUseSchema),
  functions: z.array(FunctionUseSchema),
  filters: z.object({ where: z.boolean(), having: z.boolean(), qualify: z.boolean() }),
  joins: z.array(JoinUseSchema),
  setOperations: z.array(SetOperationUseSchema),
  /** Names of the CTEs the SQL defines, sorted. */
  ctes: z.array(z.string()),
});
export type ViewLineage = z.infer<typeof ViewLineageSchema>;
