import { openCpg } from '@anatomy/cpg-query';
import type { CallRelative, Cpg, CpgNode } from '@anatomy/cpg-query';
import { codeEntities, findDefinitions, fullName, location, resolveEntity, resolveModule } from './code-entity.js';
import type { CodeEntity } from './code-entity.js';

/** A typed question the CLI asks of a built CPG. */
export type GraphQuestion =
  | { readonly kind: 'defs'; readonly name: string }
  | { readonly kind: 'refs'; readonly definition: string }
  | { readonly kind: 'callers' | 'callees'; readonly definition: string; readonly depth: number }
  | { readonly kind: 'imports' | 'importers'; readonly module: string }
  | { readonly kind: 'path'; readonly from: string; readonly to: string };

/** One row of an answer, ready for `formatRows`. */
export type AnswerRow = Readonly<Record<string, string | number | null>>;

/** What a question found: its rows, and for the path question whether a path exists at all. */
export interface GraphAnswer {
  /** What the question was about, resolved: `shop.catalog.cheapest (shop/catalog.py:41)`. */
  readonly subject: string;
  readonly rows: readonly AnswerRow[];
  /** False only for a path question with no path. */
  readonly found: boolean;
}

function describe(entity: CodeEntity): string {
  return `${fullName(entity)} (${location(entity.path, entity.line)})`;
}

function places(nodes: readonly CpgNode[]): string {
  return nodes.map((n) => location(n.path, n.line, n.col)).join(' ');
}

function relativeRows(relatives: readonly CallRelative[], byId: ReadonlyMap<string, CodeEntity>): AnswerRow[] {
  return relatives.map((r) => {
    const entity = byId.get(r.node.node_id);
    return {
      depth: r.depth,
      name: entity === undefined ? (r.node.name ?? r.node.node_id) : fullName(entity),
      kind: entity?.kind ?? r.node.node_kind.toLowerCase(),
      location: location(r.node.path, r.node.line),
      calls: places(r.calls),
    };
  });
}

/**
 * Answers one typed question on an open CPG, through cpg-query's graph API.
 * Names are resolved first (see `resolveEntity`), so an unknown or ambiguous
 * name fails with close matches or the candidates instead of an empty answer.
 *
 * @example
 * const { rows } = await answerQuestion(cpg, { kind: 'callers', definition: 'pay', depth: 2 });
 */
export async function answerQuestion(cpg: Cpg, question: GraphQuestion): Promise<GraphAnswer> {
  const entities = await codeEntities(cpg);
  const byId = new Map(entities.map((e) => [e.nodeId, e]));
  switch (question.kind) {
    case 'defs': {
      const found = findDefinitions(entities, question.name);
      return {
        subject: question.name,
        found: true,
        rows: found.map((e) => ({ name: fullName(e), kind: e.kind, location: location(e.path, e.line), col: e.col, node_id: e.nodeId })),
      };
    }
    case 'refs': {
      const subject = resolveEntity(entities, question.definition, { modules: false });
      const refs = await cpg.references(subject.nodeId);
      return {
        subject: describe(subject),
        found: true,
        rows: refs.map((r) => ({
          name: r.node.name,
          location: location(r.node.path, r.node.line),
          col: r.node.col,
          rule: r.edge.rule,
          confidence: r.edge.confidence,
          through: r.through === null ? '' : location(r.through.path, r.through.line, r.through.col),
        })),
      };
    }
    case 'callers':
    case 'callees': {
      const subject = resolveEntity(entities, question.definition, { modules: question.kind === 'callees' });
      const options = { depth: question.depth };
      const relatives = question.kind === 'callers' ? await cpg.callers(subject.nodeId, options) : await cpg.callees(subject.nodeId, options);
      return { subject: describe(subject), found: true, rows: relativeRows(relatives, byId) };
    }
    case 'imports':
    case 'importers': {
      const subject = resolveModule(entities, question.module);
      const related = question.kind === 'imports' ? await cpg.importsOf(subject.name) : await cpg.importersOf(subject.name);
      return {
        subject: `${subject.name} (${subject.path ?? ''})`,
        found: true,
        rows: related.map((m) => ({ module: m.module.name, path: m.module.path, imports: places(m.imports) })),
      };
    }
    case 'path': {
      const from = resolveEntity(entities, question.from, { modules: false });
      const to = resolveEntity(entities, question.to, { modules: false });
      const path = await cpg.pathBetween(from.nodeId, to.nodeId);
      const subject = `${describe(from)} → ${describe(to)}`;
      if (path === null) return { subject, found: false, rows: [] };
      return {
        subject,
        found: true,
        rows: path.nodes.map((node, i) => {
          const entity = byId.get(node.node_id);
          const call = path.calls[i];
          return {
            step: i,
            name: entity === undefined ? (node.name ?? node.node_id) : fullName(entity),
            location: location(node.path, node.line),
            calls_next_at: call === undefined ? '' : location(call.path, call.line, call.col),
          };
        }),
      };
    }
  }
}

/**
 * Opens the CPG of a directory (or store file) read-only, answers the
 * question and closes it.
 *
 * @example
 * const answer = await askCpg('path/to/project', { kind: 'defs', name: 'main' });
 */
export async function askCpg(target: string, question: GraphQuestion): Promise<GraphAnswer> {
  const cpg = await openCpg(target, { readOnly: true });
  try {
    return await answerQuestion(cpg, question);
  } finally {
    await cpg.close();
  }
}
