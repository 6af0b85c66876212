/** A value of the TOML subset Anatomy's configuration uses. */
export type TomlValue = string | number | boolean | readonly TomlValue[] | { readonly [key: string]: TomlValue };

/** What reading one table of a TOML document gives: the table (absent when the document has none), or where it broke. */
export type TomlTableResult =
  | { readonly ok: true; readonly table: Record<string, TomlValue> | undefined }
  | { readonly ok: false; readonly line: number; readonly column: number; readonly message: string };

class TomlSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const HEADER = /^[ \t]*\[(?!\[)([A-Za-z0-9_.\- \t"']+)\][ \t]*(#.*)?$/;
const BARE_KEY = /[A-Za-z0-9_-]/;

function splitKey(raw: string): string[] {
  return raw.split('.').map((part) => part.trim().replace(/^(["'])(.*)\1$/, '$2'));
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1 };
}

/**
 * A recursive-descent reader of the part of TOML that configuration needs:
 * dotted and quoted keys, basic and literal strings, integers, floats,
 * booleans and (multi-line) arrays of those. Anything else is a syntax error
 * with its position rather than a silent misreading.
 */
class SectionParser {
  private pos: number;

  constructor(
    private readonly text: string,
    start: number,
    private readonly end: number,
  ) {
    this.pos = start;
  }

  parseInto(target: Record<string, TomlValue>): void {
    for (;;) {
      this.skipBlank(true);
      if (this.pos >= this.end) return;
      const keyStart = this.pos;
      const key = this.parseKey();
      this.skipBlank(false);
      if (this.text[this.pos] !== '=') throw new TomlSyntaxError(`expected '=' after the key ${key.join('.')}`, this.pos);
      this.pos++;
      this.skipBlank(false);
      const value = this.parseValue();
      assign(target, key, value, keyStart);
      this.skipBlank(false);
      if (this.pos < this.end && this.text[this.pos] !== '\n' && this.text[this.pos] !== '\r') {
        throw new TomlSyntaxError('expected the end of the line after the value', this.pos);
      }
    }
  }

  private skipBlank(newlines: boolean): void {
    while (this.pos < this.end) {
      const c = this.text[this.pos];
      if (c === ' ' || c === '\t' || (newlines && (c === '\n' || c === '\r'))) this.pos++;
      else if (c === '#') while (this.pos < this.end && this.text[this.pos] !== '\n') this.pos++;
      else return;
    }
  }

  private parseKey(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipBlank(false);
      const c = this.text[this.pos];
      if (c === '"' || c === "'") parts.push(this.parseString());
      else {
        const start = this.pos;
        while (this.pos < this.end && BARE_KEY.test(this.text[this.pos] ?? '')) this.pos++;
        if (this.pos === start) throw new TomlSyntaxError('expected a key', this.pos);
        parts.push(this.text.slice(start, this.pos));
      }
      this.skipBlank(false);
      if (this.text[this.pos] !== '.') return parts;
      this.pos++;
    }
  }

  private parseValue(): TomlValue {
    const c = this.text[this.pos];
    if (c === '"' || c === "'") return this.parseString();
    if (c === '[') return this.parseArray();
    const rest = this.text.slice(this.pos, this.end);
    const word = /^(true|false)(?![A-Za-z0-9_])/.exec(rest);
    if (word?.[1] !== undefined) {
      this.pos += word[1].length;
      return word[1] === 'true';
    }
    const number = /^[+-]?(\d[\d_]*)(\.\d[\d_]*)?([eE][+-]?\d+)?(?![A-Za-z0-9_:.-])/.exec(rest);
    if (number !== null) {
      this.pos += number[0].length;
      return Number(number[0].replace(/_/g, ''));
    }
    if (c === '{') throw new TomlSyntaxError('inline tables are not supported here; write a [table] header instead', this.pos);
    throw new TomlSyntaxError('expected a value (a string, number, boolean or array)', this.pos);
  }

  private parseArray(): TomlValue[] {
    const values: TomlValue[] = [];
    this.pos++;
    for (;;) {
      this.skipBlank(true);
      if (this.text[this.pos] === ']') {
        this.pos++;
        return values;
      }
      if (this.pos >= this.end) throw new TomlSyntaxError("expected ']' to close the array", this.pos);
      values.push(this.parseValue());
      this.skipBlank(true);
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== ']') throw new TomlSyntaxError("expected ',' or ']' in the array", this.pos);
    }
  }

  private parseString(): string {
    const quote = this.text[this.pos];
    if (this.text.startsWith(quote === '"' ? '"""' : "'''", this.pos)) throw new TomlSyntaxError('multi-line strings are not supported here', this.pos);
    const start = this.pos;
    this.pos++;
    let out = '';
    while (this.pos < this.end) {
      const c = this.text[this.pos] ?? '';
      if (c === '\n') break;
      this.pos++;
      if (c === quote) return out;
      if (c === '\\' && quote === '"') out += this.parseEscape();
      else out += c;
    }
    throw new TomlSyntaxError('unterminated string', start);
  }

  private parseEscape(): string {
    const c = this.text[this.pos] ?? '';
    this.pos++;
    const simple: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\' };
    const known = simple[c];
    if (known !== undefined) return known;
    const width = c === 'u' ? 4 : c === 'U' ? 8 : 0;
    const hex = this.text.slice(this.pos, this.pos + width);
    if (width > 0 && new RegExp(`^[0-9A-Fa-f]{${width}}$`).test(hex)) {
      this.pos += width;
      return String.fromCodePoint(parseInt(hex, 16));
    }
    throw new TomlSyntaxError(`invalid escape \\${c}`, this.pos - 2);
  }
}

function isTable(value: TomlValue | undefined): value is Record<string, TomlValue> {
  return typeof value === 'object' && !Array.isArray(value);
}

function assign(target: Record<string, TomlValue>, key: readonly string[], value: TomlValue, offset: number): void {
  let table = target;
  for (const part of key.slice(0, -1)) {
    const next = table[part] ?? {};
    if (!isTable(next)) throw new TomlSyntaxError(`${key.join('.')}: ${part} is already a value, not a table`, offset);
    table[part] = next;
    table = next;
  }
  const last = key[key.length - 1] ?? '';
  if (last in table) throw new TomlSyntaxError(`${key.join('.')} is defined twice`, offset);
  table[last] = value;
}

/**
 * Reads one table (e.g. `tool.anatomy`, with its sub-tables) out of a TOML
 * document such as pyproject.toml. Only that table's lines are parsed, so the
 * rest of the file may use TOML this reader does not know.
 *
 * @example
 * readTomlTable('[tool.anatomy]\nwait = 30\n', ['tool', 'anatomy']); // { ok: true, table: { wait: 30 } }
 */
export function readTomlTable(text: string, tablePath: readonly string[]): TomlTableResult {
  const wanted = tablePath.join('.');
  const table: Record<string, TomlValue> = {};
  let found = false;
  // Sections of the wanted table: [start, end) offsets of their bodies and the sub-table they fill.
  const sections: { start: number; end: number; subKey: string[]; headerOffset: number }[] = [];
  let offset = 0;
  let inMultiline: string | null = null;
  for (const line of text.split('\n')) {
    const lineStart = offset;
    offset += line.length + 1;
    // Multi-line strings of other tables may hold lines that look like headers.
    for (const fence of ['"""', "'''"]) {
      const count = line.split(fence).length - 1;
      if (count % 2 === 1 && (inMultiline === null || inMultiline === fence)) inMultiline = inMultiline === null ? fence : null;
    }
    if (inMultiline !== null) continue;
    const header = HEADER.exec(line.replace(/\r$/, ''));
    if (header?.[1] === undefined) continue;
    const last = sections[sections.length - 1];
    if (last !== undefined && last.end === -1) last.end = lineStart;
    const key = splitKey(header[1]);
    const name = key.join('.');
    if (name === wanted || name.startsWith(`${wanted}.`)) {
      found = true;
      sections.push({ start: Math.min(offset, text.length), end: -1, subKey: key.slice(tablePath.length), headerOffset: lineStart });
    } else if (last !== undefined && last.end === -1) last.end = lineStart;
  }
  const tail = sections[sections.length - 1];
  if (tail !== undefined && tail.end === -1) tail.end = text.length;
  try {
    for (const section of sections) {
      let target = table;
      for (const part of section.subKey) {
        const next = target[part] ?? {};
        if (!isTable(next)) throw new TomlSyntaxError(`[${[...tablePath, ...section.subKey].join('.')}] names a value, not a table`, section.headerOffset);
        target[part] = next;
        target = next;
      }
      new SectionParser(text, section.start, Math.max(section.start, section.end)).parseInto(target);
    }
  } catch (error) {
    if (error instanceof TomlSyntaxError) return { ok: false, ...lineColumn(text, error.offset), message: error.message };
    throw error;
  }
  return { ok: true, table: found ? table : undefined };
}
