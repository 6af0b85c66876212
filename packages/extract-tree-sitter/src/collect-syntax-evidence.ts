import type { FileId } from '@anatomy/contracts';
import type { Node, Tree } from 'web-tree-sitter';
import type { WalkCursor } from './fast-cursor.js';
import { readImportAliases } from './import-aliases.js';
import { readParameters } from './parameter-list.js';
import type { PythonGrammar } from './python-grammar.js';
import { detachedSlice, pythonIdentifier } from './python-identifier.js';
import { pythonStringValue } from './python-string-value.js';
import type { RowBuffer } from './row-buffer.js';
import type { SourcePositions } from './source-positions.js';
import { SyntaxKind as K } from './syntax-kind.js';
import { MAX_TEXT_LENGTH } from './tree-sitter-datasets.js';
import type { TsAttributeRow, TsCallRow, TsDecoratorRow, TsDocstringRow, TsImportRow, TsParamRow, TsRefRow } from './tree-sitter-datasets.js';

/** Where the rows of each demanded dataset go; null for a dataset nobody asked for. */
export interface SyntaxSinks {
  readonly params: RowBuffer<TsParamRow> | null;
  readonly refs: RowBuffer<TsRefRow> | null;
  readonly attributes: RowBuffer<TsAttributeRow> | null;
  readonly imports: RowBuffer<TsImportRow> | null;
  readonly calls: RowBuffer<TsCallRow> | null;
  readonly decorators: RowBuffer<TsDecoratorRow> | null;
  readonly docstrings: RowBuffer<TsDocstringRow> | null;
}

/** The parsed text and the way from its positions to the file's bytes. */
export interface SyntaxWalkInput {
  readonly fileId: FileId;
  readonly text: string;
  readonly positions: SourcePositions;
}

type Ctx = 'load' | 'store' | 'del';

/** A decorator seen before the definition it decorates, in UTF-16 positions. */
interface PendingDecorator {
  readonly start: number;
  readonly end: number;
  readonly dotted: string | null;
  readonly isCall: boolean;
}

/** No docstring is looked for below this frame. */
const NO_DOC = -2;
/** The frame is the module: its docstring has no owning definition. */
const MODULE_DOC = -1;

/**
 * What the walk knows about one node on the path from the root. Frames are
 * reused per depth, so every field is reset on entry. Positions are UTF-16
 * indices into the text unless named `…Byte`.
 */
class Frame {
  kind = 0;
  field = 0;
  isNamed = false;
  start = 0;
  end = 0;
  /** How the node is used when it is an identifier or attribute: its ctx and, for a store, the binding construct. */
  ctx: Ctx = 'load';
  binder: string | null = null;
  /** The binder this node's assignment targets get (assignment frames). */
  targetBinder: string | null = null;
  /** Named children entered so far, comments excluded. */
  named = 0;
  /** The node as a dotted name (identifier, attribute chain, parenthesised chain), set on exit. */
  dotted: string | null = null;
  /** The node's span without enclosing parentheses, set on exit. */
  innerStart = 0;
  innerEnd = 0;
  /** Where CPython starts the expression (differs from `start` only where tree-sitter misparses), set on exit. */
  lead = 0;
  /** The lead of the first operand (callee, object, subscripted value) when it starts with this node, else -1. */
  childLead = -1;
  /** Callee (call), object (attribute), expression (decorator, parenthesised expression) reported by a child. */
  partStart = -1;
  partEnd = -1;
  partDotted: string | null = null;
  partIsCall = false;
  /** Attribute name (attribute) or identifier name. */
  name: string | null = null;
  nameStart = 0;
  nameEnd = 0;
  positional = 0;
  keyword = 0;
  /** Byte offset of the definition's keyword once its name was seen (definition frames), else -1. */
  defByte = -1;
  /** Byte offset of the definition whose docstring the first statement below may be, or NO_DOC / MODULE_DOC. */
  docOwner = NO_DOC;
  /** Decorators waiting for their definition's name (decorated_definition frames). */
  decorators: PendingDecorator[] | null = null;
  /** For a dotted_name in a case pattern: a lone name there captures instead of loading. */
  captures = false;
  /** A type_alias_statement that is really an assignment to `type(…).attr` (see TypeCall). */
  typeCall = false;
}

