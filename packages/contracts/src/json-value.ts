import { z } from 'zod';

/** Data JSON can carry as it is: strings, finite numbers, booleans, null, arrays and plain objects of them. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * The path of the first member of `value` that JSON cannot carry as it is
 * (`$` for the value itself, `$.a[2]` for a member), or null when there is
 * none. Walks the value with an explicit stack, so a deep tree (a parse tree
 * of a long SQL statement) neither overflows nor costs a call per member.
 *
 * @example
 * jsonProblem({ a: [1, 'x', null] }); // null
 * jsonProblem({ a: [1, Number.NaN] }); // '$.a[1]'
 */
export function jsonProblem(value: unknown): string | null {
  // The common case, data that is JSON, walks values only; paths are spelled out only to name a problem.
  if (isJson(value)) return null;
  const stack: { value: unknown; path: string }[] = [{ value, path: '$' }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const v = top.value;
    if (!isJsonNode(v)) return top.path;
    if (Array.isArray(v)) for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i] as unknown, path: `${top.path}[${i}]` });
    else if (typeof v === 'object' && v !== null) for (const key of Object.keys(v).reverse()) stack.push({ value: (v as Record<string, unknown>)[key], path: `${top.path}.${key}` });
  }
  return null;
}

/** Whether a value is a JSON scalar, an array or a plain object (members not looked at). */
function isJsonNode(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v !== 'object') return false;
  if (Array.isArray(v)) return true;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function isJson(value: unknown): boolean {
  const stack: unknown[] = [value];
  for (let n = stack.length; n > 0; n = stack.length) {
    const v = stack.pop();
    if (!isJsonNode(v)) return false;
    if (Array.isArray(v)) for (const member of v) stack.push(member);
    else if (typeof v === 'object' && v !== null) for (const key in v) stack.push((v as Record<string, unknown>)[key]);
  }
  return true;
}

/**
 * A zod schema accepting JSON data unchanged (the value itself, not a copy),
 * in one pass without per-member schema dispatch: `z.json()` validates a
 * large tree member by member through a union and rebuilds it, which costs
 * tens of milliseconds for a program's plan trees.
 *
 * @example
 * z.object({ tree: jsonValueSchema() }).parse({ tree: { a: [1] } });
 */
export function jsonValueSchema(): z.ZodType<JsonValue> {
  return z.custom<JsonValue>().superRefine((value, ctx) => {
    const at = jsonProblem(value);
    if (at !== null) ctx.addIssue({ code: 'custom', message: `${at} is not JSON data (strings, finite numbers, booleans, null, arrays and plain objects)` });
  });
}
