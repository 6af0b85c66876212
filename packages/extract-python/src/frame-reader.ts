/**
 * Splits the worker's stdout into frames: each frame is a little-endian u32
 * length followed by that many bytes. Chunks arrive cut anywhere; bytes of an
 * unfinished frame wait for the next chunk.
 *
 * @example
 * const reader = new FrameReader();
 * for (const frame of reader.push(chunk)) handle(frame);
 */
export class FrameReader {
  #pending: Buffer[] = [];
  #pendingBytes = 0;

  /** Feeds a chunk and returns the frames it completed, in order. */
  push(chunk: Buffer): Buffer[] {
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    const frames: Buffer[] = [];
    if (this.#pendingBytes < 4) return frames;
    let buffer = this.#pending.length === 1 ? (this.#pending[0] as Buffer) : Buffer.concat(this.#pending, this.#pendingBytes);
    let at = 0;
    while (buffer.length - at >= 4) {
      const size = buffer.readUInt32LE(at);
      if (buffer.length - at - 4 < size) break;
      frames.push(buffer.subarray(at + 4, at + 4 + size));
      at += 4 + size;
    }
    buffer = buffer.subarray(at);
    this.#pending = buffer.length === 0 ? [] : [buffer];
    this.#pendingBytes = buffer.length;
    return frames;
  }

  /** Bytes received that do not yet form a whole frame. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }
}
