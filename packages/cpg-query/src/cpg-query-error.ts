import { errorFamily } from '@anatomy/contracts';

/**
 * Errors raised by the read side. `NotFound` and `NotACpg` tell the user to
 * build first; `ContractViolation` means a store holds rows the CPG contract
 * forbids, which is a bug of the build that wrote it. `UnknownNode`,
 * `WrongNodeKind` and `UnknownModule` name a graph question's subject that
 * the CPG does not hold; `ExportFailed` is an export that could not write.
 */
export const CpgQueryError = errorFamily('cpg-query', 'CpgQueryError', [
  'NotFound',
  'NotACpg',
  'Locked',
  'OpenFailed',
  'QueryFailed',
  'InvalidFilter',
  'InvalidArgument',
  'MissingTable',
  'ContractViolation',
  'UnknownNode',
  'WrongNodeKind',
  'UnknownModule',
  'ExportFailed',
  'Closed',
] as const);
