import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface NxGraphFile {
  graph: { nodes: Record<string, { data?: { tags?: string[] } }>; dependencies: Record<string, { source: string; target: string }[]> };
}

let dir: string;
let deps: Map<string, string[]>;
let tags: Map<string, string[]>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'anatomy-graph-'));
  const file = join(dir, 'graph.json');
  execFileSync(process.execPath, [join(root, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), 'graph', `--file=${file}`], {
    cwd: root,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    stdio: 'pipe',
  });
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as NxGraphFile;
  tags = new Map(Object.entries(parsed.graph.nodes).map(([name, node]) => [name, node.data?.tags ?? []]));
  deps = new Map(
    Object.entries(parsed.graph.dependencies).map(([source, list]) => [
      source,
      list.map((d) => d.target).filter((t) => t.startsWith('@anatomy/')),
    ]),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Depth-first search for a cycle; returns it in order when one exists. */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next];
      if (state.get(next) === undefined) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of [...graph.keys()].sort()) {
    if (state.get(node) === undefined) {
      const found = visit(node);
      if (found) return found;
    }
  }
  return undefined;
}

describe('nx project graph', () => {
  it('has no cycles', () => {
    expect(findCycle(deps)).toBeUndefined();
  });

  it('has the orchestrator on top: it uses the domain packages and no package uses it', () => {
    const orchestratorDeps = deps.get('@anatomy/orchestrator') ?? [];
    for (const pkg of ['contracts', 'repo-scan', 'extract-tree-sitter', 'store', 'semantic-ir', 'python-cpg', 'plan-signals', 'scheduler']) {
      expect(orchestratorDeps).toContain(`@anatomy/${pkg}`);
    }
    const dependents = [...deps.entries()].filter(([, targets]) => targets.includes('@anatomy/orchestrator')).map(([s]) => s);
    // Workspace tooling (the benchmarks) measures the orchestrator from above; the lint rules allow it that.
    expect(dependents.filter((name) => !(tags.get(name) ?? []).includes('type:tooling'))).toEqual([]);
    expect(tags.get('@anatomy/orchestrator')).not.toContain('type:tooling');
  });

  it('keeps contracts at the bottom', () => {
    expect(deps.get('@anatomy/contracts') ?? []).toEqual([]);
  });
});
