import { decide } from '@anatomy/contracts';
import type { Evidence, ValidationIssue } from '@anatomy/contracts';
import { columnsWithRole } from '@anatomy/schema-authority';
import type { ColumnRole, ColumnSpec, ColumnType, DatasetSchema } from '@anatomy/schema-authority';
import type { CompilerDecision } from './compiler-decision.js';
import type { FileDatasets } from './file-dataset.js';
import type { FillChoice } from './fill-choice.js';
import { inferEdgeFusion } from './infer-edge-fusion.js';
import { inferEntityId, isWholeFile } from './infer-entity-id.js';
import type { FileJoin, FilledColumn, InferredProject, ProjectionSource } from './inferred-view.js';
import type { Project, ProjectRows } from './project.js';
import { missingRoleEvidence, roleEvidence } from './role-evidence.js';
import { wholeFileSpanFill } from './whole-file-span.js';

/**
 * Roles that describe a file rather than the entity in it, and so may be
 * taken from the file dataset across a join on file identity.
 */
const FILE_LEVEL_ROLES: ReadonlySet<ColumnRole> = new Set(['path']);

/** Where a project view is in the program, the contract it fills and what it reads. */
export interface ProjectContext {
  readonly name: string;
  readonly index: number;
  readonly contract: DatasetSchema;
  /** The schema of each declared row source, in declaration order. */
  readonly sources: readonly DatasetSchema[];
  /** The registered datasets that describe or mention files, to join for file-level columns (see `fileDatasets`). */
  readonly fileDatasets: FileDatasets;
}

/** What a source offers beyond its own columns: the file join, if one can be made. */
export interface FileJoinOption {
  readonly join: FileJoin | undefined;
  readonly why: string;
  readonly evidence: readonly Evidence[];
}

/** Evidence that a dataset keyed by its file identity alone holds one row per file. */
function keyEvidence(ds: DatasetSchema): Evidence {
  return { source: 'schema-authority', detail: `${ds.name} is keyed by its file identity ${(ds.key ?? []).join(', ')} alone` };
}

/** Evidence of why a dataset naming files was not taken as the file dataset. */
function passedOverEvidence(ds: DatasetSchema): Evidence {
  const key = ds.key === undefined ? 'declares no key' : `is keyed by (${ds.key.join(', ')})`;
  return {
    source: 'schema-authority',
    detail: `${ds.name} has file-identity and path columns but ${key}, not by its file identity alone: it mentions files without describing them`,
  };
}

/** Evidence of why a dataset describing files lost to one whose rows are whole files. */
function notWholeFileEvidence(ds: DatasetSchema): Evidence {
  return {
    source: 'schema-authority',
    detail: `${ds.name} describes files but has no byte-length column, so its rows are not the files themselves: the dataset whose rows are whole files is preferred`,
  };
}

/**
 * Decides the file join of one source: only when it has a file identity and
 * exactly one other dataset describes files (see `fileDatasets`), or, of
 * several, exactly one has rows that are whole files (a byte length, no span).
 */
export function fileJoinOption(source: DatasetSchema, candidates: FileDatasets): FileJoinOption {
  const [sourceFile] = columnsWithRole(source, 'file-identity');
  if (sourceFile === undefined) {
    return { join: undefined, why: `${source.name} has no file identity to join on`, evidence: [missingRoleEvidence(source, 'file-identity')] };
  }
  const describing = candidates.describing.filter((c) => c.name !== source.name);
  const passedOver = candidates.mentioning.filter((c) => c.name !== source.name).map(passedOverEvidence);
  // A dataset whose rows ARE files carries each file's byte length; others (SCIP documents, say) describe files
  // through some tool's view of them. When exactly one candidate is whole files, it is the file dataset.
  const wholeFiles = describing.filter(isWholeFile);
  const preferred = describing.length > 1 && wholeFiles.length === 1;
  const others = preferred ? wholeFiles : describing;
  if (preferred) passedOver.push(...describing.filter((c) => !isWholeFile(c)).map(notWholeFileEvidence));
  const [only] = others;
  const fileColumn = only === undefined ? undefined : columnsWithRole(only, 'file-identity')[0];
  if (others.length > 1) {
    // Several candidates and nothing to prefer one by: joining either could contradict the other, so no join.
    const why = `several datasets describe files (${others.map((c) => c.name).join(', ')}), each keyed by its file identity with a path, and none is preferred`;
    return { join: undefined, why, evidence: [{ source: 'semantic-ir', detail: why }, ...others.map(keyEvidence)] };
  }
  if (only === undefined || fileColumn === undefined) {
    const why = 'no registered dataset describes files (keyed by its file identity alone, with a path)';
    return { join: undefined, why, evidence: [{ source: 'schema-authority', detail: why }, ...passedOver] };
  }
  return {
    join: { dataset: only, sourceColumn: sourceFile.name, fileColumn: fileColumn.name },
    why: `${only.name} describes files`,
    evidence: [roleEvidence(source, sourceFile), roleEvidence(only, fileColumn), keyEvidence(only), ...passedOver],
  };
}

