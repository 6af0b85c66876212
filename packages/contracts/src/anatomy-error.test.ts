import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AnatomyError, errorFamily } from './anatomy-error.js';
import { formatIssues, validate } from './validation-issue.js';

describe('errorFamily', () => {
  const SchedulerError = errorFamily('scheduler', 'SchedulerError', ['CycleDetected', 'UnknownTask'] as const);

  it('namespaces codes by package and keeps tag, hint, details and cause', () => {
    const cause = new Error('inner');
    const e = SchedulerError.create('CycleDetected', 'a -> b -> a', { hint: 'drop a view', details: { cycle: ['a', 'b'] }, cause });
    expect(e).toBeInstanceOf(AnatomyError);
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe('scheduler/CycleDetected');
    expect(e._tag).toBe('SchedulerError');
    expect(e.hint).toBe('drop a view');
    expect(e.details).toEqual({ cycle: ['a', 'b'] });
    expect(e.cause).toBe(cause);
    expect(SchedulerError.codes).toEqual(['scheduler/CycleDetected', 'scheduler/UnknownTask']);
  });

  it('recognises its own errors only', () => {
    const Other = errorFamily('store', 'StoreError', ['Locked'] as const);
    const e = SchedulerError.create('UnknownTask', 'x');
    expect(SchedulerError.is(e)).toBe(true);
    expect(SchedulerError.is(e, 'UnknownTask')).toBe(true);
    expect(SchedulerError.is(e, 'CycleDetected')).toBe(false);
    expect(Other.is(e)).toBe(false);
    expect(SchedulerError.is(new Error('x'))).toBe(false);
  });
});

describe('validate', () => {
  it('lists every problem as path: message', () => {
    const schema = z.object({ threads: z.number().int().positive(), store: z.object({ path: z.string() }) });
    const r = validate(schema, { threads: -1, store: { path: 3 } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.path)).toEqual(['threads', 'store.path']);
    expect(formatIssues(r.issues).split('\n')).toHaveLength(2);
  });
});
