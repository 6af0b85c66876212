import { errorFamily } from '@anatomy/contracts';

/**
 * Errors raised by repo-scan. Per-file problems never throw during a scan
 * (they become diagnostics); these are the failures that stop a caller.
 */
export const RepoScanError = errorFamily('repo-scan', 'RepoScanError', [
  'InvalidOptions',
  'RootNotFound',
  'RootNotDirectory',
  'Unreadable',
  'ContentChanged',
  'PathOutsideRoot',
] as const);
