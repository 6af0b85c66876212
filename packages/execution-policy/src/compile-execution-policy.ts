import { formatIssues, validate } from '@anatomy/contracts';
import type { Evidence } from '@anatomy/contracts';
import type { DatasetRead, PlanSignals } from '@anatomy/plan-signals';
import { deriveScanPolicy } from '@anatomy/scan-policy';
import type { ScanPolicyDecision } from '@anatomy/scan-policy';
import type { TaskGraph } from '@anatomy/scheduler';
import type { z } from 'zod';
import type { CachePolicy } from './cache-policy.js';
import { CompiledExecutionPolicyBodySchema, compiledExecutionPolicyFingerprint, CompiledExecutionPolicySchema } from './compiled-execution-policy.js';
import type { CompiledExecutionPolicy } from './compiled-execution-policy.js';
import { deepFreeze } from './deep-freeze.js';
import type { DiagnosticsTier } from './diagnostics-tier.js';
import { ExecutionPolicyError } from './execution-policy-error.js';
import { ExecutionThresholdsSchema } from './execution-thresholds.js';
import type { ExecutionThresholds } from './execution-thresholds.js';
import { DEFAULT_MAINTENANCE_REASONS, DEFAULT_MAINTENANCE_THRESHOLDS } from './maintenance-thresholds.js';
import type { MaintenanceThresholds } from './maintenance-thresholds.js';
import { sizeTier } from './size-tier.js';
import type { SizeTier, SizeTierThresholds } from './size-tier.js';

/** What {@link compileExecutionPolicy} compiles a policy from. */
export interface CompileExecutionPolicyInput {
  /** The fingerprint of the manifest the views come from. */
  readonly manifestFingerprint: string;
  /** Every view of the manifest and whether it is an output of the program. */
  readonly views: readonly { readonly name: string; readonly output: boolean }[];
  /** The task graph built from the views' inferred dependencies. */
  readonly graph: TaskGraph;
  /** The plan signals of each view, by view name. */
  readonly signals: Readonly<Record<string, PlanSignals>>;
  /** The diagnostics tier asked for; `prod` when absent. */
  readonly tier?: DiagnosticsTier;
  readonly thresholds?: ExecutionThresholds;
  /**
   * Which views are file-local, from their lineage (see plan-signals'
   * `fileLocality`). A global view a file-local view reads is stored rather
   * than inlined: an incremental build can then measure which files' rows of
   * it changed and recompute its reader for those files only. A view a
   * global view groups (its `grouped` source) is stored too: its changed
   * rows tell which groups of the reader to recompute. So is a view a keyed
   * global view looks up (a relation of its `keyed` probes): the keys its
   * changed rows hold tell which files of the reader to recompute.
   */
  readonly locality?: Readonly<
    Record<
      string,
      {
        readonly local: boolean;
        readonly grouped?: { readonly source: { readonly relation: string } } | undefined;
        readonly keyed?: { readonly probes: readonly { readonly foreign: string; readonly via: readonly { readonly relation: string }[] }[] } | undefined;
      }
    >
  >;
}

/** A decision under construction: mutable, validated when the policy is sealed. */
interface Draft<T> {
  value: T;
  confidence: number;
  rationale: string;
  evidence: Evidence[];
}

type Thresholds = z.output<typeof ExecutionThresholdsSchema>;

/**
 * Replaces a decision its confidence does not support with the conservative
 * choice, saying why; a decision for the conservative value already stands.
 */
function withFallback<T>(draft: Draft<T>, conservative: T, minConfidence: number, same: (a: T, b: T) => boolean = (a, b) => a === b): Draft<T> {
  if (draft.confidence >= minConfidence || same(draft.value, conservative)) return draft;
  return {
    value: conservative,
    confidence: minConfidence,
    rationale: `falls back to ${JSON.stringify(conservative)}: the case for ${JSON.stringify(draft.value)} is only ${draft.confidence} sure (below ${minConfidence}) — ${draft.rationale}`,
    evidence: draft.evidence,
  };
}

