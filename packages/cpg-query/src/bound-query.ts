/**
 * SQL with `$name` placeholders and the values bound to them. Values never
 * enter the SQL text, so a name holding a quote cannot change the query.
 */
export interface BoundQuery {
  readonly sql: string;
  readonly params: Readonly<Record<string, string | number>>;
}
