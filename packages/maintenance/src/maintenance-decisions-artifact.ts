import { defineArtifact } from '@anatomy/artifact-registry';
import type { ArtifactSpec } from '@anatomy/artifact-registry';
import { z } from 'zod';
import { MaintenanceDecisionSchema } from './maintenance-decision.js';

// Readonly, so the frozen list decideMaintenance returns can be written as is.
const MaintenanceDecisionListSchema = z.array(MaintenanceDecisionSchema).readonly();

/** The maintenance decisions of a run, as persisted in its run bundle. */
export const maintenanceDecisionsArtifact: ArtifactSpec<typeof MaintenanceDecisionListSchema> = defineArtifact({
  name: 'maintenance-decisions',
  version: 1,
  payload: MaintenanceDecisionListSchema,
  description: 'Maintenance actions decided from the write outcomes of a run, each with its cause.',
});
