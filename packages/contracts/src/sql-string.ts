/**
 * A DuckDB string literal holding `text`, single quotes doubled. For text
 * that must be spliced into SQL (DDL, `ATTACH`, `json_serialize_sql`'s
 * argument); values of a query are bound as parameters instead.
 *
 * @example
 * sqlString("it's"); // "'it''s'"
 */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