function tierOf(rows: number | null | undefined, tiers: SizeTierThresholds): SizeTier | undefined {
  return rows === null || rows === undefined ? undefined : sizeTier(rows, tiers);
}

function sizeEvidence(subject: string, rows: number | null | undefined, tier: SizeTier | undefined): Evidence {
  return {
    source: 'plan-statistics',
    detail: tier === undefined ? `no row estimate for ${subject}` : `${subject}: about ${rows} rows, ${tier} tier`,
  };
}

/** What a cache decision reads of a view's plan signals: how often it reads each input, and its estimated rows. */
interface CacheSignals {
  readonly reads: readonly DatasetRead[];
  readonly estimatedRows: number | null;
}

/** The cache policy of one view, from the task graph's shape (never from its name) and plan statistics. */
function cacheDecision(
  view: { name: string; output: boolean },
  input: { readonly graph: TaskGraph; readonly signals: Readonly<Record<string, CacheSignals>>; readonly locality?: CompileExecutionPolicyInput['locality'] },
  t: Thresholds,
): Draft<CachePolicy> {
  const { graph, signals, locality } = input;
  const readers = graph.successors(view.name);
  const rows = signals[view.name]?.estimatedRows;
  const tier = tierOf(rows, t.sizeTiers);
  const evidence: Evidence[] = [
    { source: 'task-graph', detail: readers.length === 0 ? 'no view reads it' : `read by ${readers.length} view(s): ${readers.join(', ')}` },
    { source: 'manifest', detail: view.output ? 'an output of the program' : 'not an output of the program' },
    sizeEvidence(view.name, rows, tier),
  ];
  if (view.output) {
    return readers.length === 0
      ? { value: 'persisted-output', confidence: 1, rationale: 'a terminal output: what the run is for, so it is persisted', evidence }
      : {
          value: 'persisted-output',
          confidence: 0.9,
          rationale: `an output that ${readers.length} view(s) also read: persisted once, and they read the stored table`,
          evidence,
        };
  }
  if (readers.length === 0) {
    return {
      value: 'inline-view',
      confidence: 0.6,
      rationale: 'neither an output nor read by another view: a view costs nothing until someone queries it',
      evidence,
    };
  }
  if (readers.length > t.maxInlineFanOut) {
    return {
      value: 'materialized-table',
      confidence: tier === 'medium' || tier === 'large' || readers.length >= 3 ? 0.9 : 0.75,
      rationale: `read by ${readers.length} views (more than ${t.maxInlineFanOut}): computed once instead of once per reader`,
      evidence,
    };
  }
  const sites = readers.map((reader) => signals[reader]?.reads.find((r) => r.table === view.name)?.sites.length);
  evidence.push({
    source: 'plan-lineage',
    detail: readers.map((reader, i) => `${reader} reads it at ${sites[i] ?? 'an unknown number of'} place(s)`).join('; '),
  });
  if (sites.some((n) => n === undefined)) {
    return {
      value: 'inline-view',
      confidence: 0.4,
      rationale: `read by ${readers.length} view(s) whose plan signals are missing, so how often they read it is unknown`,
      evidence,
    };
  }
  const total = sites.reduce<number>((sum, n) => sum + (n ?? 0), 0);
  if (total > readers.length) {
    return {
      value: 'materialized-table',
      confidence: 0.8,
      rationale: `its reader(s) read it at ${total} places: inlined, it would be computed ${total} times`,
      evidence,
    };
  }
  // Inlined into the global view grouping its rows, its changed rows could not be known: any change would recompute every group.
  const groupingReaders = readers.filter((reader) => locality?.[reader]?.grouped?.source.relation === view.name);
  if (groupingReaders.length > 0) {
    evidence.push({ source: 'plan-lineage', detail: `${groupingReaders.join(', ')} group(s) its rows by a column of it` });
    return {
      value: 'materialized-table',
      confidence: 0.8,
      rationale: `its rows are grouped by ${groupingReaders.join(', ')}: stored, an incremental build learns which keys its changed rows hold and recomputes only those groups`,
      evidence,
    };
  }
  // Inlined into a keyed global view looking it up, the keys its changed rows hold could not be known: any change would recompute the reader whole.
  const lookingUp = readers.filter((reader) => (locality?.[reader]?.keyed?.probes ?? []).some((p) => p.foreign === view.name || p.via.some((v) => v.relation === view.name)));
  if (lookingUp.length > 0) {
    evidence.push({ source: 'plan-lineage', detail: `${lookingUp.join(', ')} look(s) its rows up by key` });
    return {
      value: 'materialized-table',
      confidence: 0.8,
      rationale: `${lookingUp.join(', ')} look(s) its rows up by key: stored, an incremental build learns which keys its changed rows hold and recomputes only the files of ${lookingUp.length === 1 ? 'that reader' : 'those readers'} holding them`,
      evidence,
    };
  }
  // Inlined into a file-local reader, a global view's changes could not be measured: any change would recompute the reader whole.
  const localReaders = locality?.[view.name]?.local === false ? readers.filter((reader) => locality[reader]?.local === true) : [];
  if (localReaders.length > 0) {
    evidence.push({ source: 'plan-lineage', detail: `${view.name} is global; ${localReaders.join(', ')} file-local` });
    return {
      value: 'materialized-table',
      confidence: 0.8,
      rationale: `global, and read by the file-local ${localReaders.join(', ')}: stored, an incremental build measures which files' rows of it changed and recomputes its reader for those files only`,
      evidence,
    };
  }
  return {
    value: 'inline-view',
    confidence: 0.8,
    rationale: `read once, by ${readers.join(', ')}: inlined, it is computed exactly once and never written`,
    evidence,
  };
}

