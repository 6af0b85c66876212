import { decide } from '@anatomy/contracts';
import { columnsWithRole } from '@anatomy/schema-authority';
import type { DatasetSchema } from '@anatomy/schema-authority';
import type { CompilerDecision } from './compiler-decision.js';
import { edgeTemplate } from './edge-template.js';
import type { EdgeFusion, ProjectionSource } from './inferred-view.js';

const TEMPLATE_COLUMNS = edgeTemplate('rel.template').columns.map((c) => c.name);

/** Whether a dataset has every column of the edge template: the edges of a relate view. */
export function isEdgeTemplate(ds: DatasetSchema): boolean {
  return TEMPLATE_COLUMNS.every((name) => ds.columns.some((c) => c.name === name));
}

/**
 * Decides whether a projection fuses rows: when two or more of its sources
 * are relationships' edges, whose ids are stable ids of (kind, source,
 * destination) whatever rule made them, two rules that find the same edge
 * give the same id — the evidence agrees. Such rows become one edge: grouped
 * by the contract's identity, the provenance lists every source, the rule
 * names every rule that made it ('+'-joined, sorted), and the confidence
 * combines theirs as independent evidence, 1 - Π(1 - c), so agreement
 * raises it; the other columns come from the first source in the
 * projection's canonical order. The rule and confidence columns are the
 * contract's columns filled from the edge template's `rule` and `confidence`.
 *
 * @example
 * inferEdgeFusion('cpg.edges', cpgEdgesDataset, sources)?.fusion; // { identity: 'edge_id', provenance: 'origin', rule: 'rule', confidence: 'confidence' }
 */
export function inferEdgeFusion(
  view: string,
  contract: DatasetSchema,
  sources: readonly ProjectionSource[],
): { readonly fusion: EdgeFusion; readonly decision: CompilerDecision } | undefined {
  const edges = sources.filter((s) => isEdgeTemplate(s.dataset));
  const [identity] = columnsWithRole(contract, 'entity-identity');
  if (edges.length < 2 || identity === undefined) return undefined;
  const filledFrom = (column: string): string | undefined =>
    contract.columns.find((c) => edges.every((s) => s.columns.some((f) => f.column.name === c.name && f.fill.by === 'column' && f.fill.column === column)))?.name;
  const rule = filledFrom('rule');
  const confidence = filledFrom('confidence');
  if (rule === undefined || confidence === undefined) return undefined;
  const provenance = columnsWithRole(contract, 'provenance')[0]?.name;
  const fusion: EdgeFusion = Object.freeze({ identity: identity.name, provenance, rule, confidence });
  const names = edges.map((s) => s.dataset.name);
  return {
    fusion,
    decision: decide({
      value: { topic: 'edge-fusion' as const, view, identity: identity.name, sources: Object.freeze(names), rule, confidence },
      confidence: 0.9,
      rationale: `${names.length} sources of ${view} are relationships, whose edge ids depend on kind and ends only, so rows with the same ${identity.name} are one edge found by several rules: they are fused, ${rule} joins the rules, ${confidence} is 1 - Π(1 - c) over them (agreement raises it)${provenance === undefined ? '' : `, ${provenance} lists every source`}`,
      evidence: names.map((name) => ({ source: 'semantic-ir', detail: `${name} has the columns of the edge template` })),
    }),
  };
}
