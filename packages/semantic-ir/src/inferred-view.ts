import type { ColumnSpec, DatasetSchema } from '@anatomy/schema-authority';
import type { ColumnFill, CompilerDecision, JoinStrategy } from './compiler-decision.js';
import type { QualityFeature } from './relate.js';
import type { ConditionValue } from './role-condition.js';

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

/** A stable-id fill: the namespace and the columns whose values make the id. */
export type StableIdFill = Extract<ColumnFill, { readonly by: 'stable-id' }>;

/** One output column of a view and how it is filled. */
export interface FilledColumn {
  readonly column: ColumnSpec;
  readonly fill: ColumnFill;
}

/** A filter on one column, resolved from a role condition; `values` are sorted, so equal filters print equally. */
export interface ResolvedCondition {
  readonly column: string;
  readonly test: 'in' | 'not-in';
  readonly values: readonly ConditionValue[];
}

/**
 * How line/column positions become byte offsets: the line index (one row per
 * file and line, with the line's first byte) is joined once for the start
 * line and once for the end line; a byte column added to a line's first byte
 * gives the offset.
 */
export interface SpanConversion {
  readonly lineIndex: DatasetSchema;
  readonly indexFile: string;
  readonly indexLine: string;
  /** The line index column holding the first byte of the line. */
  readonly indexStart: string;
  readonly sourceFile: string;
  readonly start: { readonly line: string; readonly column: string };
  /** Absent when rows have no end position. */
  readonly end: { readonly line: string; readonly column: string } | undefined;
}

/** A column an entity view adds to its input's: a constant, a copy under a new role, or a converted byte offset. */
export interface AddedColumn {
  readonly column: ColumnSpec;
  readonly value:
    | { readonly by: 'literal'; readonly value: number }
    | { readonly by: 'column'; readonly column: string }
    | { readonly by: 'line-offset'; readonly line: 'start' | 'end'; readonly offset: string }
    | {
        readonly by: 'path-name';
        readonly column: string;
        readonly strip: readonly string[];
        readonly separator: string;
        /** Input columns whose values follow the path's name. */
        readonly append: readonly string[];
        /** The integer column counting levels up from the file's directory (see `Derive.nameFromPath`). */
        readonly anchor: string | undefined;
        /** The dataset describing files, joined for the path when the input has none. */
        readonly files: FileJoin | undefined;
      }
    | { readonly by: 'parent'; readonly column: string; readonly parent: ParentJoin };
}

/** A join from rows without a span to the rows holding them (see `Derive.locateIn`): `pointer` of the input equals `identity` of `dataset`. */
export interface ParentJoin {
  readonly dataset: DatasetSchema;
  readonly pointer: string;
  readonly identity: string;
}

/** How the rows of a derive `per: 'symbol'` are grouped: by the symbol column, merging the provenance column when there is one. */
export interface SymbolRows {
  readonly symbol: string;
  readonly provenance: string | undefined;
}

/**
 * A normalize or derive view after inference: the input's rows that meet the
 * conditions, located in bytes (converted or whole-file spans added), with a
 * new stable identity, or the input's own identity when a derive keeps it.
 */
export interface InferredEntityView extends InferredViewBase {
  readonly kind: 'normalize' | 'derive';
  readonly input: DatasetSchema;
  readonly conversion: SpanConversion | undefined;
  /** Columns appended after the input's, in output order. */
  readonly added: readonly AddedColumn[];
  /** The new identity column, first in the output; undefined when the input's identity is kept. */
  readonly identity: { readonly column: ColumnSpec; readonly fill: StableIdFill } | undefined;
  readonly conditions: readonly ResolvedCondition[];
  /** Set when the view keeps one row per symbol (`per: 'symbol'`): the rows are grouped by that symbol. */
  readonly perSymbol?: SymbolRows | undefined;
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
  /** A source column whose NULLs give no row (a property without a value), if any. */
  readonly nonNull?: string | undefined;
}

/** A project view after inference: a fill for every contract column of every source. */
export interface InferredProject extends InferredViewBase {
  readonly kind: 'project';
  /** Sorted by source name, so the order of declared rows does not change the SQL. */
  readonly sources: readonly ProjectionSource[];
  /** Set when edges of several relationships may be one edge: rows sharing the identity are fused (see `inferEdgeFusion`). */
  readonly fusion?: EdgeFusion | undefined;
}

/** How rows sharing an identity are fused into one: grouped by it, provenance merged, rules joined, confidences combined. */
export interface EdgeFusion {
  readonly identity: string;
  readonly provenance: string | undefined;
  readonly rule: string;
  readonly confidence: string;
}

/** The identity of a relationship side's rows: its own column, or a stable id computed from its roles. */
export type SideIdentity = { readonly by: 'column'; readonly column: string } | StableIdFill;

/** One side of a relationship, with the columns its roles give. */
export interface RelateSide {
  readonly dataset: DatasetSchema;
  readonly id: SideIdentity;
  readonly file: string | undefined;
  readonly start: string | undefined;
  readonly end: string | undefined;
  readonly name: string | undefined;
  /** Where the side's evidence comes from: its provenance column, or its producer. */
  readonly origin: { readonly by: 'column'; readonly column: string } | { readonly by: 'literal'; readonly value: string };
  /**
   * The namespaces its ids can be in (`def` for ids `def:…`), sorted; undefined when not known (a
   * registered dataset's own ids). Two sides whose namespaces are known and disjoint never share an id.
   */
  readonly namespaces?: readonly string[];
}

