// Vector helpers shared by the kernels (not exported from the module).

// a·b + c per lane. The relaxed build fuses it into one rounding (f32x4.relaxed_madd); the
// plain build multiplies, rounds, then adds, exactly as the scalar tails do, so its results
// do not depend on the engine. The sum is written c + a·b: the accumulator c is the first
// operand, the one a two-operand x64 `addps` overwrites, which spares a register move in
// gemm's inner loop on CPUs without AVX.
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}
