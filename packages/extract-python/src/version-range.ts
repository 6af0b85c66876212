/** `3.11.7` → [3, 11, 7]; missing parts count as 0. */
function parts(version: string): number[] {
  return version.split('.').map((p) => Number.parseInt(p, 10) || 0);
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

function satisfiesOne(version: readonly number[], condition: string): boolean {
  const match = /^(>=|>|<=|<|=|\^|~)?(\d+(?:\.\d+){0,2})$/.exec(condition);
  if (match === null) return false;
  const op = match[1] ?? '=';
  const target = parts(match[2] as string);
  const c = compare(version, target);
  switch (op) {
    case '>=':
      return c >= 0;
    case '>':
      return c > 0;
    case '<=':
      return c <= 0;
    case '<':
      return c < 0;
    case '^':
      return c >= 0 && version[0] === target[0];
    case '~':
      return c >= 0 && version[0] === target[0] && version[1] === target[1];
    default:
      return target.every((t, i) => version[i] === t);
  }
}

/**
 * Whether a dotted version meets a range of the extractor-descriptor grammar:
 * space-separated conditions that must all hold (`>=3.8 <3.14`), each with an
 * optional operator (`>=`, `>`, `<=`, `<`, `=`, `^` same major, `~` same minor).
 *
 * @example
 * satisfiesVersionRange('3.11.7', '>=3.8'); // true
 */
export function satisfiesVersionRange(version: string, range: string): boolean {
  const v = parts(version);
  return range
    .trim()
    .split(/\s+/)
    .every((condition) => satisfiesOne(v, condition));
}