/**
 * tree-sitter-python reads `type(x).attr = value` as a PEP 695 type alias
 * whose name is `(x).attr`; CPython reads an assignment whose target calls
 * `type`. The walk repairs it: `type` is a loaded name, the parenthesised
 * part is the call's arguments, and expressions built on it start at `type`.
 */
interface TypeCall {
  readonly keywordStart: number;
  readonly keywordEnd: number;
  /** Start of the node holding the call's arguments (a parenthesised expression or tuple). */
  readonly argumentsStart: number;
}

/** Nodes a store or del context passes through to the names inside, as CPython's target rules do. */
const TARGET_CONTAINERS: ReadonlySet<number> = new Set([
  K.tuple,
  K.list,
  K.pattern_list,
  K.tuple_pattern,
  K.list_pattern,
  K.parenthesized_expression,
  K.list_splat_pattern,
  K.list_splat,
  K.expression_list,
  K.as_pattern_target,
  K.parenthesized_list_splat,
  K.type,
  K.generic_type,
]);

/** 1 for the kinds whose children's field names the walk looks at. */
const FIELD_PARENTS: Uint8Array = kindTable([
    K.function_definition,
    K.class_definition,
    K.decorated_definition,
    K.assignment,
    K.augmented_assignment,
    K.for_statement,
    K.for_in_clause,
    K.named_expression,
    K.as_pattern,
    K.except_clause,
    K.type_alias_statement,
    K.type,
    K.call,
    K.attribute,
    K.subscript,
    K.keyword_argument,
]);

function kindTable(kinds: readonly number[]): Uint8Array {
  const table = new Uint8Array(256);
  for (const kind of kinds) table[kind] = 1;
  return table;
}

/** Kinds whose own end the walk uses (row spans, capture checks). */
const END_KINDS: Uint8Array = kindTable([
  K.identifier,
  K.attribute,
  K.call,
  K.parenthesized_expression,
  K.tuple,
  K.dotted_name,
  K.import_statement,
  K.import_from_statement,
  K.future_import_statement,
]);

/** Kinds whose children report their end to them (callee, object, decorator expression …). */
const END_PARENTS: Uint8Array = kindTable([K.call, K.attribute, K.parenthesized_expression, K.decorator, K.list_splat, K.print_statement]);

/** The tree-sitter node types that produce each dataset's rows (to skip subtrees that hold none). */
function targetTypes(sinks: SyntaxSinks): string[] {
  const out: string[] = [];
  if (sinks.params !== null) out.push('parameters', 'lambda_parameters');
  if (sinks.refs !== null) out.push('identifier');
  if (sinks.attributes !== null) out.push('attribute');
  if (sinks.imports !== null) out.push('import_statement', 'import_from_statement', 'future_import_statement');
  if (sinks.calls !== null) out.push('call');
  if (sinks.decorators !== null) out.push('decorator');
  if (sinks.docstrings !== null) out.push('function_definition', 'class_definition');
  return out;
}

/** A text, or null when it is too long to be worth a copy (see MAX_TEXT_LENGTH). */
function boundedText(text: string, start: number, end: number): string | null {
  return end - start > MAX_TEXT_LENGTH ? null : detachedSlice(text, start, end);
}

/**
 * Walks a syntax tree once with a cursor (grammar.walk) and collects the demanded
 * evidence: parameters, identifier references with their load/store/del
 * context, attribute accesses, imports, calls, decorators and docstrings.
 * The context of a name follows CPython's rules for assignment targets
 * (stores pass through tuples, lists, parentheses and starred targets, but
 * not into attribute objects or subscripts). Subtrees that cannot hold any
 * demanded row are skipped when the tree has no syntax errors.
 *
 * Names that are not references — definition names, parameters, imported
 * names, keyword-argument names, attribute names, `global`/`nonlocal` names,
 * class-pattern keywords and type parameters — are left out.
 *
 * @example
 * collectSyntaxEvidence(tree, grammar, { fileId, text, positions }, { refs: new RowBuffer(tsRefsDataset), … });
 */
