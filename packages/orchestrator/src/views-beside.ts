import { sizeInMebibytes } from './memory-size.js';

/*
 * A full build writes its views through two DuckDB connections, two views at
 * a time where the task graph allows: most views are small (tens of thousands
 * of rows, a few tenths of a second) and one of them alone keeps the two
 * cores only partly busy. Over the standard library, the 59 stored views that
 * took at most a second each took 14.0–15.6 s one at a time and 8.2–9.4 s two
 * at a time (rebuilt from a built store, under the 400MB cap). A view that
 * reads many rows runs alone, so that two large views never share the cap.
 */

/**
 * How many bytes of memory a row a view reads is taken to need when deciding
 * whether it may be written beside another view: under a cap of `400MB`
 * (381 MiB), a view reading more than 1,560,576 rows runs alone. Over the
 * standard library, besides the output tables, that is `rel.load_binder`
 * (1,997,944 rows read), `merged.load_symbols` and `rel.load_outer`
 * (1,621,738 each) and `rel.load_binder_symbol` (1,604,483); the largest
 * that shares is `rel.load_def` (1,499,475). `rel.load_local` reads 1,209,453
 * and shares, though it is slow (2.9–3.4 s alone, about 6 s beside another):
 * rows read are a proxy for memory, not for time.
 */
export const BYTES_PER_ROW_READ = 256;

/** What a task of the plan says of its inputs. */
export interface PlannedInputs {
  readonly name: string;
  readonly inputs: readonly string[];
  readonly cachePolicy: string;
}

/**
 * The rows a view reads from stored relations: the rows of each input that
 * is stored (a table a view was written to, or an evidence table), and for an
 * input kept inline as a DuckDB view, the rows of what that view reads, and
 * so on down. An input of unknown size counts nothing.
 *
 * @example
 * rowsRead('rel.calls', tasks, new Map([['norm.calls', 327362], ['evidence.py_defs', 71870]])); // 399232
 */
export function rowsRead(view: string, tasks: readonly PlannedInputs[], stored: ReadonlyMap<string, number>): number {
  const byName = new Map(tasks.map((t) => [t.name, t]));
  const seen = new Set<string>();
  const count = (name: string): number => {
    if (seen.has(name)) return 0;
    seen.add(name);
    const task = byName.get(name);
    if (task !== undefined && task.cachePolicy === 'inline-view') return task.inputs.reduce((sum, input) => sum + count(input), 0);
    return stored.get(name) ?? 0;
  };
  return (byName.get(view)?.inputs ?? []).reduce((sum, input) => sum + count(input), 0);
}

/** Why a view is written alone, or null when it may be written beside another. */
export function writtenAlone(input: {
  /** An output table of the CPG. */
  readonly output: boolean;
  /** The view has a write shape of its own (staged, or range by range). */
  readonly shaped: boolean;
  readonly rowsRead: number;
  /** The build's DuckDB memory cap, null when uncapped. */
  readonly limit: string | null;
}): string | null {
  if (input.output) return 'an output table of the CPG: the largest writes of a build';
  if (input.shaped) return 'written in a shape of its own (staged, or range by range) because one statement would hold too much';
  if (input.limit === null) return null;
  const most = rowsBesideUnder(input.limit);
  return input.rowsRead > most ? `reads ${input.rowsRead} rows, more than the ${most} the ${input.limit} cap holds at ${BYTES_PER_ROW_READ} bytes a row` : null;
}

/** The most rows a view may read and still be written beside another under a memory cap. */
export function rowsBesideUnder(limit: string): number {
  return Math.floor((sizeInMebibytes(limit) * 2 ** 20) / BYTES_PER_ROW_READ);
}
