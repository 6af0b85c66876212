import type { Row } from '@anatomy/store';
import type { BoundQuery } from './bound-query.js';
import type { CpgTable } from './open-cpg.js';

/** What a graph question needs of an open CPG: where it lives, which tables it holds, and bound queries. */
export interface CpgReader {
  readonly path: string;
  readonly tables: readonly CpgTable[];
  select(query: BoundQuery): Promise<Row[]>;
}
