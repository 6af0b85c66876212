/**
 * A small protobuf writer and a SCIP index encoder for tests: it builds the
 * hand-made indexes that cover what scip-python never writes (declared
 * position encodings, 4-element and typed ranges, unpacked repeated fields,
 * diagnostics, unknown fields, damaged documents). Field numbers are those
 * of scip.proto. Not part of the build.
 */

class ProtoWriter {
  readonly #bytes: number[] = [];

  varint(value: number | bigint): this {
    let v = typeof value === 'bigint' ? BigInt.asUintN(64, value) : value < 0 ? BigInt.asUintN(64, BigInt(value)) : BigInt(value);
    do {
      const low = Number(v & 0x7fn);
      v >>= 7n;
      this.#bytes.push(v > 0n ? low | 0x80 : low);
    } while (v > 0n);
    return this;
  }

  key(field: number, wireType: number): this {
    return this.varint(field * 8 + wireType);
  }

  int32(field: number, value: number): this {
    return value === 0 ? this : this.key(field, 0).varint(value);
  }

  bool(field: number, value: boolean): this {
    return value ? this.key(field, 0).varint(1) : this;
  }

  bytes(field: number, data: Uint8Array | readonly number[]): this {
    this.key(field, 2).varint(data.length);
    for (const b of data) this.#bytes.push(b);
    return this;
  }

  string(field: number, value: string): this {
    return value === '' ? this : this.bytes(field, Buffer.from(value, 'utf8'));
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  packed(field: number, values: readonly number[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    return this.bytes(field, inner.finish());
  }

  unpacked(field: number, values: readonly number[]): this {
    for (const v of values) this.key(field, 0).varint(v);
    return this;
  }

  raw(bytes: readonly number[]): this {
    this.#bytes.push(...bytes);
    return this;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }
}

/** How an occurrence's range goes on the wire. */
export type RangeForm = 'packed' | 'unpacked' | 'typed';

export interface TestDiagnostic {
  readonly severity?: number;
  readonly code?: string;
  readonly message: string;
  readonly source?: string;
  readonly tags?: readonly number[];
}

export interface TestOccurrence {
  /** 3 or 4 integers (or a wrong count, to test rejection). */
  readonly range: readonly number[];
  readonly rangeForm?: RangeForm;
  readonly symbol?: string;
  readonly roles?: number;
  readonly syntaxKind?: number;
  readonly enclosing?: readonly number[];
  readonly diagnostics?: readonly TestDiagnostic[];
}

export interface TestRelationship {
  readonly symbol: string;
  readonly isReference?: boolean;
  readonly isImplementation?: boolean;
  readonly isTypeDefinition?: boolean;
  readonly isDefinition?: boolean;
}

export interface TestSymbol {
  readonly symbol: string;
  readonly documentation?: readonly string[];
  readonly relationships?: readonly TestRelationship[];
  readonly kind?: number;
  readonly displayName?: string;
  readonly signature?: string;
  readonly enclosingSymbol?: string;
}

export interface TestDocument {
  readonly relativePath: string;
  readonly language?: string;
  readonly positionEncoding?: number;
  readonly occurrences?: readonly TestOccurrence[];
  readonly symbols?: readonly TestSymbol[];
  /** Bytes appended to the document's body, e.g. an unknown field or damage. */
  readonly trailing?: readonly number[];
}

export interface TestIndex {
  readonly toolName?: string;
  readonly toolVersion?: string;
  readonly projectRoot?: string;
  readonly documents?: readonly TestDocument[];
  readonly externalSymbols?: readonly TestSymbol[];
}

function range(w: ProtoWriter, packedField: number, typedSingle: number, typedMulti: number, values: readonly number[], form: RangeForm): void {
  if (form === 'packed') w.packed(packedField, values);
  else if (form === 'unpacked') w.unpacked(packedField, values);
  else if (values.length === 3) w.message(typedSingle, (r) => r.int32(1, values[0] as number).int32(2, values[1] as number).int32(3, values[2] as number));
  else w.message(typedMulti, (r) => values.forEach((v, i) => r.int32(i + 1, v)));
}

function symbolInformation(w: ProtoWriter, s: TestSymbol): void {
  w.string(1, s.symbol);
  for (const d of s.documentation ?? []) w.string(3, d);
  for (const r of s.relationships ?? []) {
    w.message(4, (m) => m.string(1, r.symbol).bool(2, r.isReference ?? false).bool(3, r.isImplementation ?? false).bool(4, r.isTypeDefinition ?? false).bool(5, r.isDefinition ?? false));
  }
  w.int32(5, s.kind ?? 0).string(6, s.displayName ?? '');
  if (s.signature !== undefined) w.message(7, (sig) => sig.string(4, 'python').string(5, s.signature as string));
  w.string(8, s.enclosingSymbol ?? '');
}

function document(w: ProtoWriter, d: TestDocument): void {
  w.string(4, d.language ?? '').string(1, d.relativePath);
  for (const o of d.occurrences ?? []) {
    w.message(2, (m) => {
      range(m, 1, 8, 9, o.range, o.rangeForm ?? 'packed');
      m.string(2, o.symbol ?? '').int32(3, o.roles ?? 0).int32(5, o.syntaxKind ?? 0);
      for (const diag of o.diagnostics ?? []) {
        m.message(6, (g) => {
          g.int32(1, diag.severity ?? 0).string(2, diag.code ?? '').string(3, diag.message).string(4, diag.source ?? '');
          if (diag.tags !== undefined) g.packed(5, diag.tags);
        });
      }
      if (o.enclosing !== undefined) range(m, 7, 10, 11, o.enclosing, o.rangeForm ?? 'packed');
    });
  }
  for (const s of d.symbols ?? []) w.message(3, (m) => symbolInformation(m, s));
  w.int32(6, d.positionEncoding ?? 0);
  if (d.trailing !== undefined) w.raw(d.trailing);
}

/** Encodes a SCIP `Index` message: metadata first, then documents, then external symbols. */
export function encodeScipIndex(index: TestIndex): Uint8Array {
  const w = new ProtoWriter();
  w.message(1, (m) => {
    m.message(2, (t) => t.string(1, index.toolName ?? 'test-indexer').string(2, index.toolVersion ?? '1.0'));
    m.string(3, index.projectRoot ?? '').int32(4, 1);
  });
  for (const d of index.documents ?? []) w.message(2, (m) => document(m, d));
  for (const s of index.externalSymbols ?? []) w.message(3, (m) => symbolInformation(m, s));
  return w.finish();
}
