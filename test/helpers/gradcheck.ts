/**
 * Central-difference gradient checking, shared by the layer, loss and model tests.
 *
 *   ∂f/∂θ_i ≈ (f(θ + h·e_i) - f(θ - h·e_i)) / 2h      (error O(h²))
 *
 * Run on the float64 reference backend, the truncation error at h = 1e-5 is ~1e-10 and
 * rounding ~1e-11, so a tolerance of 1e-6 (relative to the gradient's scale) passes every
 * correct backward and rejects a wrong sign, a missing term or a scale off by a constant.
 */

/** Numeric gradient of f with respect to the values in `params` (perturbed in place). */
export function numericGradient(f: () => number, params: { length: number; [i: number]: number }, h = 1e-5): Float64Array {
  const grad = new Float64Array(params.length);
  for (let i = 0; i < params.length; i++) {
    const saved = params[i];
    params[i] = saved + h;
    const plus = f();
    params[i] = saved - h;
    const minus = f();
    params[i] = saved;
    grad[i] = (plus - minus) / (2 * h);
  }
  return grad;
}

/** Largest |a - n| relative to max(1, max|n|): the figure a check compares to its tolerance. */
export function gradientError(analytic: ArrayLike<number>, numeric: ArrayLike<number>): number {
  if (analytic.length !== numeric.length) return Infinity;
  let scale = 1, worst = 0;
  for (let i = 0; i < numeric.length; i++) scale = Math.max(scale, Math.abs(numeric[i]));
  for (let i = 0; i < numeric.length; i++) worst = Math.max(worst, Math.abs(analytic[i] - numeric[i]));
  return worst / scale;
}

/** Wrong gradients for "would this check catch it?" tests: in place, g = factor·g. */
export function scaleGradient(g: { length: number; [i: number]: number }, factor: number): void {
  for (let i = 0; i < g.length; i++) g[i] *= factor;
}