export function collectSyntaxEvidence(tree: Tree, grammar: PythonGrammar, input: SyntaxWalkInput, sinks: SyntaxSinks): void {
  const walk = new SyntaxWalk(grammar, input, sinks, tree.rootNode.hasError ? null : grammar.containersFor(targetTypes(sinks)));
  const cursor = grammar.walk(tree);
  try {
    walk.run(cursor);
  } finally {
    cursor.delete();
  }
}

class SyntaxWalk {
  readonly #grammar: PythonGrammar;
  readonly #kinds: Uint8Array;
  readonly #named: Uint8Array;
  readonly #text: string;
  readonly #fileId: FileId;
  readonly #at: SourcePositions;
  readonly #sinks: SyntaxSinks;
  readonly #containers: ReadonlySet<number> | null;
  readonly #frames: Frame[] = [];
  /** Byte offsets of the named definitions enclosing the current node, innermost last. */
  readonly #defs: number[] = [];
  /** Start indices of identifiers that are declarations (parameters, type parameters), not references. */
  readonly #declared = new Set<number>();
  /** Depth of the decorator being read whole, or -1. */
  #decoratorDepth = -1;
  #typeCall: TypeCall | null = null;
  readonly #needDeclarations: boolean;

  constructor(grammar: PythonGrammar, input: SyntaxWalkInput, sinks: SyntaxSinks, containers: ReadonlySet<number> | null) {
    this.#grammar = grammar;
    this.#kinds = grammar.kinds;
    this.#named = grammar.named;
    this.#text = input.text;
    this.#fileId = input.fileId;
    this.#at = input.positions;
    this.#sinks = sinks;
    this.#containers = containers;
    this.#needDeclarations = sinks.refs !== null;
  }

