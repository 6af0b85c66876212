/** A size as the configuration and DuckDB's `memory_limit` take it: '2GB', '512MiB', '1.5 GiB'. */
export const SIZE = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]i?)?B\s*$/;

/**
 * A size such as '8GB' or '512MiB' in mebibytes (KB, MB, … count in
 * thousands, KiB, MiB, … in 1024s), rounded down, at least 1; the unit is
 * Node's for `--max-old-space-size`.
 *
 * @example
 * sizeInMebibytes('8GB'); // 7629
 */
export function sizeInMebibytes(size: string): number {
  const match = SIZE.exec(size);
  if (match === null) throw new RangeError(`sizeInMebibytes: '${size}' is not a size such as '2GB' or '512MiB'`);
  const unit = match[2] ?? '';
  const power = ['', 'K', 'M', 'G', 'T'].indexOf(unit.charAt(0));
  const bytes = Number(match[1]) * (unit.endsWith('i') ? 1024 : 1000) ** power;
  return Math.max(1, Math.floor(bytes / 2 ** 20));
}
