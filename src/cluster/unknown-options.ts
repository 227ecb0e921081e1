/**
 * Unknown option keys are errors, not silently ignored: `kmeans(x, { k: 10, n_init: 10 })`
 * would otherwise run one start instead of ten. The error names the key and suggests the
 * valid key closest to it in edit distance.
 */

import { ConfigError } from '../errors.js';

/** Throws a ConfigError for the first key of `options` that is not in `known`. */
export function rejectUnknownOptions(where: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    throw new ConfigError(`${where}: unknown option '${key}'; did you mean '${closestName(key, known)}'? Valid options: ${known.join(', ')}`);
  }
}

/**
 * The name in `candidates` with the smallest edit distance to `name`, compared without case
 * and underscores, so 'n_init' and 'NInit' both find 'nInit'. Ties go to the earlier candidate.
 */
export function closestName(name: string, candidates: readonly string[]): string {
  const normalize = (s: string): string => s.toLowerCase().replace(/_/g, '');
  let best = candidates[0];
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(normalize(name), normalize(candidate));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Levenshtein distance: the fewest single-character insertions, deletions and substitutions
 * that turn a into b. One row of the dynamic-programming table at a time:
 *   row[j] = min(above + 1, left + 1, diagonal + [a_i ≠ b_j])
 */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}
