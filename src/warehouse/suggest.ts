/**
 * "Did you mean": the known name closest to a mistyped one, for the messages that reject an
 * unknown table, metric, field or setting. (Commander does the same for commands and options.)
 */

/**
 * Damerau–Levenshtein distance (the optimal string alignment variant): insertions, deletions,
 * substitutions and swaps of two neighbours, the slips a hand makes, each costing one.
 */
export function editDistance(a: string, b: string): number {
  // Rows i-2, i-1 and i of the distance matrix.
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      row.push(d);
    }
    before = prev;
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The candidate nearest to `input` (ignoring case: `Orders` finds orders), if near enough to be a slip: one edit for a
 * name of up to three characters, else two, or a third of the length for long names. Ties go
 * to the earlier candidate.
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const typed = input.toLowerCase();
  const limit = typed.length <= 3 ? 1 : Math.max(2, Math.floor(typed.length / 3));
  let best: { name: string; d: number } | undefined;
  for (const name of candidates) {
    const d = editDistance(typed, name.toLowerCase());
    if (name !== input && d <= limit && (!best || d < best.d)) best = { name, d };
  }
  return best?.name;
}

/** "Did you mean X? " (to lead a hint), or nothing when no candidate is near. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const name = closest(input, candidates);
  return name === undefined ? '' : `Did you mean ${name}? `;
}
