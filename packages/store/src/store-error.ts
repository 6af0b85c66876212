import { errorFamily } from '@anatomy/contracts';

/** Errors raised by the store. */
export const StoreError = errorFamily('store', 'StoreError', [
  'Locked',
  'OpenFailed',
  'QueryFailed',
  'IngestFailed',
  'Closed',
] as const);
