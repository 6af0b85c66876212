/**
 * The version of the plan analysis rules: lineage, plan signals and
 * file-locality. Whatever caches an analysis keys it with this number, so a
 * release whose rules classify views differently never reuses an analysis
 * made by older rules. Raise it whenever a rule's result can change.
 *
 * @example
 * const key = fingerprint({ manifest: manifest.fingerprint, analysis: PLAN_ANALYSIS_VERSION });
 */
export const PLAN_ANALYSIS_VERSION = 9;
