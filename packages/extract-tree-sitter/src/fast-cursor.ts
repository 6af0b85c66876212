import { endianness } from 'node:os';
import type { Node, Parser, Tree, TreeCursor } from 'web-tree-sitter';

/**
 * What the walks ask of a tree cursor: web-tree-sitter's `TreeCursor`, or a
 * {@link fastCursorFactory} cursor moving the same cursor more cheaply.
 */
export type WalkCursor = Pick<
  TreeCursor,
  | 'nodeTypeId'
  | 'nodeType'
  | 'currentFieldId'
  | 'startIndex'
  | 'endIndex'
  | 'nodeIsNamed'
  | 'nodeIsMissing'
  | 'currentNode'
  | 'gotoFirstChild'
  | 'gotoNextSibling'
  | 'gotoParent'
  | 'delete'
>;

/**
 * The members of web-tree-sitter's Emscripten module (the object given to
 * `Parser.init`, which the module fills in) that a fast cursor calls: the
 * same exported functions `TreeCursor` calls, and the heap they share.
 */
interface CursorBinding {
  readonly HEAP32: Int32Array;
  readonly _ts_init: () => number;
  readonly _ts_tree_cursor_goto_first_child_wasm: (tree: number) => number;
  readonly _ts_tree_cursor_goto_next_sibling_wasm: (tree: number) => number;
  readonly _ts_tree_cursor_goto_parent_wasm: (tree: number) => number;
  readonly _ts_tree_cursor_current_node_type_id_wasm: (tree: number) => number;
  readonly _ts_tree_cursor_current_field_id_wasm: (tree: number) => number;
  readonly _ts_tree_cursor_start_index_wasm: (tree: number) => number;
  readonly _ts_tree_cursor_end_index_wasm: (tree: number) => number;
}

const BINDING_FUNCTIONS = [
  '_ts_init',
  '_ts_tree_cursor_goto_first_child_wasm',
  '_ts_tree_cursor_goto_next_sibling_wasm',
  '_ts_tree_cursor_goto_parent_wasm',
  '_ts_tree_cursor_current_node_type_id_wasm',
  '_ts_tree_cursor_current_field_id_wasm',
  '_ts_tree_cursor_start_index_wasm',
  '_ts_tree_cursor_end_index_wasm',
] as const;

/** A cursor's internals as web-tree-sitter 0.27 keeps them: four 32-bit handles, and the tree's address at index 0. */
interface CursorInternals {
  readonly handles: number[];
  readonly tree: { readonly [0]: number };
}

function isBinding(value: unknown): value is CursorBinding {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return record['HEAP32'] instanceof Int32Array && BINDING_FUNCTIONS.every((name) => typeof record[name] === 'function');
}

function internalsOf(cursor: TreeCursor): CursorInternals | null {
  const inner = cursor as unknown as Partial<CursorInternals>;
  const handles = inner.handles;
  const tree = inner.tree?.[0];
  return Array.isArray(handles) && handles.length === 4 && handles.every((h) => typeof h === 'number') && typeof tree === 'number' ? (inner as CursorInternals) : null;
}

/**
 * web-tree-sitter's cursor, moved and read through the module's exported
 * functions directly. Each call of `TreeCursor` writes the cursor's four
 * handles into the module's transfer buffer, and each move reads them
 * back, through Emscripten's generic `setValue`/`getValue` (a switch on a
 * type name and a DataView per integer): over the standard library that
 * glue was about 1.9 s of a worker's 11.7 s. This cursor writes and reads
 * the same four integers through the heap's `Int32Array`, into the same
 * handles, so the wrapped cursor stays in step and serves every other
 * member (`currentNode`, `delete` …) unchanged.
 */
class FastCursor implements WalkCursor {
  readonly #inner: TreeCursor;
  readonly #handles: number[];
  readonly #tree: number;
  readonly #binding: CursorBinding;
  /** The transfer buffer's index in the heap's 32-bit words. */
  readonly #at: number;

  constructor(inner: TreeCursor, internals: CursorInternals, binding: CursorBinding, transfer: number) {
    this.#inner = inner;
    this.#handles = internals.handles;
    this.#tree = internals.tree[0];
    this.#binding = binding;
    this.#at = transfer >> 2;
  }

