import type { ViewDecl, ViewKind, ViewOfKind } from './view-decl.js';

/**
 * One handler per view kind. Being a mapped type over `ViewKind`, a visitor
 * missing a kind does not compile, so adding a kind forces every phase to
 * handle it.
 */
export type ViewVisitor<R> = { readonly [K in ViewKind]: (view: ViewOfKind<K>) => R };

/**
 * Calls the handler for the view's kind.
 *
 * @example
 * const inputs = visitView(view, { normalize: (v) => [v.from], project: (v) => v.rows.map((r) => r.from), … });
 */
export function visitView<R>(view: ViewDecl, visitor: ViewVisitor<R>): R {
  const handler = visitor[view.kind] as (v: ViewDecl) => R;
  return handler(view);
}
