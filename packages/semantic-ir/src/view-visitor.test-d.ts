import type { ViewVisitor } from './view-visitor.js';

// A visitor must handle every kind: leaving one out does not compile.
// @ts-expect-error -- 'diagnostic' is missing
export const incomplete: ViewVisitor<number> = {
  normalize: () => 1,
  derive: () => 1,
  relate: () => 1,
  union: () => 1,
  project: () => 1,
};

// Each handler receives the declaration of its own kind.
export const typed: ViewVisitor<string> = {
  normalize: (v) => v.entity,
  derive: (v) => v.entity ?? v.from,
  relate: (v) => v.intent,
  union: (v) => v.from.join(','),
  project: (v) => v.rows.map((r) => r.kind ?? '').join(','),
  // @ts-expect-error -- a diagnostic view has no `entity`
  diagnostic: (v) => v.entity,
};
