import { z } from 'zod';

/**
 * A repository-relative POSIX path: `/`-separated, no empty, `.` or `..`
 * segment, never absolute. Every path Anatomy stores has this form, so a path
 * can be joined to the repository root without escaping it.
 *
 * @example
 * RelativePathSchema.parse('pkg/mod.py');
 */
export const RelativePathSchema = z
  .string()
  .min(1)
  .refine((p) => p.split('/').every((s) => s !== '' && s !== '.' && s !== '..'), {
    message: 'must be a relative POSIX path without empty, "." or ".." segments',
  })
  .refine((p) => !p.includes('\0'), { message: 'must not contain NUL' });

/**
 * Orders paths by their UTF-8 bytes, the order DuckDB's `ORDER BY` uses for
 * VARCHAR, so listings sorted here and in SQL agree. (JavaScript's default
 * string order compares UTF-16 code units and differs for characters above
 * U+FFFF.)
 *
 * @example
 * ['b.py', 'a/x.py'].sort(comparePaths); // ['a/x.py', 'b.py']
 */
export function comparePaths(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (0xD800–0xDFFF) encode code points above every BMP character,
    // so they sort after 0xE000–0xFFFF in code-point (= UTF-8 byte) order.
    return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  return unit >= 0xd800 && unit <= 0xdfff ? unit + 0x10000 : unit;
}
