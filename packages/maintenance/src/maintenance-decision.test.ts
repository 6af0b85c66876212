import { validate } from '@anatomy/contracts';
import { describe, expect, it } from 'vitest';
import { MAINTENANCE_ACTION_TRIGGERS, MaintenanceActionSchema, MaintenanceDecisionSchema } from './maintenance-decision.js';

const good = {
  action: 'rewrite-table',
  target: { scope: 'table', table: 'evidence.py_defs' },
  cause: { metric: 'deletedFraction', measured: 0.4, threshold: 0.25 },
  confidence: 0.69,
  rationale: 'deleted rows are 40% of the stored rows',
  evidence: [{ source: 'write-outcome', detail: 'rowsDeleted=400, tableRowCount=600' }],
};

function issuePaths(input: unknown): string[] {
  const result = validate(MaintenanceDecisionSchema, input);
  return result.ok ? [] : result.issues.map((i) => i.path);
}

describe('MaintenanceDecisionSchema', () => {
  it('accepts a decision whose cause explains it', () => {
    expect(issuePaths(good)).toEqual([]);
    expect(
      issuePaths({ ...good, action: 'compact-database', target: { scope: 'database' }, cause: { metric: 'freeBlockRatio', measured: 0.5, threshold: 0.5 } }),
    ).toEqual([]);
  });

  it.each([
    ['an unknown action', { action: 'vacuum' }, ['action']],
    ['a cause with the wrong metric', { cause: { ...good.cause, metric: 'walBytes' } }, ['cause.metric']],
    ['a table action aimed at the database', { target: { scope: 'database' } }, ['target.scope']],
    ['a measurement below its threshold', { cause: { ...good.cause, measured: 0.1 } }, ['cause.measured']],
    ['a table target without a table', { target: { scope: 'table' } }, ['target.table']],
    ['a confidence above 1', { confidence: 1.2 }, ['confidence']],
    ['an empty rationale', { rationale: '' }, ['rationale']],
    ['no evidence', { evidence: [] }, ['evidence']],
    ['a zero threshold', { cause: { ...good.cause, threshold: 0 } }, ['cause.threshold']],
  ])('rejects %s', (_label, change, paths) => {
    expect(issuePaths({ ...good, ...change })).toEqual(paths);
  });

  it('knows what triggers every action', () => {
    expect(Object.keys(MAINTENANCE_ACTION_TRIGGERS).sort()).toEqual([...MaintenanceActionSchema.options].sort());
  });
});
