/** The kind of a descriptor, from the character that ends it in the symbol grammar. */
export type DescriptorSuffix = 'namespace' | 'type' | 'term' | 'method' | 'type-parameter' | 'parameter' | 'meta' | 'macro';

/** One descriptor of a global symbol: `name` as written, unescaped. */
export interface ScipDescriptor {
  readonly name: string;
  readonly suffix: DescriptorSuffix;
  /** The method disambiguator (`overload` in `f(overload).`); empty for every other suffix. */
  readonly disambiguator: string;
}

/** A symbol string taken apart by the grammar of scip.proto's `Symbol`. */
export type ParsedScipSymbol =
  | { readonly kind: 'local'; readonly localId: string }
  | {
      readonly kind: 'global';
      readonly scheme: string;
      /** `null` where the symbol writes the placeholder `.` for an empty value. */
      readonly manager: string | null;
      readonly packageName: string | null;
      readonly packageVersion: string | null;
      readonly descriptors: readonly ScipDescriptor[];
    };

const SUFFIX_BY_CHAR: Readonly<Record<string, DescriptorSuffix>> = Object.freeze({
  '/': 'namespace',
  '#': 'type',
  '.': 'term',
  ':': 'meta',
  '!': 'macro',
});

/** `_`, `+`, `-`, `$` and ASCII letters and digits: the characters of a simple identifier. */
function isIdentifierChar(c: string): boolean {
  const code = c.charCodeAt(0);
  return (
    (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || c === '_' || c === '+' || c === '-' || c === '$'
  );
}

/** A small recursive-descent parser; each method returns `null` where the grammar is not met. */
class SymbolCursor {
  readonly #s: string;
  #i = 0;

  constructor(s: string) {
    this.#s = s;
  }

  get done(): boolean {
    return this.#i >= this.#s.length;
  }

  /** A space-terminated header field; a doubled space stands for one space inside it. */
  field(): string | null {
    let out = '';
    while (this.#i < this.#s.length) {
      const c = this.#s[this.#i] as string;
      if (c === ' ') {
        if (this.#s[this.#i + 1] === ' ') {
          out += ' ';
          this.#i += 2;
          continue;
        }
        this.#i++;
        return out;
      }
      out += c;
      this.#i++;
    }
    return null;
  }

  /** A simple identifier, or a backquoted one in which a doubled backquote stands for one. */
  name(): string | null {
    const s = this.#s;
    if (s[this.#i] === '`') {
      let out = '';
      this.#i++;
      while (this.#i < s.length) {
        const c = s[this.#i] as string;
        if (c === '`') {
          if (s[this.#i + 1] === '`') {
            out += '`';
            this.#i += 2;
            continue;
          }
          this.#i++;
          return out.length > 0 ? out : null;
        }
        out += c;
        this.#i++;
      }
      return null;
    }
    const start = this.#i;
    while (this.#i < s.length && isIdentifierChar(s[this.#i] as string)) this.#i++;
    return this.#i > start ? s.slice(start, this.#i) : null;
  }

  take(c: string): boolean {
    if (this.#s[this.#i] !== c) return false;
    this.#i++;
    return true;
  }

  descriptor(): ScipDescriptor | null {
    if (this.take('(')) {
      const name = this.name();
      return name !== null && this.take(')') ? { name, suffix: 'parameter', disambiguator: '' } : null;
    }
    if (this.take('[')) {
      const name = this.name();
      return name !== null && this.take(']') ? { name, suffix: 'type-parameter', disambiguator: '' } : null;
    }
    const name = this.name();
    if (name === null) return null;
    if (this.take('(')) {
      const start = this.#i;
      while (this.#i < this.#s.length && isIdentifierChar(this.#s[this.#i] as string)) this.#i++;
      const disambiguator = this.#s.slice(start, this.#i);
      return this.take(')') && this.take('.') ? { name, suffix: 'method', disambiguator } : null;
    }
    const suffix = SUFFIX_BY_CHAR[this.#s[this.#i] as string];
    if (suffix === undefined) return null;
    this.#i++;
    return { name, suffix, disambiguator: '' };
  }
}

const placeholder = (v: string): string | null => (v === '.' ? null : v);

/**
 * Takes a SCIP symbol string apart: `local <id>`, or scheme, package
 * (manager, name, version) and descriptors. Returns `null` for a string that
 * does not follow the grammar; the symbol stays usable as an opaque key.
 *
 * @example
 * parseScipSymbol('scip-python python demo 1.0 `pkg.mod`/Shape#area().');
 * // { kind: 'global', scheme: 'scip-python', manager: 'python', packageName: 'demo', packageVersion: '1.0',
 * //   descriptors: [{ name: 'pkg.mod', suffix: 'namespace' }, { name: 'Shape', suffix: 'type' }, { name: 'area', suffix: 'method' }] }
 */
export function parseScipSymbol(symbol: string): ParsedScipSymbol | null {
  if (symbol.startsWith('local ')) {
    const localId = symbol.slice('local '.length);
    return localId.length > 0 ? Object.freeze({ kind: 'local', localId }) : null;
  }
  const cursor = new SymbolCursor(symbol);
  const scheme = cursor.field();
  const manager = cursor.field();
  const packageName = cursor.field();
  const packageVersion = cursor.field();
  if (scheme === null || scheme === '' || manager === null || packageName === null || packageVersion === null) return null;
  const descriptors: ScipDescriptor[] = [];
  while (!cursor.done) {
    const d = cursor.descriptor();
    if (d === null) return null;
    descriptors.push(Object.freeze(d));
  }
  if (descriptors.length === 0) return null;
  return Object.freeze({
    kind: 'global',
    scheme,
    manager: placeholder(manager),
    packageName: placeholder(packageName),
    packageVersion: placeholder(packageVersion),
    descriptors: Object.freeze(descriptors),
  });
}
