import { formatIssues, validate } from '@anatomy/contracts';
import type { DatasetRead, ViewLineage } from '@anatomy/plan-signals';
import { z } from 'zod';
import { deepFreeze } from './deep-freeze.js';
import { ScanPolicyDecisionSchema, ScannedDatasetSchema } from './scan-policy-decision.js';
import type { CandidateSubset, ScanPolicyDecision, ScanReaderSites } from './scan-policy-decision.js';
import { ScanPolicyError } from './scan-policy-error.js';
import { scanReader } from './scan-reader.js';
import type { ScanReader } from './scan-reader.js';

/** A predicate's selectivity (fraction of the dataset's rows it keeps) and where that figure came from. */
export const PredicateSelectivitySchema = z.object({
  value: z.number().min(0).max(1),
  source: z.enum(['measured', 'estimated']),
});
export type PredicateSelectivity = z.infer<typeof PredicateSelectivitySchema>;

/** Bounds for {@link deriveScanPolicy}; every field has a default. */
export const ScanPolicyOptionsSchema = z.object({
  /** Fewest distinct views that must share a predicate before materializing its subset is considered. */
  minSharedReaders: z.number().int().min(2).default(2),
  /** Largest fraction of rows a shared predicate may keep for its subset to pay off. */
  maxSelectivity: z.number().gt(0).lt(1).default(0.5),
  /**
   * Known selectivities, by predicate SQL as the lineage renders it, or by a
   * candidate's predicates joined with ' AND ' (what measuredSelectivity returns).
   */
  selectivity: z.record(z.string(), PredicateSelectivitySchema).default({}),
});
export type ScanPolicyOptions = z.input<typeof ScanPolicyOptionsSchema>;

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

interface Candidate {
  readonly subset: CandidateSubset;
  /** The best known selectivity of any of its predicates: an upper bound for their conjunction. */
  readonly selectivity: (PredicateSelectivity & { readonly predicate: string }) | undefined;
}

/**
 * The predicate shared by the most readers (ties: the most selective known,
 * then by text), with every predicate all of those readers' sharing sites
 * apply.
 */
function bestCandidate(readers: readonly { view: string; read: DatasetRead }[], options: z.output<typeof ScanPolicyOptionsSchema>): Candidate | null {
  const sharers = new Map<string, Set<string>>();
  for (const { view, read } of readers) {
    for (const site of read.sites) for (const predicate of site) sharers.set(predicate, (sharers.get(predicate) ?? new Set()).add(view));
  }
  const ranked = [...sharers.entries()]
    .filter(([, views]) => views.size >= options.minSharedReaders)
    .sort(([a, va], [b, vb]) => vb.size - va.size || (options.selectivity[a]?.value ?? 2) - (options.selectivity[b]?.value ?? 2) || byText(a, b));
  const top = ranked[0];
  if (top === undefined) return null;
  const [predicate, views] = top;
  const sharingSites = readers.filter((r) => views.has(r.view)).flatMap((r) => r.read.sites.filter((site) => site.includes(predicate)));
  const common = [...new Set(sharingSites.flat())].filter((p) => sharingSites.every((site) => site.includes(p))).sort(byText);
  const conjunction = common.join(' AND ');
  const measuredTogether = options.selectivity[conjunction];
  let selectivity: Candidate['selectivity'] = measuredTogether === undefined ? undefined : { ...measuredTogether, predicate: conjunction };
  for (const p of common) {
    const known = options.selectivity[p];
    if (known !== undefined && (selectivity === undefined || known.value < selectivity.value)) selectivity = { ...known, predicate: p };
  }
  return { subset: { predicates: common, readers: [...views].sort(byText) }, selectivity };
}

/**
 * Derives the scan policy of one dataset from the lineage (or plan signals)
 * of the views reading it — views that do not read it are ignored:
 *
 * - `columns`: the union of the columns the readers need; when a reader
 *   names columns its parse tree could not attribute, every column (`*`),
 *   with low confidence and the reason.
 * - `pushedPredicates`: every predicate a reader's scan of the dataset
 *   evaluates, as DuckDB rendered it.
 * - `materializeSubset`: true only when at least `minSharedReaders` views
 *   share a predicate whose known selectivity is at most `maxSelectivity`;
 *   with the selectivity unknown it stays false (the conservative choice)
 *   at low confidence and says so — measure it with measureScanPayoff.
 *
 * Throws `scan-policy/InvalidDataset` or `scan-policy/InvalidOptions`.
 *
 * @example
 * const policy = deriveScanPolicy('evidence.ts_defs', lineages);
 * policy.columns.value; // ['bend', 'bstart', 'file_id', 'name']
 */
