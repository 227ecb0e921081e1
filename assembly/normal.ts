// The standard normal distribution, for gelu (elementwise.ts): its density φ and its CDF Φ.
//
//   φ(x) = e^(-x²/2)/√(2π)          Φ(x) = erfc(-x/√2)/2
//
// Φ goes through erfc, not 1 + erf: for x ≪ 0, 1 + erf(x/√2) would cancel to nothing while
// erfc(|x|/√2) keeps its relative precision (TensorFlow's gelu takes the same route).
//
// erfc(z) for z ≥ 0 is the approximation
//
//   erfc(z) ≈ t·exp(-z² + P(t)),   t = 1/(1 + z/2)
//
// with P the degree-11 polynomial that scripts/fit-erfc.ts fits by Chebyshev interpolation
// against the float64 erfc of src/backend/erfc.ts. The form is that of Numerical Recipes'
// erfcc (whose degree-9 fit is good to 1.2e-7); P's error is an error in ln erfc, so the
// relative error of erfc is at most 1.5e-8 for every z, a quarter of float32's unit roundoff.
// Everything here runs in f64 and rounds once at the end, so Φ and φ reach float32 to within
// about one rounding: f64 keeps -z² exact enough that the far tail keeps its precision too.

// P's coefficients, constant term first (printed by scripts/fit-erfc.ts).
const P0: f64 = -1.2655121185404363;
const P1: f64 = 0.9999985530341734;
const P2: f64 = 0.37507448476950767;
const P3: f64 = 0.081756791940733181;
const P4: f64 = -0.068137703993328191;
const P5: f64 = -0.26409587874625862;
const P6: f64 = 0.42285965240015866;
const P7: f64 = -1.3866666564824754;
const P8: f64 = 2.590129181566529;
const P9: f64 = -2.3462723844780458;
const P10: f64 = 1.0502335192237902;
const P11: f64 = -0.18936745509078415;

const SQRT_HALF: f64 = 0.7071067811865476; // 1/√2
const INV_SQRT_2PI: f64 = 0.3989422804014327; // 1/√(2π)

// erfc(z) for z ≥ 0: t·exp(-z² + P(t)), P by Horner's rule.
// @ts-ignore: decorator
@inline function erfcNonNegative(z: f64): f64 {
  const t = 1 / (1 + 0.5 * z);
  const p = P0 + t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * (P5 + t * (P6 + t * (P7 + t * (P8 + t * (P9 + t * (P10 + t * P11))))))))));
  return t * Math.exp(-z * z + p);
}

// Φ(x) = erfc(-x/√2)/2: for x < 0 directly, for x ≥ 0 as 1 - erfc(x/√2)/2.
// @ts-ignore: decorator
@inline export function normalCdf(x: f64): f64 {
  const half = 0.5 * erfcNonNegative(Math.abs(x) * SQRT_HALF);
  return x < 0 ? half : 1 - half;
}

// φ(x) = e^(-x²/2)/√(2π).
// @ts-ignore: decorator
@inline export function normalPdf(x: f64): f64 {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}
