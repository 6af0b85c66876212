import { decodeArtifact, encodeArtifact } from '@anatomy/artifact-registry';
import { describe, expect, it } from 'vitest';
import { decideMaintenance } from './decide-maintenance.js';
import { maintenanceDecisionsArtifact } from './maintenance-decisions-artifact.js';

describe('maintenanceDecisionsArtifact', () => {
  it('round-trips the decisions of a run', () => {
    const decisions = decideMaintenance(
      [{ target: 'evidence.py_defs', rowsInserted: 0, rowsDeleted: 40, tableRowCount: 60, storedRowCount: 100, walBytes: 2e7, totalBlocks: 4, freeBlocks: 3 }],
      { walBytesCheckpoint: 16_777_216, deletedFractionRewrite: 0.25, freeBlockRatioCompact: 0.5, statsRefreshRowsChanged: 122_880 },
    );
    expect(decisions.map((d) => d.action)).toEqual(['rewrite-table', 'checkpoint', 'compact-database']);
    const bytes = encodeArtifact(maintenanceDecisionsArtifact, decisions);
    expect(decodeArtifact(maintenanceDecisionsArtifact, bytes)).toEqual(decisions);
  });
});