export function deriveScanPolicy(
  dataset: string,
  lineages: readonly (ViewLineage | ScanReader)[],
  options: ScanPolicyOptions = {},
): ScanPolicyDecision {
  const name = validate(ScannedDatasetSchema, dataset);
  if (!name.ok) {
    throw ScanPolicyError.create('InvalidDataset', `${dataset} is not a dataset name:\n${formatIssues(name.issues)}`, {
      hint: "name the dataset as the plans do: 'schema.table', lower-case",
    });
  }
  const checked = validate(ScanPolicyOptionsSchema, options);
  if (!checked.ok) {
    throw ScanPolicyError.create('InvalidOptions', `the scan policy options are invalid:\n${formatIssues(checked.issues)}`, {
      details: { issues: checked.issues },
      hint: 'minSharedReaders is a whole number ≥ 2, maxSelectivity a fraction in (0, 1), selectivities fractions in [0, 1]',
    });
  }
  const opts = checked.value;
  const readers = lineages
    .map(scanReader)
    .flatMap((r) => r.reads.filter((read) => read.table === dataset).map((read) => ({ view: r.view, read })))
    .sort((a, b) => byText(a.view, b.view));
  const readerSites: ScanReaderSites[] = readers.map((r) => ({ view: r.view, sites: r.read.sites.map((site) => [...site]) }));
  const viewList = readers.map((r) => r.view).join(', ');

  if (readers.length === 0) {
    const evidence = [{ source: 'plan-lineage', detail: `no lineage given lists ${dataset} among its inputs` }];
    return deepFreeze(ScanPolicyDecisionSchema.parse({
      dataset,
      readers: [],
      candidateSubset: null,
      columns: { value: [], confidence: 1, rationale: 'no view reads the dataset, so no column needs scanning', evidence },
      pushedPredicates: { value: [], confidence: 1, rationale: 'no view reads the dataset', evidence },
      materializeSubset: { value: false, confidence: 1, rationale: 'no view reads the dataset', evidence },
    }));
  }

  const incomplete = readers.filter((r) => !r.read.columnsComplete).map((r) => r.view);
  const union = [...new Set(readers.flatMap((r) => r.read.columns))].sort(byText);
  const columnEvidence = readers.map((r) => ({ source: 'plan-lineage', detail: `${r.view} reads ${r.read.columns.join(', ') || 'no named column'}` }));
  const columns =
    incomplete.length > 0
      ? {
          value: ['*'],
          confidence: 0.4,
          rationale: `${incomplete.join(', ')} name columns the parse tree cannot attribute to a relation, so every column is read (the conservative choice)`,
          evidence: columnEvidence,
        }
      : union.includes('*')
        ? { value: ['*'], confidence: 1, rationale: 'a reader selects every column of the dataset', evidence: columnEvidence }
        : { value: union, confidence: 1, rationale: `the union of the columns ${viewList} read`, evidence: columnEvidence };

  const predicates = [...new Set(readers.flatMap((r) => r.read.sites.flat()))].sort(byText);
  const unfiltered = readers.filter((r) => r.read.sites.some((site) => site.length === 0)).map((r) => r.view);
  const pushedPredicates = {
    value: predicates,
    confidence: 1,
    rationale:
      predicates.length === 0
        ? 'no reader filters the dataset in a way a scan could evaluate'
        : `predicates the readers' scans evaluate; ${unfiltered.length > 0 ? `${[...new Set(unfiltered)].join(', ')} also read it unfiltered` : 'every read of the dataset is filtered'}`,
    evidence: readers.map((r) => ({
      source: 'plan-lineage',
      detail: `${r.view}: ${r.read.sites.map((site) => (site.length === 0 ? 'all rows' : site.join(' AND '))).join('; ')}`,
    })),
  };

  const candidate = bestCandidate(readers, opts);
  let materializeSubset;
  if (candidate === null) {
    materializeSubset = {
      value: false,
      confidence: 0.9,
      rationale: `no predicate is shared by ${opts.minSharedReaders} or more readers, so a subset would serve one reader at most`,
      evidence: [{ source: 'plan-lineage', detail: `readers: ${viewList}` }],
    };
  } else {
    const shared = `${candidate.subset.predicates.join(' AND ')} is shared by ${candidate.subset.readers.join(', ')}`;
    const evidence = [{ source: 'plan-lineage', detail: shared }];
    const known = candidate.selectivity;
    if (known === undefined) {
      materializeSubset = {
        value: false,
        confidence: 0.4,
        rationale: `${shared}, but its selectivity is unknown; not materializing is the conservative choice until it is measured`,
        evidence,
      };
    } else {
      const pays = known.value <= opts.maxSelectivity;
      const selectivityEvidence = { source: known.source === 'measured' ? 'scan-payoff' : 'plan-estimate', detail: `${known.predicate} keeps ${known.value} of the rows` };
      materializeSubset = {
        value: pays,
        confidence: known.source === 'measured' ? 0.85 : 0.6,
        rationale: pays
          ? `${shared} and keeps at most ${known.value} of the rows (≤ ${opts.maxSelectivity}): one filtered copy serves them all`
          : `${shared} but keeps ${known.value} of the rows (> ${opts.maxSelectivity}): a copy would cost about as much as the scans it saves`,
        evidence: [...evidence, selectivityEvidence],
      };
    }
  }

  return deepFreeze(
    ScanPolicyDecisionSchema.parse({
      dataset,
      readers: readerSites,
      candidateSubset: candidate?.subset ?? null,
      columns,
      pushedPredicates,
      materializeSubset,
    }),
  );
}
