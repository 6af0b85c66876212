import type { AttributeValue } from './entity-attributes.js';

/**
 * One CSV field as neo4j-admin import reads it: a string is always quoted,
 * with quotes doubled (RFC 4180), so the delimiter, line breaks and
 * surrounding whitespace (which the importer trims from unquoted fields)
 * survive and an empty string stays distinct from a missing value; NULL is
 * an empty unquoted field, which the importer leaves unset; numbers and
 * booleans are written bare.
 *
 * @example
 * [csvField('say "hi", bye'), csvField(null), csvField(42n)].join(','); // '"say ""hi"", bye",,42'
 */
export function csvField(value: AttributeValue): string {
  if (value === null) return '';
  if (typeof value === 'string') return `"${value.replaceAll('"', '""')}"`;
  return String(value);
}
