import { errorFamily } from '@anatomy/contracts';

/**
 * Errors raised by the read side. `NotFound` and `NotACpg` tell the user to
 * build first; `ContractViolation` means a store holds rows the CPG contract
 * forbids, which is a bug of the build that wrote it.
 */
export const CpgQueryError = errorFamily('cpg-query', 'CpgQueryError', [
  'NotFound',
  'NotACpg',
  'Locked',
  'OpenFailed',
  'QueryFailed',
  'InvalidFilter',
  'MissingTable',
  'ContractViolation',
  'Closed',
] as const);
