const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML content and quoted attribute values alike. Every
 * string that comes from data (file names, view names, rationales) goes
 * through it: a file may well be called `<script>.py`.
 *
 * @example
 * htmlText('a<b & "c"'); // 'a&lt;b &amp; &quot;c&quot;'
 */
export function htmlText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}