/** How the two sides are joined: equality on key pairs, plus a span predicate for the span strategies. */
export interface JoinPlan {
  readonly strategy: JoinStrategy;
  readonly keys: readonly { readonly left: string; readonly right: string }[];
  readonly span: 'contains' | 'overlap' | 'none';
  /** Each left row has one candidate at most: the key is an identity of the right rows. */
  readonly toOne: boolean;
  /**
   * Bridge datasets joined in order between the sides: each on pairs from the previous table (the left rows
   * first), then the right rows on pairs from the last bridge, besides the direct `keys`.
   */
  readonly through?: {
    readonly steps: readonly { readonly dataset: DatasetSchema; readonly pairs: readonly { readonly left: string; readonly right: string }[] }[];
    readonly right: readonly { readonly left: string; readonly right: string }[];
    /**
     * Each left row meets one row of each bridge at most (every bridge is a relationship keeping its best edge per
     * row of the side the previous table joins it by): the left rows then meet the bridges before the right rows.
     */
    readonly toOne?: true;
  };
}

/** A weighted quality feature of a relationship. */
export type FeatureTerm =
  | { readonly feature: QualityFeature; readonly weight: number }
  | { readonly feature: 'agrees'; readonly view: string; readonly weight: number; readonly columns: { readonly src: string; readonly dst: string } };

/** One relationship computed over a (possibly shared) join: one edge kind, its filters, score and ranking. */
export interface RelateMember {
  /** The relate view's name, which the `rule` column records. */
  readonly rule: string;
  readonly edge: string;
  readonly src: 'left' | 'right';
  readonly where: { readonly left: readonly ResolvedCondition[]; readonly right: readonly ResolvedCondition[] };
  /** The strategy's own weight of evidence, before features. */
  readonly prior: number;
  /** In canonical order: declared features by name, then agreements by view. */
  readonly features: readonly FeatureTerm[];
  readonly keep: 'best' | 'all';
  /** Relate views whose edges disqualify a left or right row (see `Relate.unless`). */
  readonly unless: { readonly left: string | undefined; readonly right: string | undefined };
}

/** A relationship computed by a join: one or, after fusion, several members sharing it. */
export interface RelateJoin {
  readonly form: 'join';
  /** The edges are closed over paths (see `Relate.transitive`); such a relationship is never fused with others. */
  readonly transitive?: true;
  readonly left: RelateSide;
  readonly right: RelateSide;
  readonly join: JoinPlan;
  /** Sorted by rule. */
  readonly members: readonly RelateMember[];
  /** Which side locates the evidence: its file, and its span. */
  readonly location: { readonly file: 'left' | 'right' | undefined; readonly span: 'left' | 'right' | undefined };
}

/** A relationship served by a fused view: the rows of one rule. */
export interface RelateSlice {
  readonly form: 'slice';
  readonly of: string;
  readonly rule: string;
}

/** A relate view after inference (and, after fusion, possibly a slice of a fused view). */
export interface InferredRelate extends InferredViewBase {
  readonly kind: 'relate';
  readonly plan: RelateJoin | RelateSlice;
}

/** One input of a union: each output column filled from one of its columns, its producer, or NULL. */
export interface UnionBranch {
  readonly dataset: DatasetSchema;
  /** In output column order. */
  readonly fills: readonly FilledColumn[];
}

/** A union view after inference: its inputs aligned by role, appended or merged by identity. */
export interface InferredUnion extends InferredViewBase {
  readonly kind: 'union';
  /** In declaration order, which is the order of precedence when merging. */
  readonly branches: readonly UnionBranch[];
  readonly mode: 'merge' | 'append';
  /** The identity column when merging. */
  readonly identity: string | undefined;
  /** The provenance column, merged across inputs. */
  readonly provenance: string;
}

/** A part of a diagnostic message: text, or the value of a column. */
export type MessagePart = { readonly text: string } | { readonly column: string };

/** How a column of a diagnostic is filled. */
export type DiagnosticValue =
  | { readonly by: 'column'; readonly column: string }
  | { readonly by: 'literal'; readonly value: string }
  | { readonly by: 'stable-id'; readonly namespace: string; readonly parts: readonly string[] }
  | { readonly by: 'message'; readonly parts: readonly MessagePart[] };

/** A diagnostic view after inference. */
export interface InferredDiagnostic extends InferredViewBase {
  readonly kind: 'diagnostic';
  readonly input: DatasetSchema;
  readonly conditions: readonly ResolvedCondition[];
  /** In output column order. */
  readonly columns: readonly { readonly column: ColumnSpec; readonly value: DiagnosticValue }[];
  /** Keep only rows whose identity has no edge in this relationship, looked up in its `column`. */
  readonly unmatched: { readonly view: string; readonly column: string; readonly identity: SideIdentity } | undefined;
}

/** A view after the infer phase. */
export type InferredView = InferredEntityView | InferredProject | InferredRelate | InferredUnion | InferredDiagnostic;

/** A program after the infer phase (and, later, the optimize phase). */
export interface InferredProgram {
  readonly program: string;
  /** Views in dependency order. */
  readonly views: readonly InferredView[];
  /** Program-wide decisions, such as pruned or fused views. */
  readonly decisions: readonly CompilerDecision[];
}
