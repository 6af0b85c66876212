import { decide } from '@anatomy/contracts';
import { columnsWithRole } from '@anatomy/schema-authority';
import type { ColumnRole, DatasetSchema } from '@anatomy/schema-authority';
import type { CompilerDecision } from './compiler-decision.js';
import { assertByteSpans, inferEntityId } from './infer-entity-id.js';
import type { RelateSide } from './inferred-view.js';
import type { RelateEndpoint } from './relate-endpoint.js';
import { missingRoleEvidence, roleEvidence } from './role-evidence.js';

/** The one column with a role, or undefined when there is none or several. */
function single(ds: DatasetSchema, role: ColumnRole): string | undefined {
  const found = columnsWithRole(ds, role);
  return found.length === 1 ? found[0]?.name : undefined;
}

/**
 * Reads one side of a relationship from its schema's roles: the identity of
 * its rows (its entity-identity column, or stable ids in the endpoint's
 * `entity` namespace), its file, span, name and provenance. Throws
 * `semantic-ir/UnsupportedSpanUnit` for sides located by line and column.
 *
 * @example
 * relateSide('norm.defs', normDefs, 'rel.def_parent', 'left');
 * // { side: { id: { by: 'column', column: 'def_id' }, file: 'file_id', start: 'bstart', … }, decisions: [] }
 */
export function relateSide(
  endpoint: RelateEndpoint,
  ds: DatasetSchema,
  view: string,
  which: 'left' | 'right',
  /** The namespaces the dataset's own ids can be in, when known (see `RelateSide.namespaces`). */
  namespaces?: readonly string[],
): { readonly side: RelateSide; readonly decisions: readonly CompilerDecision[] } | { readonly problem: string } {
  assertByteSpans(ds, view);
  const decisions: CompilerDecision[] = [];
  let id: RelateSide['id'];
  if (typeof endpoint !== 'string') {
    const inferred = inferEntityId(ds, endpoint.entity, `${which}_id`, view);
    if (!inferred.ok) return { problem: inferred.problem };
    id = inferred.fill;
    decisions.push(inferred.decision);
  } else {
    const [own] = columnsWithRole(ds, 'entity-identity');
    if (own === undefined) {
      return { problem: `${ds.name} has no column with the role entity-identity; normalize it first, or write the ${which} side as { from, entity }` };
    }
    id = { by: 'column', column: own.name };
  }
  const provenance = single(ds, 'provenance');
  const provenanceColumn = ds.columns.find((c) => c.name === provenance);
  if (provenanceColumn === undefined) {
    decisions.push(
      decide({
        value: { topic: 'column-fill' as const, source: ds.name, column: 'origin', fill: { by: 'literal' as const, value: ds.producer } },
        confidence: 0.95,
        rationale: `${ds.name} carries no provenance of its own, so its evidence is attributed to its producer, ${ds.producer}`,
        evidence: [missingRoleEvidence(ds, 'provenance'), { source: 'schema-authority', detail: `${ds.name} has the producer ${ds.producer}` }],
      }),
    );
  } else {
    decisions.push(
      decide({
        value: { topic: 'column-fill' as const, source: ds.name, column: 'origin', fill: { by: 'column' as const, dataset: ds.name, column: provenanceColumn.name } },
        confidence: 1,
        rationale: `${provenanceColumn.name} of ${ds.name} records where each row came from`,
        evidence: [roleEvidence(ds, provenanceColumn)],
      }),
    );
  }
  const side: RelateSide = Object.freeze({
    dataset: ds,
    id,
    file: single(ds, 'file-identity'),
    start: single(ds, 'span-start'),
    end: single(ds, 'span-end'),
    name: single(ds, 'name'),
    origin: provenanceColumn === undefined ? { by: 'literal' as const, value: ds.producer } : { by: 'column' as const, column: provenanceColumn.name },
    // Ids computed here are in the endpoint's namespace; the dataset's own are in the ones its producer gave.
    ...(id.by === 'stable-id' ? { namespaces: [id.namespace] } : namespaces === undefined ? {} : { namespaces: [...namespaces].sort() }),
  });
  return { side, decisions };
}
