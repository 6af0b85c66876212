/**
 * Characters XML 1.0 cannot hold at all, not even as character references:
 * C0 controls other than tab, line feed and carriage return, lone
 * surrogates, and U+FFFE/U+FFFF.
 */
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const REFERENCES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // Parsers turn a carriage return into a line feed and, in attributes, tabs and line breaks into spaces; references keep them.
  '\r': '&#13;',
  '\n': '&#10;',
  '\t': '&#9;',
};

/**
 * Text made safe for XML character data and attribute values: markup
 * characters and quotes become entity references, whitespace that parsers
 * would normalize becomes a character reference, and characters XML cannot
 * represent become U+FFFD.
 *
 * @example
 * xmlText('a < b & "c"'); // 'a &lt; b &amp; &quot;c&quot;'
 */
export function xmlText(text: string): string {
  return text.replace(NOT_XML, '\uFFFD').replace(/[&<>"'\r\n\t]/g, (c) => REFERENCES[c]!);
}
