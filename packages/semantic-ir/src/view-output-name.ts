import type { ViewDecl } from './view-decl.js';
import { visitView } from './view-visitor.js';

/**
 * The schema-qualified name a view's output gets: intermediate kinds live in
 * a schema of their own (`norm`, `derived`, `rel`, `merged`, `diag`), so they
 * can never shadow evidence; a projection is named after its output contract.
 *
 * @example
 * viewOutputName(Normalize.create({ name: 'defs', from: 'evidence.ts_defs', entity: 'def' })); // 'norm.defs'
 */
export function viewOutputName(view: ViewDecl): string {
  return visitView(view, {
    normalize: (v) => `norm.${v.name}`,
    derive: (v) => `derived.${v.name}`,
    relate: (v) => `rel.${v.name}`,
    union: (v) => `merged.${v.name}`,
    diagnostic: (v) => `diag.${v.name}`,
    project: (v) => v.name,
  });
}

