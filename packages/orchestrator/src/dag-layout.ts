/** What the layout needs of a view: its name, the relations it reads, its generation and whether it is on the critical path. */
export interface DagViewInput {
  readonly name: string;
  readonly inputs: readonly string[];
  readonly generation: number;
  readonly critical: boolean;
}

/** A placed box: a view, or a source relation (an evidence table) that views read. */
export interface DagNode {
  readonly id: string;
  readonly kind: 'view' | 'source';
  readonly column: number;
  readonly row: number;
  readonly x: number;
  readonly y: number;
  readonly critical: boolean;
}

/** A lineage edge from a relation to a view reading it, as an SVG path. */
export interface DagEdge {
  readonly from: string;
  readonly to: string;
  readonly critical: boolean;
  readonly path: string;
}

/** A laid-out pipeline DAG. */
export interface DagLayout {
  readonly nodes: readonly DagNode[];
  readonly edges: readonly DagEdge[];
  readonly width: number;
  readonly height: number;
}

/** Box and spacing sizes of the layout, in SVG units. */
export const DAG_BOX = Object.freeze({ width: 250, height: 36, columnGap: 80, rowGap: 10, margin: 10 });

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Lays the pipeline out left to right by generation: sources (relations no
 * view produces) in the first column, then one column per generation of the
 * task graph. Within a column boxes are ordered by the mean row of their
 * inputs (ties by name), which keeps most edges short; everything depends
 * only on the names and lineage, so the same run gives the same drawing.
 *
 * @example
 * layoutDag([{ name: 'norm.defs', inputs: ['evidence.ts_defs'], generation: 0, critical: true }]);
 */
export function layoutDag(views: readonly DagViewInput[], criticalPath: readonly string[] = []): DagLayout {
  const viewNames = new Set(views.map((v) => v.name));
  const sources = [...new Set(views.flatMap((v) => v.inputs).filter((i) => !viewNames.has(i)))].sort(compare);
  const columns: string[][] = [sources];
  for (const v of views) {
    const column = v.generation + 1;
    while (columns.length <= column) columns.push([]);
    columns[column]?.push(v.name);
  }
  const byName = new Map(views.map((v) => [v.name, v]));
  const rowOf = new Map<string, number>();
  sources.forEach((s, i) => rowOf.set(s, i));
  for (let c = 1; c < columns.length; c += 1) {
    const members = columns[c] ?? [];
    const weight = (name: string): number => {
      const rows = (byName.get(name)?.inputs ?? []).map((i) => rowOf.get(i)).filter((r): r is number => r !== undefined);
      return rows.length === 0 ? 0 : rows.reduce((a, b) => a + b, 0) / rows.length;
    };
    const weights = new Map(members.map((m) => [m, weight(m)]));
    members.sort((a, b) => (weights.get(a) ?? 0) - (weights.get(b) ?? 0) || compare(a, b));
    members.forEach((m, i) => rowOf.set(m, i));
  }
  const { width: w, height: h, columnGap, rowGap, margin } = DAG_BOX;
  const nodes: DagNode[] = [];
  columns.forEach((members, column) =>
    members.forEach((id, row) =>
      nodes.push({
        id,
        kind: column === 0 ? 'source' : 'view',
        column,
        row,
        x: margin + column * (w + columnGap),
        y: margin + row * (h + rowGap),
        critical: byName.get(id)?.critical ?? false,
      }),
    ),
  );
  const placed = new Map(nodes.map((n) => [n.id, n]));
  const criticalEdges = new Set(criticalPath.slice(1).map((to, i) => `${criticalPath[i] ?? ''}\u0000${to}`));
  const edges: DagEdge[] = [];
  for (const v of [...views].sort((a, b) => compare(a.name, b.name))) {
    const target = placed.get(v.name);
    if (target === undefined) continue;
    for (const input of [...v.inputs].sort(compare)) {
      const source = placed.get(input);
      if (source === undefined) continue;
      const x1 = source.x + w;
      const y1 = source.y + h / 2;
      const x2 = target.x;
      const y2 = target.y + h / 2;
      const mid = (x1 + x2) / 2;
      edges.push({ from: input, to: v.name, critical: criticalEdges.has(`${input}\u0000${v.name}`), path: `M${x1} ${y1} C${mid} ${y1} ${mid} ${y2} ${x2} ${y2}` });
    }
  }
  const rows = Math.max(1, ...columns.map((c) => c.length));
  return {
    nodes,
    edges,
    width: 2 * margin + columns.length * w + Math.max(0, columns.length - 1) * columnGap,
    height: 2 * margin + rows * h + (rows - 1) * rowGap,
  };
}