/** The rows of a stored relation as the plans estimate them: the largest unfiltered scan, else the largest filtered one. */
function datasetRows(dataset: string, signals: readonly PlanSignals[]): number | undefined {
  const scans = signals.flatMap((s) => s.scans.filter((scan) => scan.table === dataset && scan.estimatedRows !== null));
  const unfiltered = scans.filter((s) => s.filters.length === 0);
  const pool = unfiltered.length > 0 ? unfiltered : scans;
  return pool.length === 0 ? undefined : Math.max(...pool.map((s) => s.estimatedRows ?? 0));
}

function scanDecision(dataset: string, readers: readonly PlanSignals[], t: Thresholds): ScanPolicyDecision {
  const derived = deriveScanPolicy(dataset, readers, t.scan);
  const rows = datasetRows(dataset, readers);
  const tier = tierOf(rows, t.sizeTiers);
  let materializeSubset: Draft<boolean> = { ...derived.materializeSubset, evidence: [...derived.materializeSubset.evidence] };
  if (materializeSubset.value && tier === 'small') {
    materializeSubset = {
      value: false,
      confidence: 0.8,
      rationale: `${dataset} is in the small tier (at most ${t.sizeTiers.smallMaxRows} rows): rescanning it costs about what reading a filtered copy would`,
      evidence: [...materializeSubset.evidence, sizeEvidence(dataset, rows, tier)],
    };
  }
  const columns = withFallback({ ...derived.columns, value: [...derived.columns.value], evidence: [...derived.columns.evidence] }, ['*'], t.minConfidence, (a, b) =>
    a.join() === b.join(),
  );
  return {
    ...derived,
    columns,
    materializeSubset: withFallback(materializeSubset, false, t.minConfidence),
  };
}

function maintenanceDecisions(t: Thresholds): Record<keyof MaintenanceThresholds, Draft<number>> {
  const keys = Object.keys(DEFAULT_MAINTENANCE_THRESHOLDS) as (keyof MaintenanceThresholds)[];
  const out = {} as Record<keyof MaintenanceThresholds, Draft<number>>;
  for (const key of keys) {
    const configured = t.maintenance[key];
    out[key] =
      configured === undefined
        ? {
            value: DEFAULT_MAINTENANCE_THRESHOLDS[key],
            confidence: 0.5,
            rationale: `the default until measured runs calibrate it: ${DEFAULT_MAINTENANCE_REASONS[key]}`,
            evidence: [{ source: 'defaults', detail: `${key} = ${DEFAULT_MAINTENANCE_THRESHOLDS[key]}` }],
          }
        : {
            value: configured,
            confidence: 1,
            rationale: 'set by the run configuration',
            evidence: [{ source: 'configuration', detail: `${key} = ${configured}` }],
          };
  }
  return out;
}

