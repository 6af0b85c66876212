import { describe, expect, it } from 'vitest';
import { CallPathSchema } from './call-path.js';
import { CallRelativeSchema } from './call-relative.js';
import { calls, defs } from './sample-cpg.fixture.js';
import { TraversalOptionsSchema } from './traversal-options.js';

describe('graph answer schemas', () => {
  it('accept a path with one call per hop and reject one without', () => {
    expect(CallPathSchema.safeParse({ nodes: [defs.main, defs.run], calls: [calls.mainRun] }).success).toBe(true);
    expect(CallPathSchema.safeParse({ nodes: [defs.main], calls: [] }).success).toBe(true);
    const result = CallPathSchema.safeParse({ nodes: [defs.main, defs.run], calls: [] });
    expect(result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual(['calls: a path has one call per hop']);
    expect(CallPathSchema.safeParse({ nodes: [], calls: [] }).success).toBe(false);
  });

  it('require a positive depth and at least one linking call', () => {
    expect(CallRelativeSchema.safeParse({ node: defs.run, depth: 1, calls: [calls.mainRun] }).success).toBe(true);
    expect(CallRelativeSchema.safeParse({ node: defs.run, depth: 0, calls: [calls.mainRun] }).success).toBe(false);
    expect(CallRelativeSchema.safeParse({ node: defs.run, depth: 1, calls: [] }).success).toBe(false);
    expect(CallRelativeSchema.safeParse({ node: { ...defs.run, bstart: 5 }, depth: 1, calls: [calls.mainRun] }).success).toBe(false);
  });

  it('default the traversal depth to 1 and bound it', () => {
    expect(TraversalOptionsSchema.parse({})).toEqual({ depth: 1 });
    expect(TraversalOptionsSchema.safeParse({ depth: 257 }).success).toBe(false);
    expect(TraversalOptionsSchema.safeParse({ depth: 2, limit: 3 }).success).toBe(false);
  });
});
