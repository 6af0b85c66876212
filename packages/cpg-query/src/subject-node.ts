import { NodeIdSchema, formatIssues, validate } from '@anatomy/contracts';
import { cpgNodesDataset, qualifiedName } from '@anatomy/schema-authority';
import type { CpgReader } from './cpg-reader.js';
import { CpgQueryError } from './cpg-query-error.js';
import type { CpgTable } from './open-cpg.js';

/**
 * Checks the subject of a graph question before asking it: the id is a
 * node id, the tables the question reads exist, and the node exists with
 * one of the kinds the question is about. An unknown id or a node of another
 * kind would otherwise come back as an empty answer that looks like "nothing
 * calls it".
 *
 * @example
 * await subjectNode(reader, id, { kinds: ['DEF'], role: 'callers', needs: ['cpg.edges'] });
 */
export async function subjectNode(
  reader: CpgReader,
  id: unknown,
  question: { readonly kinds: readonly string[]; readonly role: string; readonly needs: readonly CpgTable[] },
): Promise<string> {
  const checked = validate(NodeIdSchema, id);
  if (!checked.ok) {
    throw CpgQueryError.create('InvalidArgument', `${question.role}: invalid node id:\n${formatIssues(checked.issues)}`, {
      details: { issues: checked.issues },
      hint: 'pass a node_id from cpg.nodes, e.g. from cpg.definitions()',
    });
  }
  requireTables(reader, question.needs, question.role);
  const rows = await reader.select({
    sql: `SELECT "node_kind" AS kind FROM ${qualifiedName(cpgNodesDataset)} WHERE "node_id" = $id`,
    params: { id: checked.value },
  });
  const kinds = rows.map((r) => String(r['kind']));
  if (kinds.length === 0) {
    throw CpgQueryError.create('UnknownNode', `${question.role}: no node ${checked.value} in ${reader.path}`, {
      details: { id: checked.value },
      hint: 'node ids change when the source changes; look the definition up again with cpg.definitions()',
    });
  }
  if (!kinds.some((k) => question.kinds.includes(k))) {
    throw CpgQueryError.create('WrongNodeKind', `${question.role}: node ${checked.value} is a ${kinds.join('/')}, not a ${question.kinds.join(' or ')}`, {
      details: { id: checked.value, kind: kinds[0], expected: question.kinds },
      hint: `pass the id of a ${question.kinds.join(' or ')} node`,
    });
  }
  return checked.value;
}

/** Fails with `cpg-query/MissingTable` when a question reads a table this store does not hold. */
export function requireTables(reader: CpgReader, needs: readonly CpgTable[], role: string): void {
  const missing = needs.filter((t) => !reader.tables.includes(t));
  if (missing.length > 0) {
    throw CpgQueryError.create('MissingTable', `${role} needs ${missing.join(' and ')}, which ${reader.path} does not hold`, {
      details: { path: reader.path, tables: missing },
      hint: 'rebuild with an anatomy that writes the CPG edges (`anatomy build <dir>`)',
    });
  }
}
