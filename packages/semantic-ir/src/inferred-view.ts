import type { ColumnSpec, DatasetSchema } from '@anatomy/schema-authority';
import type { ColumnFill, CompilerDecision } from './compiler-decision.js';

/** What every inferred view shares: where it came from, what it reads, and why it looks as it does. */
interface InferredViewBase {
  /** Schema-qualified output name. */
  readonly name: string;
  /** Position of the declaration in the program, for messages. */
  readonly index: number;
  /** Names of the datasets and views it reads. */
  readonly inputs: readonly string[];
  /** Schema of the rows it produces. */
  readonly output: DatasetSchema;
  readonly decisions: readonly CompilerDecision[];
}

/** One output column of a view and how it is filled. */
export interface FilledColumn {
  readonly column: ColumnSpec;
  readonly fill: ColumnFill;
}

/** A normalize view after inference: the input's columns plus the inferred identity column. */
export interface InferredNormalize extends InferredViewBase {
  readonly kind: 'normalize';
  readonly input: DatasetSchema;
  /** The identity column, filled with a stable id; the input's columns follow it unchanged. */
  readonly identity: { readonly column: ColumnSpec; readonly fill: Extract<ColumnFill, { readonly by: 'stable-id' }> };
}

/** A join from a projection source to the file dataset, on the file-identity role. */
export interface FileJoin {
  readonly dataset: DatasetSchema;
  readonly sourceColumn: string;
  readonly fileColumn: string;
}

/** One source of a projection after inference. */
export interface ProjectionSource {
  readonly dataset: DatasetSchema;
  readonly fileJoin: FileJoin | undefined;
  /** Every column of the output contract, in contract order. */
  readonly columns: readonly FilledColumn[];
}

/** A project view after inference: a fill for every contract column of every source. */
export interface InferredProject extends InferredViewBase {
  readonly kind: 'project';
  readonly sources: readonly ProjectionSource[];
  /** The contract's identity column, which orders the rows. */
  readonly orderBy: string;
}

/** A view after the infer phase. */
export type InferredView = InferredNormalize | InferredProject;

/** A program after the infer phase (and, later, the optimize phase). */
export interface InferredProgram {
  readonly program: string;
  /** Views in dependency order. */
  readonly views: readonly InferredView[];
  /** Program-wide decisions, such as pruned views. */
  readonly decisions: readonly CompilerDecision[];
}
