import { stableIdSql } from '@anatomy/contracts';
import { qualifiedName, quoteIdentifier } from '@anatomy/schema-authority';
import { castSql } from './cast-sql.js';
import { conditionSql } from './condition-sql.js';
import { emitSymbolRowsSql } from './emit-symbol-rows-sql.js';
import { sqlLiteral } from './sql-literal.js';
import type { AddedColumn, InferredEntityView, SpanConversion } from './inferred-view.js';

const S = quoteIdentifier('s');
const START_LINE = quoteIdentifier('ls');
const END_LINE = quoteIdentifier('le');
const LOCATED = quoteIdentifier('located');
const FILES = quoteIdentifier('f');
const PARENT = quoteIdentifier('p');

const col = (alias: string, name: string): string => `${alias}.${quoteIdentifier(name)}`;

function addedSql(view: InferredEntityView, added: AddedColumn): string {
  const { column, value } = added;
  switch (value.by) {
    case 'literal':
      return castSql(String(value.value), undefined, column.type);
    case 'column':
      return castSql(col(S, value.column), view.input.columns.find((c) => c.name === value.column)?.type, column.type);
    case 'path-name': {
      const path = col(value.files === undefined ? S : FILES, value.column);
      // RE2 alternation: the suffix that starts leftmost wins, so '/__init__.py' beats '.py' on 'pkg/__init__.py'.
      const suffixes = value.strip.map((s) => s.replace(/[\\.^$|?*+()[\]{}]/g, (c) => `\\${c}`)).join('|');
      const separator = sqlLiteral(value.separator);
      const appended = value.append.map((c) => col(S, c));
      const named = (prefix: string): string => (appended.length === 0 ? prefix : `concat_ws(${separator}, ${[prefix, ...appended].join(', ')})`);
      const own = `replace(regexp_replace(${path}, ${sqlLiteral(`(?:${suffixes})$`)}, ''), '/', ${separator})`;
      if (value.anchor === undefined) return named(own);
      // The directory `anchor - 1` levels above the file's: its first (segments - anchor) path segments.
      const anchor = col(S, value.anchor);
      const kept = `len(string_split(${path}, '/')) - ${anchor}`;
      const base = `array_to_string(string_split(${path}, '/')[1:${kept}], ${separator})`;
      const unanchored = appended.length === 0 ? 'NULL' : `nullif(concat_ws(${separator}, ${appended.join(', ')}), '')`;
      return `CASE WHEN ${anchor} = 0 THEN ${unanchored} WHEN ${kept} >= 1 THEN ${named(base)} END`;
    }
    case 'parent':
      return col(PARENT, value.column);
    case 'line-offset': {
      const line = value.line === 'start' ? START_LINE : END_LINE;
      return castSql(`${col(line, view.conversion?.indexStart ?? '')} + ${col(S, value.offset)}`, undefined, column.type);
    }
  }
}

function lineJoin(conversion: SpanConversion, alias: string, line: string): string {
  return (
    `LEFT JOIN ${qualifiedName(conversion.lineIndex)} AS ${alias} ` +
    `ON ${col(alias, conversion.indexFile)} = ${col(S, conversion.sourceFile)} AND ${col(alias, conversion.indexLine)} = ${col(S, line)}`
  );
}

/**
 * Emits the SELECT of a normalize or derive view: the stable-id expression
 * of a new identity, then every input column and the columns that locate
 * the rows in bytes, filtered by the resolved conditions. Line/column
 * positions are converted in a `located` CTE that joins the line index once
 * for the start line and once for the end line. A derive `per: 'symbol'`
 * groups those rows by symbol (see `emitSymbolRowsSql`).
 *
 * @example
 * emitEntitySql(normDefs);
 * // SELECT
 * //   anatomy_stable_id('def', CAST("s"."file_id" AS VARCHAR), …) AS "def_id",
 * //   "s"."file_id", …
 * // FROM "evidence"."ts_defs" AS "s"
 */
export function emitEntitySql(view: InferredEntityView): string {
  // Rows kept one per symbol are grouped after they are selected, located and filtered as any other derive's.
  if (view.perSymbol !== undefined) return emitSymbolRowsSql(view, view.perSymbol, rowsSql({ ...view, identity: undefined }));
  return rowsSql(view);
}

function rowsSql(view: InferredEntityView): string {
  const names = [...view.input.columns.map((c) => c.name), ...view.added.map((a) => a.column.name)];
  const selected = names.map((n) => col(S, n));
  if (view.identity !== undefined) {
    const { fill, column } = view.identity;
    selected.unshift(`${stableIdSql(fill.namespace, fill.parts.map((p) => col(S, p)))} AS ${quoteIdentifier(column.name)}`);
  }
  const where = view.conditions.length === 0 ? '' : `\nWHERE ${view.conditions.map((c) => conditionSql(col(S, c.column), c)).join('\n  AND ')}`;
  const select = `SELECT\n  ${selected.join(',\n  ')}`;
  if (view.added.length === 0) return `${select}\nFROM ${qualifiedName(view.input)} AS ${S}${where}`;
  const conversion = view.conversion;
  const joins =
    conversion === undefined
      ? []
      : [lineJoin(conversion, START_LINE, conversion.start.line), ...(conversion.end === undefined ? [] : [lineJoin(conversion, END_LINE, conversion.end.line)])];
  for (const { value } of view.added) {
    if (value.by !== 'path-name' || value.files === undefined) continue;
    const { dataset, sourceColumn, fileColumn } = value.files;
    joins.push(`LEFT JOIN ${qualifiedName(dataset)} AS ${FILES} ON ${col(FILES, fileColumn)} = ${col(S, sourceColumn)}`);
  }
  // Rows located in the row holding them: one join, however many columns they take from it.
  const parent = view.added.find((a) => a.value.by === 'parent')?.value;
  if (parent?.by === 'parent') {
    const { dataset, pointer, identity } = parent.parent;
    joins.push(`LEFT JOIN ${qualifiedName(dataset)} AS ${PARENT} ON ${col(PARENT, identity)} = ${col(S, pointer)}`);
  }
  const located = [`${S}.*`, ...view.added.map((a) => `${addedSql(view, a)} AS ${quoteIdentifier(a.column.name)}`)];
  const cte = `WITH ${LOCATED} AS (\n  SELECT\n    ${located.join(',\n    ')}\n  FROM ${qualifiedName(view.input)} AS ${S}${joins.map((j) => `\n  ${j}`).join('')}\n)`;
  return `${cte}\n${select}\nFROM ${LOCATED} AS ${S}${where}`;
}