/** Fills a contract column that carries a locating or naming role from the source's own column, a whole file's extent, the source's path, or the file join. */
function fillByRole(column: ColumnSpec, role: ColumnRole, source: DatasetSchema, files: FileJoinOption): FillChoice {
  const own = columnsWithRole(source, role);
  const [first] = own;
  if (own.length > 1) {
    return { problem: `${source.name} has several columns with the role ${role} (${own.map((c) => c.name).join(', ')}), so none can be chosen by role` };
  }
  const fileColumn = files.join === undefined ? undefined : columnsWithRole(files.join.dataset, role)[0];
  if (first !== undefined && first.nullable && FILE_LEVEL_ROLES.has(role) && files.join !== undefined && fileColumn !== undefined) {
    return {
      fill: {
        by: 'coalesce',
        columns: [
          { dataset: source.name, column: first.name },
          { dataset: files.join.dataset.name, column: fileColumn.name },
        ],
      },
      confidence: 0.9,
      rationale: `${first.name} of ${source.name} has the role ${role} but may be NULL (its rows come from several sources); ${fileColumn.name} of ${files.join.dataset.name} describes the same file and fills the gaps`,
      evidence: [roleEvidence(source, first), roleEvidence(files.join.dataset, fileColumn), ...files.evidence],
    };
  }
  if (first !== undefined) {
    return {
      fill: { by: 'column', dataset: source.name, column: first.name },
      confidence: 1,
      rationale: `${first.name} of ${source.name} has the role ${role}`,
      evidence: [roleEvidence(source, first), { source: 'schema-authority', detail: `${column.name} has the role ${role} in the contract` }],
    };
  }
  const whole = wholeFileSpanFill(column, role, source);
  if (whole !== undefined) return whole;
  const symbols = columnsWithRole(source, 'symbol-identity');
  const [symbol] = symbols;
  if (role === 'name' && symbol !== undefined && symbols.length === 1) {
    return {
      fill: { by: 'column', dataset: source.name, column: symbol.name },
      confidence: 0.85,
      rationale: `${source.name} has no name column; its symbol identity ${symbol.name} names its rows`,
      evidence: [missingRoleEvidence(source, 'name'), roleEvidence(source, symbol)],
    };
  }
  const [path] = columnsWithRole(source, 'path');
  if (role === 'name' && path !== undefined && columnsWithRole(source, 'span-start').length === 0) {
    return {
      fill: { by: 'column', dataset: source.name, column: path.name },
      confidence: 0.8,
      rationale: `${source.name} has no span, so its rows are whole files, named by their path`,
      evidence: [missingRoleEvidence(source, 'name'), missingRoleEvidence(source, 'span-start'), roleEvidence(source, path)],
    };
  }
  if (FILE_LEVEL_ROLES.has(role)) {
    if (files.join !== undefined && fileColumn !== undefined) {
      return {
        fill: { by: 'column', dataset: files.join.dataset.name, column: fileColumn.name },
        confidence: 0.9,
        rationale: `${source.name} lacks the role ${role}; ${fileColumn.name} of ${files.join.dataset.name} has it for the same file`,
        evidence: [missingRoleEvidence(source, role), roleEvidence(files.join.dataset, fileColumn)],
      };
    }
    return {
      fill: { by: 'null' },
      confidence: 0.9,
      rationale: `${source.name} has no column with the role ${role}, and there is no file join: ${files.why}`,
      evidence: [missingRoleEvidence(source, role), ...files.evidence],
    };
  }
  return { fill: { by: 'null' }, confidence: 0.9, rationale: `${source.name} has no column with the role ${role}`, evidence: [missingRoleEvidence(source, role)] };
}

function typeFamily(type: ColumnType): string {
  return type === 'int32' || type === 'int64' ? 'integer' : type;
}