  run(cursor: WalkCursor): void {
    let depth = 0;
    for (;;) {
      const descend = this.#enter(cursor, depth);
      if (descend && cursor.gotoFirstChild()) {
        depth++;
        continue;
      }
      this.#exit(depth);
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return;
        depth--;
        this.#exit(depth);
      }
    }
  }

  #frame(depth: number): Frame {
    let f = this.#frames[depth];
    if (f === undefined) {
      f = new Frame();
      this.#frames[depth] = f;
    }
    return f;
  }

  #enclosingDef(): number | null {
    const defs = this.#defs;
    return defs.length === 0 ? null : (defs[defs.length - 1] as number);
  }

  /** Fills the frame of the node under the cursor; returns whether to walk into its children. */
  #enter(cursor: WalkCursor, depth: number): boolean {
    const typeId = cursor.nodeTypeId;
    const kind = this.#kinds[typeId] as number;
    const f = this.#frame(depth);
    const parent = depth > 0 ? (this.#frames[depth - 1] as Frame) : undefined;
    f.kind = kind;
    // Every cursor read crosses into WebAssembly: the field is read only under parents whose fields matter.
    f.field = parent !== undefined && FIELD_PARENTS[parent.kind] === 1 ? cursor.currentFieldId : 0;
    f.start = cursor.startIndex;
    f.end = END_KINDS[kind] === 1 || (parent !== undefined && END_PARENTS[parent.kind] === 1) ? cursor.endIndex : -1;
    f.isNamed = this.#named[typeId] === 1;
    f.named = 0;
    f.dotted = null;
    f.partStart = -1;
    f.partEnd = -1;
    f.partDotted = null;
    f.partIsCall = false;
    f.name = null;
    f.positional = 0;
    f.keyword = 0;
    f.defByte = -1;
    f.docOwner = NO_DOC;
    f.decorators = null;
    f.captures = false;
    f.typeCall = false;
    f.childLead = -1;
    f.targetBinder = null;

    if (parent === undefined) {
      f.ctx = 'load';
      f.binder = null;
      if (kind === K.module) f.docOwner = MODULE_DOC;
      return true;
    }
    this.#setContext(f, parent, depth);

    const extra = kind === K.comment || kind === K.line_continuation;
    if (!extra && f.isNamed) {
      if (parent.docOwner !== NO_DOC) {
        if (kind === K.expression_statement && this.#sinks.docstrings !== null) this.#docstring(cursor.currentNode, parent.docOwner);
        parent.docOwner = NO_DOC;
      }
      if (parent.kind === K.argument_list) {
        if (kind === K.keyword_argument || kind === K.dictionary_splat) parent.keyword++;
        else parent.positional++;
      }
      parent.named++;
    } else if (parent.kind === K.print_statement && f.start === parent.start && this.#text.startsWith('print', f.start) && f.end - f.start === 5) {
      // Python 3 has no print statement: `print >> f, x` and a bare `print` load the name.
      this.#ref('print', 'load', null, f.start, f.end);
    }

    switch (kind) {
      case K.identifier:
        this.#identifier(cursor, f, parent, depth);
        return false;
      case K.function_definition:
      case K.class_definition:
        return true;
      case K.block:
        if (f.field === this.#grammar.fields.body && (parent.kind === K.function_definition || parent.kind === K.class_definition) && parent.defByte >= 0) {
          f.docOwner = parent.defByte;
        }
        break;
      case K.decorated_definition:
        f.decorators = [];
        break;
      case K.decorator:
        if (this.#sinks.decorators !== null) {
          this.#decoratorDepth = depth;
          return true;
        }
        break;
      case K.assignment:
        if (this.#sinks.refs !== null) {
          const annotated = cursor.currentNode.childForFieldId(this.#grammar.fields.type) !== null;
          f.targetBinder = annotated ? 'annotated_assignment' : 'assignment';
        }
        break;
      case K.parameters:
      case K.lambda_parameters:
        this.#parameters(cursor, f, parent);
        break;
      case K.type_parameter:
        if (this.#needDeclarations && this.#declaresTypeParameters(f, parent, depth)) this.#typeParameters(cursor.currentNode);
        break;
      case K.import_statement:
      case K.import_from_statement:
      case K.future_import_statement:
        if (this.#sinks.imports !== null) this.#imports(cursor.currentNode, f);
        return false;
      case K.global_statement:
      case K.nonlocal_statement:
        return false;
      case K.dotted_name:
        f.captures = parent.kind === K.case_pattern || parent.kind === K.union_pattern || parent.kind === K.keyword_pattern;
        break;
      case K.type_alias_statement:
        this.#typeAlias(cursor.currentNode, f);
        break;
    }
    if (this.#decoratorDepth >= 0 && depth > this.#decoratorDepth) return true;
    return this.#containers === null || this.#containers.has(typeId);
  }

  /** The load/store/del context and binder CPython gives a node in this position. */
  #setContext(f: Frame, parent: Frame, depth: number): void {
    const fields = this.#grammar.fields;
    let ctx: Ctx = 'load';
    let binder: string | null = null;
    switch (parent.kind) {
      case K.assignment:
        if (f.field === fields.left) [ctx, binder] = ['store', parent.targetBinder];
        break;
      case K.augmented_assignment:
        if (f.field === fields.left) [ctx, binder] = ['store', 'augmented_assignment'];
        break;
      case K.for_statement:
        if (f.field === fields.left) [ctx, binder] = ['store', 'for'];
        break;
      case K.for_in_clause:
        if (f.field === fields.left) [ctx, binder] = ['store', 'comprehension'];
        break;
      case K.named_expression:
        // `f'{x:=10}'` formats x with the spec '=10': tree-sitter reads a walrus, CPython a load.
        if (f.field === fields.name) [ctx, binder] = this.#frames[depth - 2]?.kind === K.interpolation ? ['load', null] : ['store', 'walrus'];
        break;
      case K.delete_statement:
        ctx = 'del';
        break;
      case K.as_pattern:
        if (f.field === fields.alias) [ctx, binder] = ['store', this.#frames[depth - 2]?.kind === K.except_clause ? 'except' : 'with'];
        break;
      case K.except_clause:
        if (f.field === fields.alias) [ctx, binder] = ['store', 'except'];
        break;
      case K.type_alias_statement:
        if (f.field === fields.left) [ctx, binder] = ['store', parent.typeCall ? 'assignment' : 'type_alias'];
        break;
      default:
        if (parent.ctx !== 'load' && TARGET_CONTAINERS.has(parent.kind)) [ctx, binder] = [parent.ctx, parent.binder];
    }
    f.ctx = ctx;
    f.binder = binder;
  }

  #identifier(cursor: WalkCursor, f: Frame, parent: Frame, depth: number): void {
    const { start, end } = f;
    // A MISSING identifier (error recovery) is empty: it names nothing.
    if (end <= start) return;
    const name = pythonIdentifier(this.#text, start, end);
    f.dotted = name;
    const fields = this.#grammar.fields;
    switch (parent.kind) {
      case K.function_definition:
      case K.class_definition:
        if (f.field === fields.name) {
          this.#defined(parent, depth);
          return;
        }
        break;
      case K.attribute:
        if (f.field === fields.attribute) {
          parent.name = name;
          parent.nameStart = start;
          parent.nameEnd = end;
          return;
        }
        break;
      case K.keyword_argument:
        if (f.field === fields.name) return;
        break;
      case K.keyword_pattern:
        // The first name is the class attribute matched, not a variable.
        if (parent.named === 1) return;
        break;
      case K.dotted_name:
        // Later names of `a.b.c` in a pattern are attribute names; a lone name in a capture position binds.
        if (parent.named > 1) return;
        if (parent.captures && start === parent.start && end === parent.end) {
          this.#ref(name, 'store', 'match', start, end);
          return;
        }
        this.#ref(name, 'load', null, start, end);
        return;
      case K.splat_pattern:
        this.#ref(name, 'store', 'match', start, end);
        return;
      case K.as_pattern:
        if (parent.named > 1) {
          this.#ref(name, 'store', 'match', start, end);
          return;
        }
        break;
    }
    if (this.#declared.has(start)) return;
    this.#ref(name, f.ctx, f.ctx === 'store' ? f.binder : null, start, end);
  }

  #ref(name: string, ctx: Ctx, binder: string | null, start: number, end: number): void {
    const refs = this.#sinks.refs;
    if (refs === null) return;
    const at = this.#at;
    const bstart = at.byte(start);
    refs.append({
      file_id: this.#fileId,
      name,
      ctx,
      binder,
      bstart,
      bend: at.byte(end),
      line: at.line(bstart),
      col: at.col(bstart),
      def_bstart: this.#enclosingDef(),
    });
  }

  /** A definition's name was reached: it encloses what follows, and its decorators can be written. */
  #defined(def: Frame, depth: number): void {
    const bstart = this.#at.byte(def.start);
    def.defByte = bstart;
    this.#defs.push(bstart);
    const holder = this.#frames[depth - 2];
    const sink = this.#sinks.decorators;
    if (sink === null || holder === undefined || holder.kind !== K.decorated_definition || holder.decorators === null) return;
    const at = this.#at;
    holder.decorators.forEach((d, position) => {
      const b = at.byte(d.start);
      sink.append({
        file_id: this.#fileId,
        def_bstart: bstart,
        position,
        bstart: b,
        bend: at.byte(d.end),
        line: at.line(b),
        col: at.col(b),
        text: boundedText(this.#text, d.start, d.end),
        dotted: d.dotted,
        is_call: d.isCall,
      });
    });
  }

  /** Computes what the parent needs from the node being left, and writes rows completed by leaving it. */
  #exit(depth: number): void {
    const f = this.#frames[depth] as Frame;
    const parent = depth > 0 ? this.#frames[depth - 1] : undefined;
    f.innerStart = f.start;
    f.innerEnd = f.end;
    f.lead = f.start;
    switch (f.kind) {
      case K.attribute:
        if (f.childLead >= 0) f.lead = f.innerStart = f.childLead;
        if (f.name !== null && f.partStart >= 0) {
          f.dotted = f.partDotted === null ? null : `${f.partDotted}.${f.name}`;
          this.#attribute(f);
        }
        break;
      case K.parenthesized_expression:
      case K.tuple:
        if (this.#typeCall !== null && f.start === this.#typeCall.argumentsStart) {
          this.#typeCallRow(f, this.#typeCall);
          f.lead = f.innerStart = this.#typeCall.keywordStart;
        } else if (f.kind === K.parenthesized_expression && f.partStart >= 0 && f.named === 1) {
          f.innerStart = f.partStart;
          f.innerEnd = f.partEnd;
          f.dotted = f.partDotted;
        }
        break;
      case K.call:
        if (f.childLead >= 0) f.lead = f.innerStart = f.childLead;
        if (f.partStart >= 0) this.#call(f);
        break;
      case K.subscript:
        if (f.childLead >= 0) f.lead = f.innerStart = f.childLead;
        break;
      case K.list_splat:
        // tree-sitter reads `[*a.b()]` as a call of `*a.b`: the star belongs to the whole call.
        if (f.partStart >= 0 && parent !== undefined && this.#isOperand(f, parent)) {
          [f.innerStart, f.innerEnd, f.dotted] = [f.partStart, f.partEnd, f.partDotted];
          f.lead = f.childLead >= 0 ? f.childLead : f.partStart;
        }
        break;
      case K.type_alias_statement:
        if (f.typeCall) this.#typeCall = null;
        break;
      case K.function_definition:
      case K.class_definition:
        if (f.defByte >= 0) this.#defs.pop();
        break;
      case K.decorator:
        if (this.#decoratorDepth === depth) this.#decoratorDepth = -1;
        if (f.partStart >= 0 && parent?.decorators) {
          parent.decorators.push({ start: f.partStart, end: f.partEnd, dotted: f.partDotted, isCall: f.partIsCall });
        }
        break;
    }
    if (parent === undefined || !f.isNamed || f.kind === K.comment || f.kind === K.line_continuation) return;
    const fields = this.#grammar.fields;
    switch (parent.kind) {
      case K.call:
        if (f.field === fields.function) this.#operand(parent, f);
        else if (f.field === fields.arguments) {
          if (f.kind === K.argument_list) [parent.positional, parent.keyword] = [f.positional, f.keyword];
          else parent.positional = 1;
        }
        break;
      case K.attribute:
        if (f.field === fields.object) this.#operand(parent, f);
        break;
      case K.subscript:
        if (f.field === fields.value) this.#operand(parent, f);
        break;
      case K.list_splat:
        this.#report(parent, f);
        parent.childLead = f.lead;
        break;
      case K.parenthesized_expression:
        this.#report(parent, f);
        break;
      case K.decorator:
        this.#report(parent, f);
        // A decorator that calls is known by what it calls.
        if (f.kind === K.call) [parent.partDotted, parent.partIsCall] = [f.partDotted, true];
        break;
    }
  }

  /** The callee, object or subscripted value: reported, and its lead taken when the parent starts with it. */
  #operand(parent: Frame, child: Frame): void {
    this.#report(parent, child);
    if (child.start === parent.start) parent.childLead = child.lead;
  }

  /** Whether a node is the callee, object or subscripted value of its parent. */
  #isOperand(f: Frame, parent: Frame): boolean {
    const fields = this.#grammar.fields;
    return (
      (parent.kind === K.call && f.field === fields.function) ||
      (parent.kind === K.attribute && f.field === fields.object) ||
      (parent.kind === K.subscript && f.field === fields.value)
    );
  }

  #report(parent: Frame, child: Frame): void {
    parent.partStart = child.innerStart;
    parent.partEnd = child.innerEnd;
    parent.partDotted = child.dotted;
    parent.partIsCall = false;
  }

  #attribute(f: Frame): void {
    const sink = this.#sinks.attributes;
    if (sink === null) return;
    const at = this.#at;
    const bstart = at.byte(f.lead);
    sink.append({
      file_id: this.#fileId,
      attr: f.name as string,
      ctx: f.ctx,
      bstart,
      bend: at.byte(f.end),
      line: at.line(bstart),
      col: at.col(bstart),
      attr_bstart: at.byte(f.nameStart),
      attr_bend: at.byte(f.nameEnd),
      object_bstart: at.byte(f.partStart),
      object_bend: at.byte(f.partEnd),
      object_text: boundedText(this.#text, f.partStart, f.partEnd),
      dotted: f.dotted,
      def_bstart: this.#enclosingDef(),
    });
  }

  #call(f: Frame): void {
    const sink = this.#sinks.calls;
    if (sink === null) return;
    const at = this.#at;
    const bstart = at.byte(f.lead);
    sink.append({
      file_id: this.#fileId,
      bstart,
      bend: at.byte(f.end),
      line: at.line(bstart),
      col: at.col(bstart),
      callee_bstart: at.byte(f.partStart),
      callee_bend: at.byte(f.partEnd),
      callee_text: boundedText(this.#text, f.partStart, f.partEnd),
      callee_dotted: f.partDotted,
      arg_count: f.positional + f.keyword,
      positional_count: f.positional,
      keyword_count: f.keyword,
      def_bstart: this.#enclosingDef(),
    });
  }

  /** Recognises the `type(x).attr = value` misparse (see TypeCall) and loads the name `type`. */
  #typeAlias(statement: Node, f: Frame): void {
    const kinds = this.#kinds;
    const keyword = statement.child(0);
    let head = statement.childForFieldId(this.#grammar.fields.left)?.namedChildren[0];
    if (keyword === null || head === undefined || kinds[head.typeId] === K.identifier || kinds[head.typeId] === K.generic_type) return;
    while (head !== undefined && (kinds[head.typeId] === K.attribute || kinds[head.typeId] === K.subscript || kinds[head.typeId] === K.call)) head = head.namedChildren[0];
    if (head === undefined || (kinds[head.typeId] !== K.parenthesized_expression && kinds[head.typeId] !== K.tuple)) return;
    f.typeCall = true;
    this.#typeCall = { keywordStart: keyword.startIndex, keywordEnd: keyword.endIndex, argumentsStart: head.startIndex };
    this.#ref('type', 'load', null, keyword.startIndex, keyword.endIndex);
  }

  /** The call `type(…)` hidden in a misparsed type alias. */
  #typeCallRow(args: Frame, call: TypeCall): void {
    const sink = this.#sinks.calls;
    if (sink === null) return;
    const at = this.#at;
    const bstart = at.byte(call.keywordStart);
    const count = args.kind === K.parenthesized_expression ? Math.min(args.named, 1) : args.named;
    sink.append({
      file_id: this.#fileId,
      bstart,
      bend: at.byte(args.end),
      line: at.line(bstart),
      col: at.col(bstart),
      callee_bstart: bstart,
      callee_bend: at.byte(call.keywordEnd),
      callee_text: 'type',
      callee_dotted: 'type',
      arg_count: count,
      positional_count: count,
      keyword_count: 0,
      def_bstart: this.#enclosingDef(),
    });
  }

  #parameters(cursor: WalkCursor, f: Frame, parent: Frame): void {
    const sink = this.#sinks.params;
    if (sink === null && !this.#needDeclarations) return;
    const isLambda = f.kind === K.lambda_parameters;
    if (isLambda ? parent.kind !== K.lambda : parent.kind !== K.function_definition) return;
    const entries = readParameters(cursor.currentNode, this.#grammar);
    for (const p of entries) this.#declared.add(p.start);
    if (sink === null || (!isLambda && parent.defByte < 0)) return;
    const at = this.#at;
    const owner = isLambda ? at.byte(parent.start) : parent.defByte;
    entries.forEach((p, position) => {
      const bstart = at.byte(p.start);
      sink.append({
        file_id: this.#fileId,
        def_bstart: owner,
        owner_kind: isLambda ? 'lambda' : 'def',
        name: pythonIdentifier(this.#text, p.start, p.end),
        param_kind: p.kind,
        position,
        bstart,
        bend: at.byte(p.end),
        line: at.line(bstart),
        col: at.col(bstart),
        has_default: p.hasDefault,
        has_annotation: p.hasAnnotation,
      });
    });
  }

  /** `def f[T]`, `class C[T]` and `type X[T] = …` declare T; `list[int]` in an annotation declares nothing. */
  #declaresTypeParameters(f: Frame, parent: Frame, depth: number): boolean {
    if (parent.kind === K.function_definition || parent.kind === K.class_definition) return f.field === this.#grammar.fields.type_parameters;
    if (parent.kind !== K.generic_type) return false;
    const type = this.#frames[depth - 2];
    return type !== undefined && type.kind === K.type && type.field === this.#grammar.fields.left && this.#frames[depth - 3]?.kind === K.type_alias_statement;
  }

  /** Marks the declared names of a type-parameter list: the first name of each `T`, `T: bound`, `*Ts`, `**P`. */
  #typeParameters(list: Node): void {
    const kinds = this.#kinds;
    for (const type of list.namedChildren) {
      if (kinds[type.typeId] !== K.type) continue;
      let node: Node | undefined = type.namedChildren[0];
      if (node !== undefined && kinds[node.typeId] === K.constrained_type) node = node.namedChildren[0]?.namedChildren[0];
      else if (node !== undefined && kinds[node.typeId] === K.splat_type) node = node.namedChildren[0];
      if (node !== undefined && kinds[node.typeId] === K.identifier) this.#declared.add(node.startIndex);
    }
  }

  #imports(statement: Node, f: Frame): void {
    const sink = this.#sinks.imports as RowBuffer<TsImportRow>;
    const at = this.#at;
    const stmtStart = at.byte(f.start);
    const stmtEnd = at.byte(f.end);
    const def = this.#enclosingDef();
    for (const a of readImportAliases(statement, this.#grammar, this.#text)) {
      const bstart = at.byte(a.start);
      sink.append({
        file_id: this.#fileId,
        bound_name: a.boundName,
        module: a.module,
        imported_name: a.importedName,
        level: a.level,
        is_star: a.isStar,
        bstart,
        bend: at.byte(a.end),
        line: at.line(bstart),
        col: at.col(bstart),
        stmt_bstart: stmtStart,
        stmt_bend: stmtEnd,
        def_bstart: def,
      });
    }
  }

  /**
   * The first statement of a module or definition body is its docstring
   * when it is a lone `str` literal (parentheses and implicit concatenation
   * allowed; bytes and f-strings are not docstrings).
   */
  #docstring(statement: Node, owner: number): void {
    const kinds = this.#kinds;
    const children = statement.namedChildren.filter((c) => kinds[c.typeId] !== K.comment && kinds[c.typeId] !== K.line_continuation);
    let expr = children.length === 1 ? children[0] : undefined;
    while (expr !== undefined && kinds[expr.typeId] === K.parenthesized_expression) {
      const inner = expr.namedChildren.filter((c) => kinds[c.typeId] !== K.comment && kinds[c.typeId] !== K.line_continuation);
      expr = inner.length === 1 ? inner[0] : undefined;
    }
    if (expr === undefined) return;
    const kind = kinds[expr.typeId];
    const parts = kind === K.string ? [expr] : kind === K.concatenated_string ? expr.namedChildren.filter((c) => kinds[c.typeId] === K.string) : [];
    if (parts.length === 0) return;
    let value: string | null = '';
    for (const part of parts) {
      const literal = pythonStringValue(this.#text.slice(part.startIndex, part.endIndex));
      if (literal.kind !== 'str') return;
      value = value === null || literal.value === null ? null : value + literal.value;
    }
    const sink = this.#sinks.docstrings as RowBuffer<TsDocstringRow>;
    const at = this.#at;
    const bstart = at.byte(expr.startIndex);
    sink.append({
      file_id: this.#fileId,
      def_bstart: owner === MODULE_DOC ? null : owner,
      bstart,
      bend: at.byte(expr.endIndex),
      line: at.line(bstart),
      col: at.col(bstart),
      text: value,
    });
  }
}
