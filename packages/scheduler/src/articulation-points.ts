import type { TaskGraph } from './task-graph.js';

/** The neighbours of a task with edge directions ignored, sorted so the search is deterministic. */
function undirectedNeighbours(graph: TaskGraph, task: string): readonly string[] {
  return [...new Set([...graph.predecessors(task), ...graph.successors(task)])].sort();
}

/**
 * The articulation points (cut vertices) of the task graph read as an
 * undirected graph: tasks whose removal splits the views they connect into
 * separate parts. A failed or slow articulation point stalls everything on
 * the far side of it, so it is worth materializing and watching. Computed by
 * the depth-first search of J. Hopcroft and R. Tarjan ("Algorithm 447:
 * efficient algorithms for graph manipulation", CACM 1973) with low-links,
 * iteratively so that deep graphs cannot overflow the stack. Sorted by name.
 *
 * @example
 * // norm.defs is the only bridge between evidence-side and output-side views
 * articulationPoints(graph); // ['norm.defs']
 */
export function articulationPoints(graph: TaskGraph): readonly string[] {
  const discovered = new Map<string, number>();
  const low = new Map<string, number>();
  const parent = new Map<string, string>();
  const points = new Set<string>();
  let time = 0;
  for (const root of graph.tasks()) {
    if (discovered.has(root)) continue;
    discovered.set(root, time);
    low.set(root, time);
    time += 1;
    let rootChildren = 0;
    const stack: { task: string; neighbours: readonly string[]; next: number }[] = [
      { task: root, neighbours: undirectedNeighbours(graph, root), next: 0 },
    ];
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      if (frame === undefined) break;
      const neighbour = frame.neighbours[frame.next];
      if (neighbour !== undefined) {
        frame.next += 1;
        if (!discovered.has(neighbour)) {
          parent.set(neighbour, frame.task);
          discovered.set(neighbour, time);
          low.set(neighbour, time);
          time += 1;
          if (frame.task === root) rootChildren += 1;
          stack.push({ task: neighbour, neighbours: undirectedNeighbours(graph, neighbour), next: 0 });
        } else if (neighbour !== parent.get(frame.task)) {
          // A back edge: the subtree reaches an ancestor without going through its parent.
          low.set(frame.task, Math.min(low.get(frame.task) ?? 0, discovered.get(neighbour) ?? 0));
        }
        continue;
      }
      stack.pop();
      const above = stack[stack.length - 1];
      if (above === undefined) continue;
      const childLow = low.get(frame.task) ?? 0;
      low.set(above.task, Math.min(low.get(above.task) ?? 0, childLow));
      // Nothing below the child climbs above `above`: removing `above` cuts the child's subtree off.
      if (above.task !== root && childLow >= (discovered.get(above.task) ?? 0)) points.add(above.task);
    }
    // The root of a search tree cuts only when it has several subtrees.
    if (rootChildren >= 2) points.add(root);
  }
  return Object.freeze([...points].sort());
}
