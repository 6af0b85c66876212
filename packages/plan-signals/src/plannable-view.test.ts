import { describe, expect, it } from 'vitest';
import { PlannableViewSchema, plannableView } from './plannable-view.js';
import { PlanSignalsError } from './plan-signals-error.js';

describe('PlannableViewSchema', () => {
  it('accepts a manifest view as it is, keeping only the name and the SQL', () => {
    const manifestView = { name: 'norm.defs', sql: 'SELECT 1', kind: 'normalize', decisions: [] };
    expect(plannableView(manifestView)).toEqual({ name: 'norm.defs', sql: 'SELECT 1' });
    expect(Object.isFrozen(plannableView(manifestView))).toBe(true);
  });

  it('rejects unqualified or upper-case names and empty SQL, with reasons', () => {
    for (const name of ['defs', 'Norm.Defs', 'a.b.c']) {
      const result = PlannableViewSchema.safeParse({ name, sql: 'SELECT 1' });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toContain('schema-qualified');
    }
    expect(PlannableViewSchema.safeParse({ name: 'a.b', sql: ' ' }).error?.issues[0]?.message).toContain('one SELECT');
    expect(() => plannableView(null)).toThrow(expect.objectContaining({ code: 'plan-signals/InvalidView' }));
    expect(PlanSignalsError.codes).toContain('plan-signals/ParseFailed');
  });
});
