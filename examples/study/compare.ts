/**
 * Is a variant really better than the baseline on the test images, or is the difference
 * the luck of which 2,000 images were drawn? McNemar's test answers it for two classifiers
 * scored on the same images: only the images on which they disagree carry information.
 *
 *   b = images only the variant gets right,  c = images only the baseline gets right
 *   z = (b − c) / √(b + c)
 *
 * If the two were equally good, each disagreement would go either way with probability ½,
 * so b − c would have mean 0 and standard deviation √(b + c): |z| ≥ 1.96 happens by chance
 * less than 5% of the time (normal approximation, fair once b + c is above about 25).
 */

export interface PairedComparison {
  /** Images only the variant classifies correctly (b). */
  onlyVariant: number;
  /** Images only the baseline classifies correctly (c). */
  onlyBaseline: number;
  /** (b − c) / √(b + c); 0 when they never disagree. */
  z: number;
  /** |z| ≥ Z_CRITICAL: a difference chance alone would rarely make. */
  significant: boolean;
}

/** Two-sided 5% critical value of the standard normal. */
export const Z_CRITICAL = 1.96;

export function mcnemar(baselineCorrect: Uint8Array, variantCorrect: Uint8Array): PairedComparison {
  let b = 0, c = 0;
  for (let i = 0; i < baselineCorrect.length; i++) {
    if (variantCorrect[i] && !baselineCorrect[i]) b++;
    else if (baselineCorrect[i] && !variantCorrect[i]) c++;
  }
  const z = b + c === 0 ? 0 : (b - c) / Math.sqrt(b + c);
  return { onlyVariant: b, onlyBaseline: c, z, significant: Math.abs(z) >= Z_CRITICAL };
}
