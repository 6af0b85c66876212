import { PlanSignalsError } from './plan-signals-error.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks a `json_serialize_sql` result and returns the query node of its one
 * statement. Throws `plan-signals/ParseFailed` naming the view when DuckDB
 * reported an error (`"error": true`) or the SQL is not exactly one SELECT.
 */
export function singleSelect(view: string, parseTree: unknown): Record<string, unknown> {
  if (!isRecord(parseTree)) {
    throw PlanSignalsError.create('ParseFailed', `the parse tree of view ${view} is not a JSON object`, {
      details: { view },
      hint: 'pass the parsed JSON returned by json_serialize_sql',
    });
  }
  if (parseTree['error'] === true) {
    const errorType = typeof parseTree['error_type'] === 'string' ? parseTree['error_type'] : 'parser';
    const message = typeof parseTree['error_message'] === 'string' ? parseTree['error_message'] : 'unknown error';
    const position = parseTree['position'] === undefined ? '' : ` at character ${String(parseTree['position'])}`;
    throw PlanSignalsError.create('ParseFailed', `DuckDB cannot parse the SQL of view ${view} (${errorType} error${position}): ${message}`, {
      details: { view, errorType, message, position: parseTree['position'] },
      hint: `fix the SQL emitted for ${view}; it must be one SELECT that DuckDB accepts`,
    });
  }
  const statements = Array.isArray(parseTree['statements']) ? parseTree['statements'] : [];
  const first: unknown = statements[0];
  const root = isRecord(first) ? first['node'] : undefined;
  if (statements.length !== 1 || !isRecord(root)) {
    throw PlanSignalsError.create('ParseFailed', `the SQL of view ${view} holds ${statements.length} statements; a view is exactly one SELECT`, {
      details: { view, statements: statements.length },
      hint: `emit one SELECT for ${view}, with nothing after a semicolon`,
    });
  }
  return root;
}
