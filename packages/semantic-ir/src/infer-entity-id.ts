import { decide } from '@anatomy/contracts';
import type { Evidence } from '@anatomy/contracts';
import { columnsWithRole } from '@anatomy/schema-authority';
import type { DatasetSchema } from '@anatomy/schema-authority';
import type { CompilerDecision } from './compiler-decision.js';
import type { StableIdFill } from './inferred-view.js';
import { missingRoleEvidence, roleEvidence } from './role-evidence.js';
import { SemanticIrError } from './semantic-ir-error.js';

/** An inferred entity id, or why none could be inferred. */
export type EntityIdInference =
  | { readonly ok: true; readonly fill: StableIdFill; readonly decision: CompilerDecision }
  | { readonly ok: false; readonly problem: string };

/**
 * Throws `semantic-ir/UnsupportedSpanUnit` for datasets located by line and
 * column where bytes are needed: only `normalize` and `derive` convert
 * positions (once, against the line index), and copying them as bytes
 * elsewhere would be silently wrong.
 *
 * @example
 * assertByteSpans(pyScopes, 'cpg.nodes'); // throws: normalize evidence.py_scopes first
 */
export function assertByteSpans(ds: DatasetSchema, view: string): void {
  if (ds.spanUnit === 'line-col') {
    throw SemanticIrError.create('UnsupportedSpanUnit', `${view} reads ${ds.name}, whose spans are line/column pairs, where byte spans are needed`, {
      details: { view, dataset: ds.name, spanUnit: ds.spanUnit },
      hint: `normalize or derive ${ds.name} first: those views convert line/column positions to bytes against the line index`,
    });
  }
}

/** Whether each row of a dataset is a whole file: a byte length and no span. */
export function isWholeFile(ds: DatasetSchema): boolean {
  return columnsWithRole(ds, 'byte-length').length > 0 && columnsWithRole(ds, 'span-start').length === 0;
}

/**
 * Infers the stable id of a dataset's rows in `namespace` from their roles:
 * the file identity and byte span when the rows are located (a location
 * identifies an entity within one namespace, and does not change between
 * builds of the same source); the file alone for whole files (`wholeFile`,
 * or a byte length without span), so a module keeps its id when its file
 * grows; the rows' own entity or symbol identity when they are not located;
 * else the file alone.
 *
 * @example
 * inferEntityId(tsDefs, 'def', 'def_id', 'norm.defs');
 * // { ok: true, fill: { by: 'stable-id', namespace: 'def', dataset: 'evidence.ts_defs', parts: ['file_id', 'bstart', 'bend'] }, … }
 */
export function inferEntityId(ds: DatasetSchema, namespace: string, column: string, view: string, wholeFile = isWholeFile(ds)): EntityIdInference {
  assertByteSpans(ds, view);
  const [file] = columnsWithRole(ds, 'file-identity');
  const [start] = columnsWithRole(ds, 'span-start');
  const [end] = columnsWithRole(ds, 'span-end');
  const [own] = columnsWithRole(ds, 'entity-identity');
  const [symbol] = columnsWithRole(ds, 'symbol-identity');
  const fill = (parts: readonly string[]): StableIdFill => Object.freeze({ by: 'stable-id' as const, namespace, dataset: ds.name, parts: Object.freeze([...parts]) });
  const made = (parts: readonly string[], confidence: number, rationale: string, evidence: readonly Evidence[]): EntityIdInference => {
    const f = fill(parts);
    return { ok: true, fill: f, decision: decide({ value: { topic: 'column-fill' as const, source: ds.name, column, fill: f }, confidence, rationale, evidence }) };
  };
  if (file !== undefined && start !== undefined && end !== undefined && !wholeFile) {
    return made(
      [file.name, start.name, end.name],
      0.95,
      `a ${namespace} is identified by its file and byte span, so ${column} is the stable id of (${file.name}, ${start.name}, ${end.name}) in namespace '${namespace}'`,
      [roleEvidence(ds, file), roleEvidence(ds, start), roleEvidence(ds, end)],
    );
  }
  if (file !== undefined && wholeFile) {
    return made(
      [file.name],
      0.9,
      `each row of ${ds.name} is a whole file, so ${column} is the stable id of ${file.name} in namespace '${namespace}', unchanged when the file's length changes`,
      [roleEvidence(ds, file), missingRoleEvidence(ds, 'span-start')],
    );
  }
  const identity = own ?? symbol;
  if (identity !== undefined) {
    return made(
      [identity.name],
      0.9,
      `${ds.name} has no span, so ${column} is the stable id in namespace '${namespace}' of its own identity ${identity.name}`,
      [roleEvidence(ds, identity), missingRoleEvidence(ds, 'span-start')],
    );
  }
  if (file === undefined) {
    return { ok: false, problem: `${ds.name} has no column with the role file-identity, so its rows have no location to derive ${namespace} ids from` };
  }
  return made(
    [file.name],
    0.9,
    `${ds.name} has no span, so each row is taken to describe a whole file and ${column} is the stable id of ${file.name} in namespace '${namespace}'`,
    [roleEvidence(ds, file), missingRoleEvidence(ds, 'span-start')],
  );
}
