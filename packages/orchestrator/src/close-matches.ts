/** Edit distance (insertions, deletions, substitutions) between two strings, by code point. */
function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= y.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[y.length] ?? 0;
}

/**
 * The candidates closest to a name nobody has, for "did you mean" lists:
 * those within a few edits of it (ignoring case) or containing it, closest
 * first, ties by name. The same inputs always give the same list.
 *
 * @example
 * closeMatches('chepest', ['cheapest', 'checkout', 'main']); // ['cheapest']
 */
export function closeMatches(name: string, candidates: Iterable<string>, limit = 5): string[] {
  const query = name.toLowerCase();
  const allowed = Math.max(2, Math.floor([...query].length / 3));
  const scored: { candidate: string; score: number }[] = [];
  for (const candidate of new Set(candidates)) {
    const lower = candidate.toLowerCase();
    const distance = editDistance(query, lower);
    // A candidate containing the name ranks by how much longer it is, after every near miss.
    const score = distance <= allowed ? distance : lower.includes(query) ? allowed + 1 + (lower.length - query.length) / 1000 : Infinity;
    if (score !== Infinity) scored.push({ candidate, score });
  }
  scored.sort((a, b) => a.score - b.score || (a.candidate < b.candidate ? -1 : a.candidate > b.candidate ? 1 : 0));
  return scored.slice(0, limit).map((s) => s.candidate);
}
