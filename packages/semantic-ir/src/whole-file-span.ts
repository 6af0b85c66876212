import { columnsWithRole } from '@anatomy/schema-authority';
import type { ColumnRole, ColumnSpec, DatasetSchema } from '@anatomy/schema-authority';
import type { FillChoice } from './fill-choice.js';
import { missingRoleEvidence, roleEvidence } from './role-evidence.js';

/**
 * Fills a locating column for rows that are whole files: rows with a
 * byte-length column and no span columns. Such a row spans `[0, length)`, and
 * byte 0 of any file, even an empty one or one opening with a BOM, is on line
 * 1 at byte column 0. Returns undefined when the source is not of that shape
 * or the role is not one a whole file determines (its end line, for one, needs
 * the line index).
 *
 * @example
 * wholeFileSpanFill(bendColumn, 'span-end', files); // { fill: { by: 'column', dataset: 'evidence.files', column: 'size' }, … }
 * wholeFileSpanFill(lineColumn, 'line', files); // { fill: { by: 'literal', value: 1 }, … }
 */
export function wholeFileSpanFill(column: ColumnSpec, role: ColumnRole, source: DatasetSchema): FillChoice | undefined {
  const [length] = columnsWithRole(source, 'byte-length');
  if (length === undefined || columnsWithRole(source, 'span-start').length > 0) return undefined;
  const whole = `${source.name} has the byte length ${length.name} and no span, so each of its rows is a whole file`;
  const evidence = [
    roleEvidence(source, length),
    missingRoleEvidence(source, 'span-start'),
    { source: 'schema-authority', detail: `${column.name} has the role ${role} in the contract` },
  ];
  // Confidence stops short of 1: that a length without a span means a whole file is itself an inference.
  const confidence = 0.95;
  switch (role) {
    case 'span-start':
      return { fill: { by: 'literal', value: 0 }, confidence, rationale: `${whole}, whose span starts at byte 0`, evidence };
    case 'span-end':
      return {
        fill: { by: 'column', dataset: source.name, column: length.name },
        confidence,
        rationale: `${whole}, whose half-open span [0, ${length.name}) ends after its last byte`,
        evidence,
      };
    case 'line':
      return { fill: { by: 'literal', value: 1 }, confidence, rationale: `${whole}; its span starts at byte 0, which is always on line 1`, evidence };
    case 'column':
      return { fill: { by: 'literal', value: 0 }, confidence, rationale: `${whole}; its span starts at byte 0, which is always at byte column 0`, evidence };
    default:
      return undefined;
  }
}
