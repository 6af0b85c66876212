export { openStore, STORE_CATALOG } from './open-store.js';
export type { Store, StoreOptions, MaterializeRequest, Row, QueryParam, QueryParams } from './open-store.js';
export { StoreError } from './store-error.js';
export { WriteOutcomeSchema } from './write-outcome.js';
export type { WriteOutcome } from './write-outcome.js';
export { toPlainValue } from './duckdb-value.js';
export type { PlainValue } from './duckdb-value.js';
