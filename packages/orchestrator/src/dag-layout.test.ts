import { describe, expect, it } from 'vitest';
import { DAG_BOX, layoutDag } from './dag-layout.js';

const views = [
  { name: 'cpg.nodes', inputs: ['norm.defs', 'evidence.files'], generation: 1, critical: true },
  { name: 'norm.defs', inputs: ['evidence.ts_defs'], generation: 0, critical: true },
  { name: 'norm.calls', inputs: ['evidence.ts_calls'], generation: 0, critical: false },
  { name: 'cpg.edges', inputs: ['norm.calls', 'norm.defs'], generation: 1, critical: false },
];

describe('layoutDag', () => {
  it('puts sources in the first column and each generation in the next', () => {
    const layout = layoutDag(views, ['norm.defs', 'cpg.nodes']);
    const column = Object.fromEntries(layout.nodes.map((n) => [n.id, n.column]));
    expect(column).toEqual({ 'evidence.files': 0, 'evidence.ts_calls': 0, 'evidence.ts_defs': 0, 'norm.defs': 1, 'norm.calls': 1, 'cpg.nodes': 2, 'cpg.edges': 2 });
    expect(layout.nodes.filter((n) => n.kind === 'view')).toHaveLength(views.length);
    expect(layout.nodes.filter((n) => n.kind === 'source').map((n) => n.id)).toEqual(['evidence.files', 'evidence.ts_calls', 'evidence.ts_defs']);
    expect(layout.width).toBe(2 * DAG_BOX.margin + 3 * DAG_BOX.width + 2 * DAG_BOX.columnGap);
  });

  it('orders a column by the rows of its inputs, so edges stay short', () => {
    const layout = layoutDag(views);
    const row = Object.fromEntries(layout.nodes.map((n) => [n.id, n.row]));
    // norm.calls reads evidence.ts_calls (row 1), norm.defs reads evidence.ts_defs (row 2)
    expect(row['norm.calls']).toBe(0);
    expect(row['norm.defs']).toBe(1);
  });

  it('draws one edge per lineage input and marks only the critical path\'s own edges', () => {
    const layout = layoutDag(views, ['norm.defs', 'cpg.nodes']);
    expect(layout.edges).toHaveLength(6);
    expect(layout.edges.filter((e) => e.critical).map((e) => `${e.from}>${e.to}`)).toEqual(['norm.defs>cpg.nodes']);
    for (const e of layout.edges) expect(e.path).toMatch(/^M[\d.]+ [\d.]+ C/);
  });

  it('gives the same layout whatever order the views come in', () => {
    expect(layoutDag([...views].reverse(), ['norm.defs', 'cpg.nodes'])).toEqual(layoutDag(views, ['norm.defs', 'cpg.nodes']));
  });
});