  /** Writes the handles where the module reads the cursor from (other calls may have used the buffer since). */
  #put(): void {
    // Read each time: the module replaces its heap views when its memory grows.
    const heap = this.#binding.HEAP32;
    const h = this.#handles;
    const at = this.#at;
    heap[at] = h[0] as number;
    heap[at + 1] = h[1] as number;
    heap[at + 2] = h[2] as number;
    heap[at + 3] = h[3] as number;
  }

  /** Reads back the handles a move left in the buffer. */
  #take(): void {
    const heap = this.#binding.HEAP32;
    const h = this.#handles;
    const at = this.#at;
    h[0] = heap[at] as number;
    h[1] = heap[at + 1] as number;
    h[2] = heap[at + 2] as number;
    h[3] = heap[at + 3] as number;
  }

  /** One reading of the node under the cursor, by one of the module's functions. */
  #read(get: (tree: number) => number): number {
    this.#put();
    return get(this.#tree);
  }

  get nodeTypeId(): number {
    return this.#read(this.#binding._ts_tree_cursor_current_node_type_id_wasm);
  }

  get currentFieldId(): number {
    return this.#read(this.#binding._ts_tree_cursor_current_field_id_wasm);
  }

  get startIndex(): number {
    return this.#read(this.#binding._ts_tree_cursor_start_index_wasm);
  }

  get endIndex(): number {
    return this.#read(this.#binding._ts_tree_cursor_end_index_wasm);
  }

  /** One move of the cursor, by one of the module's functions: whether it moved. */
  #move(go: (tree: number) => number): boolean {
    this.#put();
    const moved = go(this.#tree);
    this.#take();
    return moved === 1;
  }

  gotoFirstChild(): boolean {
    return this.#move(this.#binding._ts_tree_cursor_goto_first_child_wasm);
  }

  gotoNextSibling(): boolean {
    return this.#move(this.#binding._ts_tree_cursor_goto_next_sibling_wasm);
  }

  gotoParent(): boolean {
    return this.#move(this.#binding._ts_tree_cursor_goto_parent_wasm);
  }

  get nodeType(): string {
    return this.#inner.nodeType;
  }

  get nodeIsNamed(): boolean {
    return this.#inner.nodeIsNamed;
  }

  get nodeIsMissing(): boolean {
    return this.#inner.nodeIsMissing;
  }

  get currentNode(): Node {
    return this.#inner.currentNode;
  }

  delete(): void {
    this.#inner.delete();
  }
}

/** Opens a cursor on a tree's root. */
export type CursorFactory = (tree: Tree) => WalkCursor;

const plainCursor: CursorFactory = (tree) => tree.walk();

/** Everything a walk reads of every node of a tree, depth first. */
function visitAll(cursor: WalkCursor): string {
  const seen: number[] = [];
  let depth = 0;
  for (;;) {
    seen.push(depth, cursor.nodeTypeId, cursor.currentFieldId, cursor.startIndex, cursor.endIndex);
    if (cursor.gotoFirstChild()) {
      depth++;
      continue;
    }
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) return seen.join(',');
      depth--;
    }
  }
}

/** Source whose walk checks the fast cursor: fields, nesting, a non-ASCII name (UTF-16 indices) and a syntax error. */
const CHECK_SOURCE = 'import os\nclass Ä(object):\n    def f(self, x=1, *a, **k):\n        return [y for y in os.path.join(x) if y] + (\n';

/**
 * How the walks open a cursor: {@link FastCursor} when `binding` is the
 * object `Parser.init` was given (so the module filled it in), the heap is
 * little-endian like WebAssembly's, the cursor's internals have the shape
 * it expects, and a walk of a check source reads exactly what the plain
 * cursor reads; otherwise web-tree-sitter's own cursor. The check makes a
 * change of web-tree-sitter's internals fall back rather than misread.
 *
 * @example
 * const binding = {};
 * await Parser.init(binding);
 * const walk = fastCursorFactory(binding, parser);
 * const cursor = walk(tree);
 */
export function fastCursorFactory(binding: object, parser: Parser): CursorFactory {
  if (!isBinding(binding) || endianness() !== 'LE') return plainCursor;
  const transfer = binding._ts_init();
  const fast: CursorFactory = (tree) => {
    const cursor = tree.walk();
    const internals = internalsOf(cursor);
    return internals === null ? cursor : new FastCursor(cursor, internals, binding, transfer);
  };
  const tree = parser.parse(CHECK_SOURCE);
  if (tree === null) return plainCursor;
  try {
    const open = [plainCursor(tree), fast(tree)];
    try {
      const [plain, quick] = open.map(visitAll);
      return quick === plain && open[1] instanceof FastCursor ? fast : plainCursor;
    } finally {
      for (const cursor of open) cursor.delete();
    }
  } catch {
    return plainCursor;
  } finally {
    tree.delete();
  }
}