/** Chooses how one contract column is filled for one row source (the file join, when one is needed, is decided by the caller). */
export function chooseFill(column: ColumnSpec, rows: ProjectRows, source: DatasetSchema, files: FileJoinOption, view: string): FillChoice {
  const role = column.role;
  switch (role) {
    case 'entity-identity': {
      if (rows.entity !== undefined) {
        const id = inferEntityId(source, rows.entity, column.name, view);
        if (!id.ok) return { problem: id.problem, field: 'entity' };
        return { fill: id.fill, confidence: id.decision.confidence, rationale: id.decision.rationale, evidence: id.decision.evidence };
      }
      const [own] = columnsWithRole(source, 'entity-identity');
      if (own === undefined) {
        return { problem: `${source.name} has no column with the role entity-identity; normalize it first or give these rows an entity namespace` };
      }
      return {
        fill: { by: 'column', dataset: source.name, column: own.name },
        confidence: 1,
        rationale: `${source.name} identifies its rows by ${own.name}`,
        evidence: [roleEvidence(source, own)],
      };
    }
    case 'kind': {
      if (rows.kind !== undefined) {
        return {
          fill: { by: 'literal', value: rows.kind },
          confidence: 1,
          rationale: `the rows from ${source.name} are declared to be of kind ${rows.kind}; their own kind column, if any, is a detail of that kind`,
          evidence: [{ source: 'semantic-program', detail: `${view} declares rows of kind ${rows.kind} from ${source.name}` }],
        };
      }
      const own = columnsWithRole(source, 'kind');
      const [first] = own;
      if (first === undefined || own.length > 1) {
        return { problem: `no kind is declared for the rows of ${source.name}, and it has ${own.length === 0 ? 'no column' : 'several columns'} with the role kind to take one from`, field: 'kind' };
      }
      return {
        fill: { by: 'column', dataset: source.name, column: first.name },
        confidence: 0.95,
        rationale: `no kind is declared for the rows of ${source.name}, so each row has the kind its own ${first.name} holds`,
        evidence: [roleEvidence(source, first), { source: 'semantic-program', detail: `${view} declares no kind for rows from ${source.name}` }],
      };
    }
    case 'provenance':
      // Rows that already say where they came from (a merge of sources, say) keep it; others are their producer's evidence.
      if (columnsWithRole(source, 'provenance').length > 0) return fillByRole(column, role, source, files);
      return {
        fill: { by: 'literal', value: source.producer },
        confidence: 0.95,
        rationale: `${column.name} records provenance and ${source.name} carries none of its own, so its rows are attributed to its producer, ${source.producer}`,
        evidence: [
          { source: 'schema-authority', detail: `${column.name} has the role provenance in the contract` },
          missingRoleEvidence(source, 'provenance'),
          { source: 'schema-authority', detail: `${source.name} has the producer ${source.producer}` },
        ],
      };
    case undefined:
    case 'attribute': {
      // No role to match by: a source column of the same name and type family is the column the contract means (edge templates name theirs so).
      const same = source.columns.find((c) => c.name === column.name);
      if (same !== undefined && typeFamily(same.type) === typeFamily(column.type)) {
        return {
          fill: { by: 'column', dataset: source.name, column: same.name },
          confidence: 0.8,
          rationale: `${column.name} has ${role === undefined ? 'no role' : 'the generic role attribute'} in the contract, and ${source.name} has a ${same.type} column of the same name`,
          evidence: [{ source: 'schema-authority', detail: `${source.name}.${same.name} is ${same.type}; ${column.name} is ${column.type} in the contract` }],
        };
      }
      return {
        fill: { by: 'null' },
        confidence: 0.6,
        rationale: `no role ties the contract column ${column.name} to a column of ${source.name}`,
        evidence: [{ source: 'schema-authority', detail: `${column.name} has ${role === undefined ? 'no role' : 'the generic role attribute'} in the contract` }],
      };
    }
    default:
      return fillByRole(column, role, source, files);
  }
}

/**
 * Infers a project view: for every row source, how each column of the output
 * contract is filled. By role: the identity from the source's entity identity
 * (or a stable id in the declared namespace), the kind from the declaration,
 * every other role from the source column with the same role; the span of
 * a whole-file row (a byte length, no span) as [0, length) at line 1, column
 * 0; a missing file-level role (the path) from the file dataset joined on
 * file identity; provenance from the source's producer; anything else NULL.
 * Edges several relationships found are fused into one (see `inferEdgeFusion`).
 *
 * @example
 * const r = inferProject(nodesView, { name: 'cpg.nodes', index: 1, contract: cpgNodesDataset,
 *   sources: [files, normDefs], fileDatasets: fileDatasets(registry.list(), new Set(['cpg.nodes'])) });
 */
