/** V8 shares the characters of slices at least this long with the sliced string instead of copying them. */
const SHARED_SLICE_LENGTH = 13;

/**
 * A slice of a file's text that owns its characters: V8 represents longer
 * slices as views into the whole text, so a row keeping one would keep the
 * whole file alive.
 *
 * @example
 * detachedSlice(text, node.startIndex, node.endIndex);
 */
export function detachedSlice(text: string, start: number, end: number): string {
  const slice = text.slice(start, end);
  return slice.length < SHARED_SLICE_LENGTH ? slice : Buffer.from(slice, 'utf16le').toString('utf16le');
}

/**
 * An identifier as Python sees it: NFKC-normalised (PEP 3131; ASCII needs
 * no work), and detached from the file's text (see {@link detachedSlice}).
 *
 * @example
 * pythonIdentifier(text, 0, 3); // 'ﬁx' in the source reads as 'fix'
 */
export function pythonIdentifier(text: string, start: number, end: number): string {
  const slice = text.slice(start, end);
  const name = /[\u0080-\uffff]/.test(slice) ? slice.normalize('NFKC') : slice;
  return name.length < SHARED_SLICE_LENGTH ? name : Buffer.from(name, 'utf16le').toString('utf16le');
}