function checkThresholds(given: ExecutionThresholds | undefined): Thresholds {
  const thresholds = validate(ExecutionThresholdsSchema, given ?? {});
  if (!thresholds.ok) {
    throw ExecutionPolicyError.create('InvalidThresholds', `the execution thresholds are invalid:\n${formatIssues(thresholds.issues)}`, {
      details: { issues: thresholds.issues },
      hint: 'fix the listed thresholds in the run configuration, or leave them out for the defaults',
    });
  }
  return thresholds.value;
}

function checkInput(input: CompileExecutionPolicyInput): Thresholds {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const view of input.views) {
    if (names.has(view.name)) problems.push(`view ${view.name} is listed twice`);
    names.add(view.name);
    if (!input.graph.has(view.name)) problems.push(`view ${view.name} is not a task of the graph`);
  }
  for (const task of input.graph.tasks()) if (!names.has(task)) problems.push(`task ${task} is not among the views`);
  for (const [name, signals] of Object.entries(input.signals)) {
    if (!names.has(name)) problems.push(`signals are given for ${name}, which is not a view`);
    else if (signals.view !== name) problems.push(`the signals keyed ${name} describe ${signals.view}`);
  }
  if (problems.length > 0) {
    throw ExecutionPolicyError.create('InvalidInput', `cannot compile an execution policy:\n${problems.join('\n')}`, {
      details: { problems },
      hint: 'pass the views, task graph and plan signals of the same manifest',
    });
  }
  return checkThresholds(input.thresholds);
}

/** What {@link cachePoliciesFromShape} decides from. */
export interface CacheShapeInput {
  /** Every view of the manifest and whether it is an output of the program. */
  readonly views: readonly { readonly name: string; readonly output: boolean }[];
  /** The task graph built from the views' inferred dependencies. */
  readonly graph: TaskGraph;
  /** How each view reads its inputs (`datasetReads` of its lineage), by view name. */
  readonly reads: Readonly<Record<string, readonly DatasetRead[]>>;
  readonly thresholds?: ExecutionThresholds;
  /** Which views are file-local, when known (see CompileExecutionPolicyInput's `locality`). */
  readonly locality?: CompileExecutionPolicyInput['locality'];
}

/**
 * The cache policy every view will get, known before any view is planned:
 * the choice between inlining and storing rests on the task graph's shape
 * and on how often each reader reads a view, both in the lineage; plan
 * statistics only change how sure the decision is. A planner uses it to
 * plan each reader against what it will really read — a stored table for a
 * view that will be stored — instead of expanding every view it reads.
 * {@link compileExecutionPolicy} decides the same values given the same
 * `locality`; a planner that learns which views are file-local only while
 * planning them leaves it out, and then plans the readers of a global view
 * it will store for a file-local reader as if that view were inline.
 *
 * @example
 * const policies = cachePoliciesFromShape({ views: manifest.views, graph, reads: { 'rel.calls': datasetReads(lineage) } });
 * policies['norm.defs']; // 'inline-view'
 */
export function cachePoliciesFromShape(input: CacheShapeInput): Record<string, CachePolicy> {
  const t = checkThresholds(input.thresholds);
  const signals: Record<string, CacheSignals> = {};
  for (const [name, reads] of Object.entries(input.reads)) signals[name] = { reads, estimatedRows: null };
  const out: Record<string, CachePolicy> = {};
  for (const view of input.views) {
    const shape = { graph: input.graph, signals, ...(input.locality === undefined ? {} : { locality: input.locality }) };
    out[view.name] = withFallback(cacheDecision(view, shape, t), view.output ? 'persisted-output' : 'materialized-table', t.minConfidence).value;
  }
  return out;
}

