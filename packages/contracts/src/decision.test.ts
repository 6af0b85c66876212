import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decide, decisionSchema } from './decision.js';

const evidence = [{ source: 'task-graph', detail: 'out-degree 1' }];

describe('Decision', () => {
  it('creates frozen decisions', () => {
    const d = decide({ value: 'inline', confidence: 0.8, rationale: 'one cheap consumer', evidence });
    expect(Object.isFrozen(d)).toBe(true);
    expect(Object.isFrozen(d.evidence)).toBe(true);
  });

  it.each([
    ['confidence above 1', { value: 1, confidence: 1.2, rationale: 'r', evidence }],
    ['negative confidence', { value: 1, confidence: -0.1, rationale: 'r', evidence }],
    ['empty rationale', { value: 1, confidence: 0.5, rationale: '', evidence }],
    ['no evidence', { value: 1, confidence: 0.5, rationale: 'r', evidence: [] }],
  ])('rejects %s', (_label, decision) => {
    expect(() => decide(decision)).toThrow();
  });

  it('validates the value through decisionSchema', () => {
    const schema = decisionSchema(z.enum(['inline', 'materialized']));
    expect(schema.safeParse({ value: 'inline', confidence: 1, rationale: 'r', evidence }).success).toBe(true);
    expect(schema.safeParse({ value: 'table', confidence: 1, rationale: 'r', evidence }).success).toBe(false);
  });
});
