import { decide } from '@anatomy/contracts';
import type { DatasetSchema } from '@anatomy/schema-authority';
import type { JoinInference } from './infer-join.js';
import type { JoinPlan } from './inferred-view.js';
import type { RelateBridge, RelateKey } from './relate.js';
import { roleEvidence } from './role-evidence.js';

/** A declared bridge says more than equal names, less than a pointer: two exact equalities, each on declared columns. */
const BRIDGE_PRIOR = 2;

function pairs(
  declared: Readonly<Record<string, string>>,
  from: DatasetSchema,
  to: DatasetSchema,
  field: string,
  problems: string[],
): { readonly left: string; readonly right: string }[] {
  return Object.entries(declared)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([l, r]) => {
      const a = from.columns.find((c) => c.name === l);
      const b = to.columns.find((c) => c.name === r);
      if (a === undefined) problems.push(`${from.name} has no column ${l} (through.${field})`);
      if (b === undefined) problems.push(`${to.name} has no column ${r} (through.${field})`);
      if (a !== undefined && b !== undefined && (a.type === 'utf8') !== (b.type === 'utf8')) problems.push(`${from.name}.${l} (${a.type}) cannot equal ${to.name}.${r} (${b.type})`);
      return Object.freeze({ left: l, right: r });
    });
}

/**
 * Infers a join through bridge datasets: left rows equal the first bridge's
 * rows on its `left` pairs, each bridge the next one's on that one's `left`
 * pairs, the last bridge the right rows on its `right` pairs, and left rows
 * equal right rows on the pair `on` names, if any. Pairs are sorted, so
 * their order does not change the SQL.
 *
 * @example
 * inferBridge([{ from: 'evidence.py_scopes', left: { scope_id: 'parent_scope_id', name: 'name' }, right: { file_id: 'file_id', bstart: 'bstart' } }],
 *   { left: pySymbols, right: normDefs, bridges: [pyScopes] });
 * // { ok: true, join: { strategy: 'bridge', keys: [], through: { … } }, prior: 2, … }
 */
export function inferBridge(
  through: readonly RelateBridge[],
  sides: { readonly left: DatasetSchema; readonly right: DatasetSchema; readonly bridges: readonly DatasetSchema[]; readonly on?: RelateKey | undefined },
): JoinInference {
  const { left, right, bridges, on } = sides;
  const problems: string[] = [];
  const steps = through.flatMap((b, i) => {
    const dataset = bridges[i];
    const previous = i === 0 ? left : bridges[i - 1];
    if (dataset === undefined || previous === undefined) return [];
    return [Object.freeze({ dataset, pairs: Object.freeze(pairs(b.left, previous, dataset, i === 0 ? 'left' : `[${i}].left`, problems)) })];
  });
  const last = steps.at(-1)?.dataset ?? left;
  const rightPairs = pairs(through.at(-1)?.right ?? {}, last, right, 'right', problems);
  const direct = on !== undefined && 'left' in on && on.right !== undefined ? pairs({ [on.left]: on.right }, left, right, 'on', problems) : [];
  if (problems.length > 0) return { ok: false, problem: problems.join('; ') };
  const join: JoinPlan = Object.freeze({
    strategy: 'bridge' as const,
    keys: Object.freeze(direct),
    span: 'none' as const,
    toOne: false,
    through: Object.freeze({ steps: Object.freeze(steps), right: Object.freeze(rightPairs) }),
  });
  const text = (ps: readonly { left: string; right: string }[], a: string, b: string): string => ps.map((p) => `${a}.${p.left} = ${b}.${p.right}`).join(' and ');
  const chain = steps.map((s, i) => text(s.pairs, i === 0 ? left.name : (steps[i - 1]?.dataset.name ?? ''), s.dataset.name)).join(', then ');
  const decision = decide({
    value: {
      topic: 'join' as const,
      left: left.name,
      right: right.name,
      strategy: 'bridge' as const,
      keys: [...steps.flatMap((s) => s.pairs), ...rightPairs, ...direct],
      span: 'none' as const,
    },
    confidence: 1,
    rationale:
      `the declaration joins through ${steps.map((s) => s.dataset.name).join(', ')}: ${chain}` +
      (rightPairs.length === 0 ? '' : `, then ${text(rightPairs, last.name, right.name)}`) +
      (direct.length === 0 ? '' : `, and directly ${text(direct, left.name, right.name)}`),
    evidence: [
      { source: 'semantic-program', detail: `the relate view declares the bridges ${steps.map((s) => s.dataset.name).join(', ')}` },
      ...steps.flatMap((s) => s.dataset.columns.filter((c) => c.role === 'entity-identity').map((c) => roleEvidence(s.dataset, c))),
    ],
  });
  return { ok: true, join, prior: BRIDGE_PRIOR, decision };
}
