// Derives the polynomial of the wasm kernel's erfc (assembly/normal.ts):
//
//   erfc(z) ≈ t·exp(-z² + P(t)),   t = 1/(1 + z/2),   z ≥ 0
//
// So P(t) must approximate g(t) = ln(erfc(z)/t) + z². As z runs over [0, ∞), t runs over
// (0, 1], and g is smooth there, with g(0) = ln(1/(2√π)) in the limit z → ∞. This form (the
// one of Numerical Recipes' erfcc) makes the error of P an error in ln erfc, i.e. a relative
// error of erfc, uniform from z = 0 into the far tail. P is the degree-11 polynomial that
// interpolates g at the Chebyshev nodes of [0, 1] (within a small factor of the best uniform
// fit), rewritten in powers of t for Horner's rule.
//
//   npx tsx scripts/fit-erfc.ts        prints the coefficients and the largest |P - g|
import { erfc, scaledErfc } from '../src/backend/erfc.js';

const DEGREE = 11;

/** g(t) = ln(erfc(z)/t) + z² with z = 2(1 - t)/t, through the scaled erfc where erfc underflows. */
function g(t: number): number {
  if (t === 0) return Math.log(1 / (2 * Math.sqrt(Math.PI)));
  const z = (2 * (1 - t)) / t;
  return z < 1 ? Math.log(erfc(z) / t) + z * z : Math.log(scaledErfc(z) / t);
}

// Chebyshev interpolation on [0, 1]: nodes t_k = (1 + cos(π(k + ½)/n))/2, coefficients
// c_j = (2/n)·Σ_k g(t_k)·cos(πj(k + ½)/n) (c_0 halved), so g ≈ Σ_j c_j·T_j(2t - 1).
const n = DEGREE + 1;
const values = Array.from({ length: n }, (_, k) => g((1 + Math.cos((Math.PI * (k + 0.5)) / n)) / 2));
const chebyshev = Array.from({ length: n }, (_, j) => {
  let sum = 0;
  for (let k = 0; k < n; k++) sum += values[k] * Math.cos((Math.PI * j * (k + 0.5)) / n);
  return ((j === 0 ? 1 : 2) * sum) / n;
});

// Powers of u = 2t - 1: T_0 = 1, T_1 = u, T_{j+1} = 2u·T_j - T_{j-1}; then u^i = Σ_k C(i,k)·2^k·t^k·(-1)^(i-k).
const inU = new Array<number>(n).fill(0);
let previous = [1], current = [0, 1];
inU[0] += chebyshev[0];
inU[1] += chebyshev[1];
for (let j = 2; j < n; j++) {
  const next = new Array<number>(j + 1).fill(0);
  current.forEach((c, i) => { next[i + 1] += 2 * c; });
  previous.forEach((c, i) => { next[i] -= c; });
  next.forEach((c, i) => { inU[i] += chebyshev[j] * c; });
  [previous, current] = [current, next];
}
const inT = new Array<number>(n).fill(0);
for (let i = 0; i < n; i++) {
  let binomial = 1;
  for (let k = 0; k <= i; k++) {
    inT[k] += inU[i] * binomial * 2 ** k * (-1) ** (i - k);
    binomial = (binomial * (i - k)) / (k + 1);
  }
}

const horner = (t: number): number => inT.reduceRight((sum, c) => sum * t + c, 0);
let worst = 0;
for (let i = 0; i <= 100_000; i++) worst = Math.max(worst, Math.abs(horner(i / 100_000) - g(i / 100_000)));
console.log(`P(t), degree ${DEGREE}, from t^0 up:`);
for (const c of inT) console.log(`  ${c.toPrecision(17)}`);
console.log(`largest |P(t) - g(t)| on [0, 1]: ${worst.toExponential(2)} (the relative error of erfc, before rounding)`);
