import { decide } from '@anatomy/contracts';
import type { Evidence } from '@anatomy/contracts';
import { columnsWithRole } from '@anatomy/schema-authority';
import type { ColumnSpec, DatasetSchema } from '@anatomy/schema-authority';
import type { CompilerDecision } from './compiler-decision.js';
import type { AddedColumn, SpanConversion } from './inferred-view.js';
import { missingRoleEvidence, roleEvidence } from './role-evidence.js';

/** A conversion of a line/column dataset to byte spans, or why there is none. */
export type SpanConversionInference =
  | { readonly ok: true; readonly conversion: SpanConversion; readonly added: readonly AddedColumn[]; readonly decision: CompilerDecision }
  | { readonly ok: false; readonly problem: string };

const START = 'bstart';
const END = 'bend';

/**
 * Infers how a dataset located by line and column (1-based lines, UTF-8
 * byte columns) gets byte spans: its file identity and start line are
 * joined to the one line index (see `lineIndexDatasets`), and the byte
 * column is added to the line's first byte; likewise for the end when the
 * rows have end-line and end-column roles. Without an end, each row becomes
 * the empty span at its start, which still lies inside whatever contains it.
 *
 * @example
 * inferSpanConversion(pyScopes, [lineIndex]);
 * // { ok: true, added: [bstart, bend], conversion: { lineIndex, start: { line: 'line', column: 'col' }, … } }
 */
export function inferSpanConversion(source: DatasetSchema, lineIndexes: readonly DatasetSchema[]): SpanConversionInference {
  const [file] = columnsWithRole(source, 'file-identity');
  const [line] = columnsWithRole(source, 'line');
  const [column] = columnsWithRole(source, 'column');
  const [endLine] = columnsWithRole(source, 'end-line');
  const [endColumn] = columnsWithRole(source, 'end-column');
  if (file === undefined || line === undefined || column === undefined) {
    const lacking = ['file-identity', 'line', 'column'].filter((r) => columnsWithRole(source, r as 'line').length === 0);
    return { ok: false, problem: `${source.name} is located by line and column but has no ${lacking.join(' or ')} role, so its positions cannot become bytes` };
  }
  const [index] = lineIndexes;
  if (index === undefined || lineIndexes.length > 1) {
    const why =
      index === undefined
        ? 'no line index is registered (a dataset keyed by file identity and line, with the first byte of each line as span-start)'
        : `several line indexes are registered (${lineIndexes.map((d) => d.name).join(', ')}) and none is preferred`;
    return { ok: false, problem: `${source.name} is located by line and column, but ${why}` };
  }
  const taken = [START, END].filter((n) => source.columns.some((c) => c.name === n));
  if (taken.length > 0) return { ok: false, problem: `${source.name} already has a column ${taken.join(' and ')}, where its byte span would go` };
  const indexFile = columnsWithRole(index, 'file-identity')[0];
  const indexLine = columnsWithRole(index, 'line')[0];
  const indexStart = columnsWithRole(index, 'span-start')[0];
  if (indexFile === undefined || indexLine === undefined || indexStart === undefined) return { ok: false, problem: `${index.name} is not a line index` };

  const hasEnd = endLine !== undefined && endColumn !== undefined;
  const end = hasEnd ? { line: endLine.name, column: endColumn.name } : undefined;
  const conversion: SpanConversion = Object.freeze({
    lineIndex: index,
    indexFile: indexFile.name,
    indexLine: indexLine.name,
    indexStart: indexStart.name,
    sourceFile: file.name,
    start: Object.freeze({ line: line.name, column: column.name }),
    end: end === undefined ? undefined : Object.freeze(end),
  });
  const spec = (name: string, role: 'span-start' | 'span-end', what: string): ColumnSpec =>
    Object.freeze({ name, type: 'int64', nullable: true, role, description: `${what}, converted from line and column against ${index.name}` });
  const added: AddedColumn[] = [
    { column: spec(START, 'span-start', 'first byte'), value: { by: 'line-offset', line: 'start', offset: column.name } },
    hasEnd
      ? { column: spec(END, 'span-end', 'byte after the end'), value: { by: 'line-offset', line: 'end', offset: endColumn.name } }
      : { column: spec(END, 'span-end', 'the start again (the rows have no end position)'), value: { by: 'line-offset', line: 'start', offset: column.name } },
  ];
  const evidence: Evidence[] = [
    { source: 'schema-authority', detail: `${source.name} has the span unit line-col` },
    roleEvidence(source, file),
    roleEvidence(source, line),
    roleEvidence(source, column),
    ...(hasEnd ? [roleEvidence(source, endLine), roleEvidence(source, endColumn)] : [missingRoleEvidence(source, 'end-line')]),
    { source: 'schema-authority', detail: `${index.name} is keyed by (${(index.key ?? []).join(', ')}) and holds each line's first byte in ${indexStart.name}` },
  ];
  const decision = decide({
    value: {
      topic: 'span-conversion' as const,
      source: source.name,
      lineIndex: index.name,
      start: conversion.start,
      end: end ?? null,
      output: { start: START, end: END },
    },
    confidence: hasEnd ? 0.95 : 0.8,
    rationale: hasEnd
      ? `${source.name} places rows by 1-based line and UTF-8 byte column; ${START} = ${indexStart.name} of line ${line.name} + ${column.name}, ${END} = ${indexStart.name} of line ${endLine.name} + ${endColumn.name}, joining ${index.name} on file and line`
      : `${source.name} places rows by 1-based line and UTF-8 byte column, without an end; ${START} = ${indexStart.name} of line ${line.name} + ${column.name}, and ${END} = ${START}, an empty span at the start`,
    evidence,
  });
  return { ok: true, conversion, added: Object.freeze(added.map((a) => Object.freeze(a))), decision };
}
