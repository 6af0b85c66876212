import { jsonValueSchema } from '@anatomy/contracts';
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
 * One column of the view's result. `sources` holds, for every branch of a
 * set operation (a single entry for a plain SELECT), the stored column the
 * branch passes through unchanged — traced through CTEs and subqueries — or
 * null when the branch computes the value. A column is a pass-through of its
 * inputs only when no source is null.
 */
export const OutputColumnSchema = z.object({
  name: z.string(),
  sources: z.array(ColumnUseSchema.nullable()).min(1),
});
export type OutputColumn = z.infer<typeof OutputColumnSchema>;

/**
 * One conjunct of a WHERE clause (or of an inner join's condition) that
 * reads a single stored relation and nothing else a scan cannot evaluate:
 * no subquery, aggregate, window or outer reference, and never on the side
 * of an outer join that may be NULL-extended. `expression` is DuckDB's parse
 * tree of the conjunct with its columns unqualified; `sql` is DuckDB's own
 * rendering of it (`json_deserialize_sql`), null until a store rendered it.
 */
export const PredicateUseSchema = z.object({
  columns: z.array(z.string().min(1)).min(1),
  expression: jsonValueSchema(),
  sql: z.string().min(1).nullable(),
});
export type PredicateUse = z.infer<typeof PredicateUseSchema>;

/**
 * One place where the SQL reads a stored table or view (one FROM item), with
 * the predicates that filter what is read there. A site without predicates
 * needs every row of the relation.
 */
export const ReadSiteSchema = z.object({
  table: z.string().min(1),
  predicates: z.array(PredicateUseSchema),
});
export type ReadSite = z.infer<typeof ReadSiteSchema>;

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
  /** The result columns, in order. */
  outputs: z.array(OutputColumnSchema),
  /** Every FROM item reading a stored table or view, in the order the parse tree lists them. */
  reads: z.array(ReadSiteSchema),
});
export type ViewLineage = z.infer<typeof ViewLineageSchema>;
