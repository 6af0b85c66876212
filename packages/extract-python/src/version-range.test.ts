import { describe, expect, it } from 'vitest';
import { satisfiesVersionRange } from './version-range.js';

describe('satisfiesVersionRange', () => {
  it.each([
    ['3.11.7', '>=3.8', true],
    ['3.8.0', '>=3.8', true],
    ['3.7.16', '>=3.8', false],
    ['3.13.0', '>=3.8 <3.14', true],
    ['3.14.0', '>=3.8 <3.14', false],
    ['3.10.2', '~3.10', true],
    ['3.11.0', '~3.10', false],
    ['3.12.1', '^3.8', true],
    ['4.0.0', '^3.8', false],
    ['3.11.7', '3.11', true],
    ['3.11.7', '=3.12', false],
    ['3.11.7', '>3.11.7', false],
    ['3.11.7', '<=3.11.7', true],
    ['3.11.7', 'recent', false],
  ])('%s against %s is %s', (version, range, expected) => {
    expect(satisfiesVersionRange(version, range)).toBe(expected);
  });
});