/**
 * Compiles the one execution policy of a run from the views, their task
 * graph and plan signals — every entry a Decision with confidence,
 * rationale and evidence:
 *
 * - cache policy per view, from the graph's shape and never from names: a
 *   terminal output is persisted; a view read by more than `maxInlineFanOut`
 *   views is materialized; a view read once, at one place, stays inline
 *   unless it is global and its reader file-local (given `locality`);
 *   anything else is materialized, the conservative choice;
 * - scan policy per relation the plans read (see deriveScanPolicy), with
 *   the one size-tier definition vetoing subsets of small datasets;
 * - maintenance thresholds (defaults or configuration), write policy,
 *   diagnostics tier, and the macros the plans call.
 *
 * A decision less sure than `minConfidence` falls back to the conservative
 * choice and says why. Throws `execution-policy/InvalidInput` when views,
 * graph and signals disagree and `execution-policy/InvalidThresholds` for
 * thresholds out of bounds.
 *
 * @example
 * const policy = compileExecutionPolicy({ manifestFingerprint: manifest.fingerprint, views: manifest.views, graph, signals });
 * policy.cache['norm.defs'].value; // 'inline-view'
 */
export function compileExecutionPolicy(input: CompileExecutionPolicyInput): CompiledExecutionPolicy {
  const t = checkInput(input);
  const views = [...input.views].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const signals = views.flatMap((v) => {
    const s = input.signals[v.name];
    return s === undefined ? [] : [s];
  });

  const cache: Record<string, Draft<CachePolicy>> = {};
  for (const view of views) {
    cache[view.name] = withFallback(cacheDecision(view, input, t), view.output ? 'persisted-output' : 'materialized-table', t.minConfidence);
  }

  const datasets = [...new Set(signals.flatMap((s) => s.inputs))].sort();
  const scan: Record<string, ScanPolicyDecision> = {};
  for (const dataset of datasets) scan[dataset] = scanDecision(dataset, signals, t);

  const partitionable = signals.filter((s) => s.filePartitioning.partitionable).map((s) => s.view);
  const write: Draft<{ mode: 'rebuild' | 'incremental' }> = {
    value: { mode: 'rebuild' },
    confidence: 0.9,
    rationale:
      'a rebuild is always correct; writing incrementally needs the previous build and its file manifest, which a policy compiled from plans alone does not see',
    evidence: [
      {
        source: 'plan-signals',
        detail: `${partitionable.length} of ${views.length} views are file-partitionable${partitionable.length > 0 ? `: ${partitionable.join(', ')}` : ''}`,
      },
    ],
  };

  const diagnosticsTier: Draft<DiagnosticsTier> =
    input.tier === undefined
      ? {
          value: 'prod',
          confidence: 0.8,
          rationale: 'no tier was asked for: record what replay and maintenance need, nothing more',
          evidence: [{ source: 'defaults', detail: 'diagnostics tier prod' }],
        }
      : { value: input.tier, confidence: 1, rationale: 'the tier the run asked for', evidence: [{ source: 'configuration', detail: `diagnostics tier ${input.tier}` }] };

  const body = validate(CompiledExecutionPolicyBodySchema, {
    version: 1,
    manifestFingerprint: input.manifestFingerprint,
    cache,
    scan,
    maintenance: maintenanceDecisions(t),
    write,
    diagnosticsTier,
    requiredMacros: [...new Set(signals.flatMap((s) => s.requiredMacros))].sort(),
  });
  if (!body.ok) {
    // Every decision is built above; what can still be wrong is a name or fingerprint the caller passed in.
    throw ExecutionPolicyError.create('InvalidInput', `the compiled policy is invalid:\n${formatIssues(body.issues)}`, {
      details: { issues: body.issues },
      hint: 'pass the fingerprint of the manifest and views whose names and inputs are lower-case schema.table identifiers',
    });
  }
  return deepFreeze(CompiledExecutionPolicySchema.parse({ ...body.value, fingerprint: compiledExecutionPolicyFingerprint(body.value) }));
}
