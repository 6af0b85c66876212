import { STABLE_ID_MACRO, STABLE_ID_MACRO_SQL } from '@anatomy/contracts';
import type { ManifestMacro } from './semantic-program-manifest.js';

/** `anatomy_span_contains(outer_start, outer_end, inner_start, inner_end)`: the outer half-open span covers the inner one (an empty inner span at a border counts). */
export const SPAN_CONTAINS_MACRO = 'anatomy_span_contains';
/** `anatomy_span_overlaps(a_start, a_end, b_start, b_end)`: the two half-open spans share at least one byte. */
export const SPAN_OVERLAPS_MACRO = 'anatomy_span_overlaps';
/** `anatomy_confidence(score)`: score / (1 + score), rounded to 6 places so that equal evidence prints equally. */
export const CONFIDENCE_MACRO = 'anatomy_confidence';
/** `anatomy_merge_origin(origins)`: the distinct sources named in a list of '+'-joined origins, sorted and '+'-joined. */
export const MERGE_ORIGIN_MACRO = 'anatomy_merge_origin';

/**
 * The DuckDB macros compiled views call, sorted by name, each a `CREATE OR
 * REPLACE MACRO` statement to run before the views. Which view calls which
 * is not recorded anywhere: plan-signals reads it from each view's plan.
 * They mirror `spanContains` and `spanOverlaps` of `@anatomy/contracts`.
 *
 * @example
 * for (const m of SEMANTIC_MACROS) await store.run(m.sql);
 */
export const SEMANTIC_MACROS: readonly ManifestMacro[] = Object.freeze(
  [
    {
      name: CONFIDENCE_MACRO,
      sql: `CREATE OR REPLACE MACRO ${CONFIDENCE_MACRO}(score) AS round(CAST(score AS DOUBLE) / (1 + CAST(score AS DOUBLE)), 6)`,
    },
    {
      name: MERGE_ORIGIN_MACRO,
      sql:
        `CREATE OR REPLACE MACRO ${MERGE_ORIGIN_MACRO}(origins) AS ` +
        `array_to_string(list_sort(list_distinct(flatten(list_transform(list_filter(origins, o -> o IS NOT NULL), o -> string_split(o, '+'))))), '+')`,
    },
    {
      name: SPAN_CONTAINS_MACRO,
      sql: `CREATE OR REPLACE MACRO ${SPAN_CONTAINS_MACRO}(outer_start, outer_end, inner_start, inner_end) AS outer_start <= inner_start AND inner_end <= outer_end`,
    },
    {
      name: SPAN_OVERLAPS_MACRO,
      sql: `CREATE OR REPLACE MACRO ${SPAN_OVERLAPS_MACRO}(a_start, a_end, b_start, b_end) AS a_start < b_end AND b_start < a_end`,
    },
    { name: STABLE_ID_MACRO, sql: STABLE_ID_MACRO_SQL },
  ]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((m) => Object.freeze(m)),
);
