/**
 * Finds one directed cycle by depth-first search with three colours
 * (Cormen et al., "Introduction to Algorithms", §22.3: an edge to a grey
 * vertex is a back edge, and the grey path from it closes a cycle).
 * Vertices and successors are visited in name order and the cycle is rotated
 * to start at its smallest name, so the same graph always reports the same
 * cycle. Returns the cycle with its first task repeated at the end
 * (`['a', 'b', 'a']`), or undefined when the graph is acyclic.
 */
export function findCycle(
  tasks: readonly string[],
  successors: (task: string) => readonly string[],
): readonly string[] | undefined {
  const colour = new Map<string, 'grey' | 'black'>();
  for (const root of tasks) {
    if (colour.has(root)) continue;
    // An explicit stack: view graphs can be deep enough to overflow recursion.
    const path: string[] = [root];
    const pending: (readonly string[])[] = [successors(root)];
    const next: number[] = [0];
    colour.set(root, 'grey');
    while (path.length > 0) {
      const depth = path.length - 1;
      const children = pending[depth] ?? [];
      const index = next[depth] ?? 0;
      if (index >= children.length) {
        colour.set(path[depth] ?? '', 'black');
        path.pop();
        pending.pop();
        next.pop();
        continue;
      }
      next[depth] = index + 1;
      const child = children[index] ?? '';
      const seen = colour.get(child);
      if (seen === 'grey') return rotated(path.slice(path.indexOf(child)));
      if (seen === undefined) {
        colour.set(child, 'grey');
        path.push(child);
        pending.push(successors(child));
        next.push(0);
      }
    }
  }
  return undefined;
}

function rotated(cycle: readonly string[]): readonly string[] {
  let start = 0;
  cycle.forEach((task, i) => {
    if (task < (cycle[start] ?? task)) start = i;
  });
  const ordered = [...cycle.slice(start), ...cycle.slice(0, start)];
  return [...ordered, ordered[0] ?? ''];
}