export function inferProject(
  view: Project,
  context: ProjectContext,
): { readonly ok: true; readonly view: InferredProject } | { readonly ok: false; readonly problems: readonly ValidationIssue[] } {
  const { contract, name } = context;
  const at = `views[${context.index}]`;
  const problems: ValidationIssue[] = [];
  // The schema authority keeps entity identity unique per dataset; kind it does not.
  const [identity] = columnsWithRole(contract, 'entity-identity');
  const kinds = columnsWithRole(contract, 'kind');
  if (identity === undefined) problems.push({ path: `${at}.name`, message: `${contract.name} has no column with the role entity-identity to identify its rows` });
  if (kinds.length !== 1) {
    const found = kinds.length === 0 ? 'no column' : `several columns (${kinds.map((c) => c.name).join(', ')})`;
    problems.push({ path: `${at}.name`, message: `${contract.name} has ${found} with the role kind, so the declared kinds have no single place to go` });
  }

  const decisions: CompilerDecision[] = [];
  const sources: ProjectionSource[] = [];
  // Sources in a canonical order: the order rows are declared in does not change the SQL.
  const ordered = view.rows.map((rows, j) => ({ rows, j })).sort((a, b) => {
    const ka = `${a.rows.from}\u0000${a.rows.kind ?? ''}`;
    const kb = `${b.rows.from}\u0000${b.rows.kind ?? ''}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  ordered.forEach(({ rows, j }) => {
    const source = context.sources[j];
    if (source === undefined) return;
    const here = `${at}.rows[${j}]`;
    const files = fileJoinOption(source, context.fileDatasets);
    const columns: FilledColumn[] = [];
    for (const column of contract.columns) {
      const choice = chooseFill(column, rows, source, files, name);
      if ('problem' in choice) {
        problems.push({ path: choice.field === undefined ? here : `${here}.${choice.field}`, message: choice.problem });
        continue;
      }
      if (choice.fill.by === 'null' && !column.nullable) {
        problems.push({ path: here, message: `${contract.name}.${column.name} is not nullable, but ${choice.rationale}` });
      }
      columns.push(Object.freeze({ column, fill: choice.fill }));
      decisions.push(
        decide({
          value: { topic: 'column-fill' as const, source: source.name, column: column.name, fill: choice.fill },
          confidence: choice.confidence,
          rationale: choice.rationale,
          evidence: choice.evidence,
        }),
      );
    }
    const provides = columns
      .filter((c) => (c.fill.by === 'column' && c.fill.dataset !== source.name) || (c.fill.by === 'coalesce' && c.fill.columns.some((f) => f.dataset !== source.name)))
      .map((c) => c.column.name);
    const join = provides.length > 0 ? files.join : undefined;
    if (join !== undefined) {
      decisions.push(
        decide({
          value: {
            topic: 'file-join' as const,
            source: source.name,
            fileDataset: join.dataset.name,
            sourceColumn: join.sourceColumn,
            fileColumn: join.fileColumn,
            provides: Object.freeze(provides),
          },
          confidence: 0.9,
          rationale: `${provides.join(', ')} describe the file of each row, so ${source.name} is left-joined to ${join.dataset.name} on file identity; that dataset is keyed by file identity, so the join never multiplies rows, and rows whose file is unknown keep NULLs`,
          evidence: files.evidence,
        }),
      );
    }
    sources.push(Object.freeze({ dataset: source, fileJoin: join, columns: Object.freeze(columns) }));
  });

  if (problems.length > 0 || identity === undefined) return { ok: false, problems };
  const fused = inferEdgeFusion(name, contract, sources);
  if (fused !== undefined) decisions.push(fused.decision);
  return {
    ok: true,
    view: Object.freeze({
      kind: 'project',
      name,
      index: context.index,
      inputs: Object.freeze([...new Set(context.sources.map((s) => s.name))]),
      output: contract,
      sources: Object.freeze(sources),
      ...(fused === undefined ? {} : { fusion: fused.fusion }),
      decisions: Object.freeze(decisions),
    }),
  };
}
