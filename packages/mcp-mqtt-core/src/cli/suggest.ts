/** Edit distance (insertions, deletions, substitutions), for "did you mean" suggestions. */
export function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The candidate a mistyped name most likely meant: the closest within 2 edits, else the only
 * candidate that starts with it (or that it starts with: `weather-station` for `weather`).
 */
export function closestMatch(input: string, candidates: readonly string[]): string | undefined {
  const typed = input.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = levenshtein(typed, name.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
  }
  if (best) return best.name;
  const prefixed = candidates.filter(
    (name) => typed.length >= 2 && (name.startsWith(typed) || typed.startsWith(name)),
  );
  return prefixed.length === 1 ? prefixed[0] : undefined;
}
