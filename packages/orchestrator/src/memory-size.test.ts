import { describe, expect, it } from 'vitest';
import { SIZE, sizeInMebibytes } from './memory-size.js';

describe('sizeInMebibytes', () => {
  it('counts KB, MB, … in thousands and KiB, MiB, … in 1024s, rounded down to at least 1 MiB', () => {
    expect([sizeInMebibytes('8GB'), sizeInMebibytes('1.5 GiB'), sizeInMebibytes('1024KiB'), sizeInMebibytes('100B'), sizeInMebibytes('2TB')]).toEqual([7629, 1536, 1, 1, 1907348]);
  });

  it('refuses what is not a size', () => {
    expect(() => sizeInMebibytes('lots')).toThrow(RangeError);
    expect(['2GB', '512MiB', ' 1.5 GiB ', '100B'].every((s) => SIZE.test(s))).toBe(true);
    expect(['2G', 'GB', '-1GB', '2 gigabytes'].some((s) => SIZE.test(s))).toBe(false);
  });
});
