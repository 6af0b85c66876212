import { fingerprint } from '@anatomy/contracts';
import type { Fingerprint } from '@anatomy/contracts';

/** The parts of a manifest that decide what its views compute. */
export interface ManifestContent {
  readonly views: readonly { readonly name: string; readonly kind: string; readonly sql: string; readonly output: boolean }[];
  readonly macros: readonly { readonly name: string; readonly sql: string }[];
}

/**
 * Canonical fingerprint of a manifest's semantic content: each view's name,
 * kind, SQL and output flag, and the macros, both sorted by name. Decisions
 * and the program's name are explanation, not semantics, and do not count.
 *
 * @example
 * manifestFingerprint({ views: [{ name: 'norm.defs', kind: 'normalize', sql: 'SELECT 1', output: false }], macros: [] });
 */
export function manifestFingerprint(content: ManifestContent): Fingerprint {
  const byName = <T extends { readonly name: string }>(items: readonly T[]): T[] =>
    [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return fingerprint({
    views: byName(content.views).map((v) => ({ name: v.name, kind: v.kind, sql: v.sql, output: v.output })),
    macros: byName(content.macros).map((m) => ({ name: m.name, sql: m.sql })),
  });
}
