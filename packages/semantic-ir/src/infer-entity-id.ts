import { decide } from '@anatomy/contracts';
import { columnsWithRole } from '@anatomy/schema-authority';
import type { DatasetSchema } from '@anatomy/schema-authority';
import type { ColumnFill, CompilerDecision } from './compiler-decision.js';
import { missingRoleEvidence, roleEvidence } from './role-evidence.js';
import { SemanticIrError } from './semantic-ir-error.js';

/** An inferred entity id, or why none could be inferred. */
export type EntityIdInference =
  | { readonly ok: true; readonly fill: Extract<ColumnFill, { by: 'stable-id' }>; readonly decision: CompilerDecision }
  | { readonly ok: false; readonly problem: string };

/**
 * Throws `semantic-ir/UnsupportedSpanUnit` for datasets located by line and
 * column: converting them to bytes against the line index is not built yet,
 * and copying their positions as bytes would be silently wrong.
 */
export function assertByteSpans(ds: DatasetSchema, view: string): void {
  if (ds.spanUnit === 'line-col') {
    throw SemanticIrError.create('UnsupportedSpanUnit', `${view} reads ${ds.name}, whose spans are line/column pairs; only UTF-8 byte spans are supported yet`, {
      details: { view, dataset: ds.name, spanUnit: ds.spanUnit },
      hint: 'read a dataset with spanUnit utf8-bytes, or convert the positions to byte offsets in the extractor',
    });
  }
}

/**
 * Infers the stable id of a dataset's rows in `namespace`: the file identity
 * and, when the rows are located, the span start and end, all found by
 * column role. Within one namespace a location identifies an entity, and
 * locations do not change between builds of the same source.
 *
 * @example
 * inferEntityId(tsDefs, 'def', 'def_id', 'norm.defs');
 * // { ok: true, fill: { by: 'stable-id', namespace: 'def', dataset: 'evidence.ts_defs', parts: ['file_id', 'bstart', 'bend'] }, … }
 */
export function inferEntityId(ds: DatasetSchema, namespace: string, column: string, view: string): EntityIdInference {
  assertByteSpans(ds, view);
  const [file] = columnsWithRole(ds, 'file-identity');
  if (file === undefined) {
    return { ok: false, problem: `${ds.name} has no column with the role file-identity, so its rows have no location to derive ${namespace} ids from` };
  }
  const [start] = columnsWithRole(ds, 'span-start');
  const [end] = columnsWithRole(ds, 'span-end');
  const located = start !== undefined && end !== undefined;
  const parts = located ? [file.name, start.name, end.name] : [file.name];
  const fill = Object.freeze({ by: 'stable-id' as const, namespace, dataset: ds.name, parts: Object.freeze(parts) });
  const decision = decide({
    value: { topic: 'column-fill' as const, source: ds.name, column, fill },
    confidence: located ? 0.95 : 0.9,
    rationale: located
      ? `a ${namespace} is identified by its file and byte span, so ${column} is the stable id of (${parts.join(', ')}) in namespace '${namespace}'`
      : `${ds.name} has no span, so each row is taken to describe a whole file and ${column} is the stable id of ${file.name} in namespace '${namespace}'`,
    evidence: located
      ? [roleEvidence(ds, file), roleEvidence(ds, start), roleEvidence(ds, end)]
      : [roleEvidence(ds, file), missingRoleEvidence(ds, 'span-start')],
  });
  return { ok: true, fill, decision };
}
