import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Lines that are code: not blank, and not inside or opening a comment (`//`, `/*`, `*`). */
function codeLines(text: string): number {
  let inBlock = false;
  let count = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (inBlock) {
      if (line.includes('*/')) inBlock = false;
      continue;
    }
    if (line === '' || line.startsWith('//')) continue;
    if (line.startsWith('/*')) {
      inBlock = !line.includes('*/');
      continue;
    }
    count++;
  }
  return count;
}

// Issue #4: the whole Python CPG as declarations, in at most 150 lines of code. Growth goes into general constructs of
// @anatomy/semantic-ir, not into this package.
describe('the python-cpg package', () => {
  const dir = join(import.meta.dirname);
  const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.includes('.test.') && !f.includes('.test-support.'));

  it('counts only code lines', () => {
    expect(codeLines('/**\n * doc\n */\nconst a = 1; // why\n\n// note\nconst b = 2;\n/* one-line */\n')).toBe(2);
  });

  it('holds at most 150 lines of code', () => {
    const total = sources.reduce((n, f) => n + codeLines(readFileSync(join(dir, f), 'utf8')), 0);
    expect(sources).toContain('python-cpg-program.ts');
    expect(total).toBeLessThanOrEqual(150);
  });
});
