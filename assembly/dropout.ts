// Dropout: a mask from a counter-based hash, applied forward and reused backward.
//
// What each export computes is its contract in src/backend/kernels.ts (Kernels.<name>); the
// comments here say only how.
// The i-th random word is hash32(key + i) ("lowbias32", the same function as hash32 in
// src/random.ts, bit for bit), so the mask depends only on (key, i): not on the backend,
// the SIMD width or the order of evaluation. Four counters go through the hash at once as
// i32x4 lanes; i32x4.mul keeps the low 32 bits of each product, exactly like Math.imul.

// lowbias32 on four lanes: x ^= x>>>16; x *= 0x7feb352d; x ^= x>>>15; x *= 0x846ca68b; x ^= x>>>16.
// @ts-ignore: decorator
@inline function hash32x4(x: v128): v128 {
  x = v128.xor(x, i32x4.shr_u(x, 16));
  x = i32x4.mul(x, i32x4.splat(0x7feb352d));
  x = v128.xor(x, i32x4.shr_u(x, 15));
  x = i32x4.mul(x, i32x4.splat(<i32>0x846ca68b));
  x = v128.xor(x, i32x4.shr_u(x, 16));
  return x;
}

// The same hash on one value.
// @ts-ignore: decorator
@inline function hash32(x: u32): u32 {
  x ^= x >>> 16;
  x *= 0x7feb352d;
  x ^= x >>> 15;
  x *= 0x846ca68b;
  x ^= x >>> 16;
  return x;
}

// contract: Kernels.dropoutForward, with the rate passed as the integer threshold =
// ceil(rate·2^24): for the 24 random bits k_i = hash32(key + i) >>> 8, u_i = k_i·2^-24 ≥ rate
// ⇔ k_i ≥ threshold exactly, so the lanes compare integers. key + i wraps modulo 2^32.
export function dropoutForward(x: usize, mask: usize, y: usize, n: i32, key: u32, threshold: u32, keepScale: f32): void {
  const vthreshold = i32x4.splat(threshold);
  const vscale = f32x4.splat(keepScale);
  let counter = i32x4.add(i32x4.splat(key), i32x4(0, 1, 2, 3));
  const four = i32x4.splat(4);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const k = i32x4.shr_u(hash32x4(counter), 8);
    // keep = all ones where k ≥ threshold; the mask is keepScale there and +0 elsewhere
    const m = v128.and(i32x4.ge_u(k, vthreshold), vscale);
    v128.store(mask + o, m);
    v128.store(y + o, f32x4.mul(v128.load(x + o), m));
    counter = i32x4.add(counter, four);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const k = hash32(key + <u32>i) >>> 8;
    const m: f32 = k >= threshold ? keepScale : 0;
    store<f32>(mask + o, m);
    store<f32>(y + o, load<f32>(x + o) * m);
  }
}

// contract: Kernels.dropoutBackward.
export function dropoutBackward(dy: usize, mask: usize, dx: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dx + o, f32x4.mul(v128.load(dy + o), v128.load(mask + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dx + o, load<f32>(dy + o) * load<f32>(mask + o));
  }
}
