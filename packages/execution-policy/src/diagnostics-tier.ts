import { z } from 'zod';

/**
 * How much a run records about itself: `prod` keeps what replay and
 * maintenance need, `dev` adds plans and timings per view, `debug` adds
 * operator-level profiles.
 */
export const DiagnosticsTierSchema = z.enum(['dev', 'prod', 'debug']);
export type DiagnosticsTier = z.infer<typeof DiagnosticsTierSchema>;
