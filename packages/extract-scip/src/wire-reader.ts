import { ExtractScipError } from './extract-scip-error.js';

/** The protobuf wire types a field key can announce. */
export const WireType = Object.freeze({ varint: 0, fixed64: 1, lengthDelimited: 2, startGroup: 3, endGroup: 4, fixed32: 5 } as const);

/**
 * A cursor over protobuf wire-format bytes (https://protobuf.dev/programming-guides/encoding/):
 * each field is a varint key `(field_number << 3) | wire_type` followed by
 * its value. Only what SCIP messages use is read; every other field is
 * skipped by its wire type, so indexes written by newer indexers still
 * decode. Any read past the end throws `extract-scip/MalformedIndex`.
 */
export class WireReader {
  readonly #bytes: Buffer;
  #pos: number;
  readonly #end: number;

  constructor(bytes: Buffer, start = 0, end = bytes.length) {
    this.#bytes = bytes;
    this.#pos = start;
    this.#end = end;
  }

  /** Whether every byte of the message has been read. */
  get done(): boolean {
    return this.#pos >= this.#end;
  }

  /** The offset of the next byte to read. */
  get position(): number {
    return this.#pos;
  }

  #malformed(what: string): never {
    throw ExtractScipError.create('MalformedIndex', `malformed protobuf: ${what} at byte ${this.#pos}`, {
      hint: 'the index is truncated or is not a SCIP index; write it again with the indexer',
    });
  }

  /**
   * An unsigned varint of up to 64 bits as a number. Values above 2^53 lose
   * precision, which no SCIP field reaches (lengths, enums, line numbers).
   */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.#pos >= this.#end) this.#malformed('varint runs past the end');
      const b = this.#bytes[this.#pos++] as number;
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
    return this.#malformed('varint longer than 10 bytes');
  }

  /**
   * An `int32` field: negative values are sign-extended to ten bytes on the
   * wire, so the low 32 bits carry the value.
   */
  int32(): number {
    let low = 0;
    for (let i = 0; i < 10; i++) {
      if (this.#pos >= this.#end) this.#malformed('varint runs past the end');
      const b = this.#bytes[this.#pos++] as number;
      if (i < 5) low |= (b & 0x7f) << (7 * i);
      if (b < 0x80) return low | 0;
    }
    return this.#malformed('varint longer than 10 bytes');
  }

  bool(): boolean {
    return this.varint() !== 0;
  }

  /** The `[start, end)` offsets of a length-delimited value, leaving the cursor after it. */
  span(): readonly [number, number] {
    const length = this.varint();
    const start = this.#pos;
    if (length > this.#end - start) this.#malformed(`length ${length} runs past the end`);
    this.#pos = start + length;
    return [start, this.#pos];
  }

  string(): string {
    const [start, end] = this.span();
    return this.#bytes.toString('utf8', start, end);
  }

  /** A reader over the next length-delimited value (an embedded message). */
  message(): WireReader {
    const [start, end] = this.span();
    return new WireReader(this.#bytes, start, end);
  }

  /**
   * The values of a repeated `int32` field, accepting both encodings a
   * decoder must: packed (one length-delimited run) and one varint per key.
   */
  int32s(wireType: number, into: number[]): void {
    if (wireType === WireType.varint) {
      into.push(this.int32());
      return;
    }
    if (wireType !== WireType.lengthDelimited) this.#malformed(`repeated int32 with wire type ${wireType}`);
    const [start, end] = this.span();
    const packed = new WireReader(this.#bytes, start, end);
    while (!packed.done) into.push(packed.int32());
  }

  /** Skips a value of the given wire type. */
  skip(wireType: number): void {
    switch (wireType) {
      case WireType.varint:
        this.varint();
        return;
      case WireType.fixed64:
        this.#advance(8);
        return;
      case WireType.lengthDelimited:
        this.span();
        return;
      case WireType.fixed32:
        this.#advance(4);
        return;
      case WireType.startGroup:
        // Groups are obsolete but still valid wire format: skip to the matching end.
        for (;;) {
          const key = this.varint();
          if ((key & 7) === WireType.endGroup) return;
          this.skip(key & 7);
        }
      default:
        this.#malformed(`unknown wire type ${wireType}`);
    }
  }

  #advance(n: number): void {
    if (n > this.#end - this.#pos) this.#malformed(`fixed-size value runs past the end`);
    this.#pos += n;
  }
}
