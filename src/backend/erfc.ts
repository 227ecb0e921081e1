/**
 * The complementary error function in float64, for the reference backend's gelu:
 *
 *   erfc(x) = 1 - erf(x) = (2/√π)·∫_x^∞ e^(-s²) ds,      Φ(x) = erfc(-x/√2)/2
 *
 * where Φ is the standard normal CDF. JavaScript's Math has no erf, so this computes it from
 * two textbook expansions (Abramowitz & Stegun 7.1.6 and 7.1.14), each where it converges
 * fast and without cancellation; the relative error is below 1e-14 for every x (test/backend/
 * erfc.test.ts checks it against numerical integration). Speed is not a goal: the wasm kernel
 * uses a fitted approximation instead (assembly/normal.ts).
 */

const SQRT_PI = Math.sqrt(Math.PI);

/** erfc(x) for every x; erfc(-x) = 2 - erfc(x). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 1) return 1 - erfSeries(x);
  return Math.exp(-x * x) * scaledErfc(x);
}

/**
 * erf(x) = (2/√π)·e^(-x²)·Σ_{n≥0} 2ⁿ·x^(2n+1) / (1·3·5···(2n+1))        (A&S 7.1.6)
 * Every term is positive, so the sum does not cancel; used for 0 ≤ x < 1, where 1 - erf(x)
 * loses less than one digit.
 */
function erfSeries(x: number): number {
  let term = x, sum = x;
  for (let n = 1; term > sum * 1e-17; n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
  }
  return (2 / SQRT_PI) * Math.exp(-x * x) * sum;
}

/**
 * e^(x²)·erfc(x) for x ≥ 1, by the continued fraction                   (A&S 7.1.14)
 *
 *   e^(x²)·erfc(x) = (1/√π) · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
 *
 * evaluated from the bottom up. 200 levels reach float64 precision at x = 1 and above (the
 * fraction converges faster as x grows). The scaled form does not underflow, so it also
 * serves where erfc(x) itself is below the smallest float64 (x > 26).
 */
export function scaledErfc(x: number): number {
  let fraction = x;
  for (let k = 200; k >= 1; k--) fraction = x + k / 2 / fraction;
  return 1 / (SQRT_PI * fraction);
}
