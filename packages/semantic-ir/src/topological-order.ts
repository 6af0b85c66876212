/** Something ordered by what it reads. */
export interface OrderedNode {
  readonly name: string;
  readonly inputs: readonly string[];
}

/**
 * Orders nodes after the nodes they read, by Kahn's algorithm, always taking
 * the smallest ready name so that equal graphs give equal orders whatever
 * order they were listed in. Inputs that are not nodes (registered datasets)
 * are ignored. Returns the nodes left over when a cycle blocks progress.
 *
 * @example
 * topologicalOrder([{ name: 'b', inputs: ['a'] }, { name: 'a', inputs: [] }]).ordered.map((n) => n.name); // ['a', 'b']
 */
export function topologicalOrder<T extends OrderedNode>(nodes: readonly T[]): { readonly ordered: readonly T[]; readonly blocked: readonly T[] } {
  const byName = new Map(nodes.map((v) => [v.name, v]));
  const pending = new Map(nodes.map((v) => [v.name, new Set(v.inputs.filter((i) => byName.has(i)))]));
  const ordered: T[] = [];
  for (;;) {
    const ready = [...pending].filter(([, deps]) => deps.size === 0).map(([name]) => name).sort();
    const next = ready[0];
    if (next === undefined) break;
    pending.delete(next);
    for (const deps of pending.values()) deps.delete(next);
    const node = byName.get(next);
    if (node !== undefined) ordered.push(node);
  }
  return { ordered, blocked: nodes.filter((v) => pending.has(v.name)) };
}
