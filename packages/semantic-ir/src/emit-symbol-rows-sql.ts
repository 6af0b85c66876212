import { stableIdSql } from '@anatomy/contracts';
import { quoteIdentifier } from '@anatomy/schema-authority';
import type { InferredEntityView, SymbolRows } from './inferred-view.js';
import { mergeOriginSql } from './semantic-macros.js';

const q = quoteIdentifier;

/**
 * Wraps the SELECT of a derive's rows into one row per symbol: rows without
 * a symbol are dropped, the rest grouped by it; the id is the stable id of
 * the symbol, the name the symbol itself, and the provenance lists every
 * source that named it (sorted, so the output does not depend on row order).
 *
 * @example
 * emitSymbolRowsSql(derivedScipSymbols, 'SELECT … FROM "evidence"."scip_occurrences" AS "s" WHERE …');
 * // WITH "rows" AS (SELECT …) SELECT anatomy_stable_id('symbol', …) AS "symbol_id", "symbol", "symbol" AS "name" FROM "rows" WHERE "symbol" IS NOT NULL GROUP BY "symbol"
 */
export function emitSymbolRowsSql(view: InferredEntityView, rows: SymbolRows, rowsSql: string): string {
  const identity = view.identity;
  const symbol = q(rows.symbol);
  const columns = [
    ...(identity === undefined ? [] : [`${stableIdSql(identity.fill.namespace, [symbol])} AS ${q(identity.column.name)}`]),
    symbol,
    `${symbol} AS ${q('name')}`,
    ...(rows.provenance === undefined ? [] : [`${mergeOriginSql(`list(${q(rows.provenance)})`)} AS ${q(rows.provenance)}`]),
  ];
  return `WITH ${q('rows')} AS (\n  ${rowsSql.replaceAll('\n', '\n  ')}\n)\nSELECT\n  ${columns.join(',\n  ')}\nFROM ${q('rows')}\nWHERE ${symbol} IS NOT NULL\nGROUP BY ${symbol}`;
}
