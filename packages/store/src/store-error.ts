import { errorFamily } from '@anatomy/contracts';

/** Errors raised by the store. */
export const StoreError = errorFamily('store', 'StoreError', [
  'Locked',
  'OpenFailed',
  'InvalidOptions',
  'QueryFailed',
  'IngestFailed',
  'UnknownTable',
  'UnknownColumn',
  'ReadOnly',
  'Busy',
  'MaintenanceFailed',
  'Closed',
  'DigestUnderflow',
] as const);
