// Fused optimizer updates and weight penalties (see src/optimizers/ and src/regularizers.ts).
//
// What each export computes is its contract in src/backend/kernels.ts (Kernels.<name>); the
// comments here say only how. Each kernel walks its n values once, four lanes at a time with
// f32x4, then a scalar tail. Storages arrive as byte offsets into linear memory (usize),
// 16-byte aligned (the allocator guarantees it), booleans as i32 0/1. No kernel allocates.
// The updates take `kept` offsets (0 for none): where each is given, the kernel stores the
// values it is about to replace there (w, then each state buffer), in the same pass. Each
// returns 1 when every new value of w is finite, else 0 (checked in the same pass as in
// allFinite: x·0 is 0 for finite x and NaN otherwise, summed without a branch per lane).

import { madd } from './simd';

// The smallest normal float32, 2^-126. A state value (velocity, mean square, m, v) smaller
// than this in magnitude is stored as 0: see Kernels' optimizer section, which says why.
const SMALLEST_NORMAL: f32 = 1.1754943508222875e-38;

// x with every lane of magnitude below SMALLEST_NORMAL (a denormal, or ±0) set to +0; NaN and
// ±∞ lanes are kept (their comparison is false), so a non-finite state still shows.
// @ts-ignore: decorator
@inline function flushDenormals(x: v128): v128 {
  return v128.andnot(x, f32x4.lt(f32x4.abs(x), f32x4.splat(SMALLEST_NORMAL)));
}

// The scalar form of flushDenormals.
// @ts-ignore: decorator
@inline function flushDenormal(x: f32): f32 {
  return Mathf.abs(x) < SMALLEST_NORMAL ? 0 : x;
}

// contract: Kernels.sgdUpdate. With momentum 0 the velocity offset is never read (the
// caller passes 0 for a null velocity). -lr·g is computed once and used by both updates.
export function sgdUpdate(
  w: usize, g: usize, velocity: usize, n: i32, lr: f32, momentum: f32, nesterov: i32, keptW: usize, keptVelocity: usize,
): i32 {
  const vNegLr = f32x4.splat(-lr), vMomentum = f32x4.splat(momentum);
  const keep = keptW != 0;
  const zero = f32x4.splat(0);
  let finite = zero, tail: f32 = 0; // Σ w·0 over the new values
  let i = 0;
  if (momentum == 0) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const wi = v128.load(w + o);
      if (keep) v128.store(keptW + o, wi);
      const next = madd(vNegLr, v128.load(g + o), wi);
      v128.store(w + o, next);
      finite = f32x4.add(finite, f32x4.mul(next, zero));
    }
    for (; i < n; i++) {
      const o = <usize>i << 2;
      const wi = load<f32>(w + o);
      if (keep) store<f32>(keptW + o, wi);
      const next = wi - lr * load<f32>(g + o);
      store<f32>(w + o, next);
      tail += next * 0;
    }
    return isFiniteSum(finite, tail);
  }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const wi = v128.load(w + o), vi = v128.load(velocity + o);
    if (keep) {
      v128.store(keptW + o, wi);
      v128.store(keptVelocity + o, vi);
    }
    const step = f32x4.mul(vNegLr, v128.load(g + o)); // -lr·g
    const v = flushDenormals(madd(vMomentum, vi, step)); // v ← momentum·v - lr·g
    v128.store(velocity + o, v);
    const dw = nesterov ? madd(vMomentum, v, step) : v;
    const next = f32x4.add(wi, dw);
    v128.store(w + o, next);
    finite = f32x4.add(finite, f32x4.mul(next, zero));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const wi = load<f32>(w + o), vi = load<f32>(velocity + o);
    if (keep) {
      store<f32>(keptW + o, wi);
      store<f32>(keptVelocity + o, vi);
    }
    const step = -lr * load<f32>(g + o);
    const v = flushDenormal(momentum * vi + step);
    store<f32>(velocity + o, v);
    const dw = nesterov ? momentum * v + step : v;
    const next = wi + dw;
    store<f32>(w + o, next);
    tail += next * 0;
  }
  return isFiniteSum(finite, tail);
}

// 1 when Σ over the lanes of `sum` and `tail` (sums of x·0) is not NaN: every x was finite.
// @ts-ignore: decorator
@inline function isFiniteSum(sum: v128, tail: f32): i32 {
  const s = f32x4.extract_lane(sum, 0) + f32x4.extract_lane(sum, 1) + f32x4.extract_lane(sum, 2) + f32x4.extract_lane(sum, 3) + tail;
  return s == s ? 1 : 0;
}

// contract: Kernels.rmspropUpdate.
export function rmspropUpdate(
  w: usize, g: usize, meanSquare: usize, n: i32, lr: f32, rho: f32, epsilon: f32, keptW: usize, keptMeanSquare: usize,
): i32 {
  const oneMinusRho: f32 = 1 - rho;
  const vRho = f32x4.splat(rho), vOneMinusRho = f32x4.splat(oneMinusRho);
  const vLr = f32x4.splat(lr), vEpsilon = f32x4.splat(epsilon);
  const keep = keptW != 0;
  const zero = f32x4.splat(0);
  let finite = zero, tail: f32 = 0; // Σ w·0 over the new values
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const vg = v128.load(g + o), wi = v128.load(w + o), msi = v128.load(meanSquare + o);
    if (keep) {
      v128.store(keptW + o, wi);
      v128.store(keptMeanSquare + o, msi);
    }
    const ms = flushDenormals(madd(vRho, msi, f32x4.mul(vOneMinusRho, f32x4.mul(vg, vg)))); // ms ← rho·ms + (1-rho)·g²
    v128.store(meanSquare + o, ms);
    const step = f32x4.div(f32x4.mul(vLr, vg), f32x4.sqrt(f32x4.add(ms, vEpsilon))); // lr·g/sqrt(ms + ε)
    const next = f32x4.sub(wi, step);
    v128.store(w + o, next);
    finite = f32x4.add(finite, f32x4.mul(next, zero));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gi = load<f32>(g + o), wi = load<f32>(w + o), msi = load<f32>(meanSquare + o);
    if (keep) {
      store<f32>(keptW + o, wi);
      store<f32>(keptMeanSquare + o, msi);
    }
    const ms = flushDenormal(rho * msi + oneMinusRho * (gi * gi));
    store<f32>(meanSquare + o, ms);
    const next = wi - (lr * gi) / Mathf.sqrt(ms + epsilon);
    store<f32>(w + o, next);
    tail += next * 0;
  }
  return isFiniteSum(finite, tail);
}

// contract: Kernels.adamUpdate. Instead of the step t the caller passes the bias corrections
// biasCorrection1 = 1 - beta1^t and biasCorrection2 = 1 - beta2^t, computed once in f64.
// weightDecay = 0 leaves w exactly as it was before the Adam step (w - 0·w = w for finite w).
export function adamUpdate(
  w: usize, g: usize, m: usize, v: usize, n: i32,
  lr: f32, beta1: f32, beta2: f32, epsilon: f32,
  biasCorrection1: f32, biasCorrection2: f32, weightDecay: f32, keptW: usize, keptM: usize, keptV: usize,
): i32 {
  const oneMinusBeta1: f32 = 1 - beta1, oneMinusBeta2: f32 = 1 - beta2;
  const decay: f32 = lr * weightDecay;
  const vBeta1 = f32x4.splat(beta1), vOneMinusBeta1 = f32x4.splat(oneMinusBeta1);
  const vBeta2 = f32x4.splat(beta2), vOneMinusBeta2 = f32x4.splat(oneMinusBeta2);
  const vBc1 = f32x4.splat(biasCorrection1), vBc2 = f32x4.splat(biasCorrection2);
  const vLr = f32x4.splat(lr), vEpsilon = f32x4.splat(epsilon), vNegDecay = f32x4.splat(-decay);
  const keep = keptW != 0;
  const zero = f32x4.splat(0);
  let finite = zero, tail: f32 = 0; // Σ w·0 over the new values
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const vg = v128.load(g + o), wi = v128.load(w + o), mOld = v128.load(m + o), vOld = v128.load(v + o);
    if (keep) {
      v128.store(keptW + o, wi);
      v128.store(keptM + o, mOld);
      v128.store(keptV + o, vOld);
    }
    const mi = flushDenormals(madd(vBeta1, mOld, f32x4.mul(vOneMinusBeta1, vg))); //              m ← b1·m + (1-b1)·g
    const vi = flushDenormals(madd(vBeta2, vOld, f32x4.mul(vOneMinusBeta2, f32x4.mul(vg, vg)))); // v ← b2·v + (1-b2)·g²
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    const mHat = f32x4.div(mi, vBc1);
    const vHat = f32x4.div(vi, vBc2);
    const step = f32x4.div(f32x4.mul(vLr, mHat), f32x4.add(f32x4.sqrt(vHat), vEpsilon)); // lr·m̂/(sqrt(v̂) + ε)
    const decayed = madd(vNegDecay, wi, wi); // w - lr·wd·w
    const next = f32x4.sub(decayed, step);
    v128.store(w + o, next);
    finite = f32x4.add(finite, f32x4.mul(next, zero));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gi = load<f32>(g + o), wi = load<f32>(w + o), mOld = load<f32>(m + o), vOld = load<f32>(v + o);
    if (keep) {
      store<f32>(keptW + o, wi);
      store<f32>(keptM + o, mOld);
      store<f32>(keptV + o, vOld);
    }
    const mi = flushDenormal(beta1 * mOld + oneMinusBeta1 * gi);
    const vi = flushDenormal(beta2 * vOld + oneMinusBeta2 * (gi * gi));
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    const step = (lr * (mi / biasCorrection1)) / (Mathf.sqrt(vi / biasCorrection2) + epsilon);
    const next = wi - decay * wi - step;
    store<f32>(w + o, next);
    tail += next * 0;
  }
  return isFiniteSum(finite, tail);
}

// contract: Kernels.penalty. Each f32 is widened to f64 before it is summed (squares of f32
// are exact in f64), two f64x2 lanes per half vector.
export function penalty(w: usize, n: i32, l1: f64, l2: f64): f64 {
  let absSum = f64x2.splat(0), squareSum = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const x = v128.load(w + (<usize>i << 2));
    const low = f64x2.promote_low_f32x4(x); //                            lanes 0, 1
    const high = f64x2.promote_low_f32x4(f32x4.shuffle(x, x, 2, 3, 2, 3)); // lanes 2, 3
    absSum = f64x2.add(absSum, f64x2.add(f64x2.abs(low), f64x2.abs(high)));
    squareSum = f64x2.add(squareSum, f64x2.add(f64x2.mul(low, low), f64x2.mul(high, high)));
  }
  let abs = f64x2.extract_lane(absSum, 0) + f64x2.extract_lane(absSum, 1);
  let square = f64x2.extract_lane(squareSum, 0) + f64x2.extract_lane(squareSum, 1);
  for (; i < n; i++) {
    const x = <f64>load<f32>(w + (<usize>i << 2));
    abs += Math.abs(x);
    square += x * x;
  }
  return l1 * abs + l2 * square;
}

// contract: Kernels.penaltyGradient. sign(w) comes from comparison masks, without a branch.
export function penaltyGradient(w: usize, g: usize, n: i32, l1: f32, l2: f32): void {
  const twoL2: f32 = 2 * l2;
  const vL1 = f32x4.splat(l1), vTwoL2 = f32x4.splat(twoL2);
  const zero = f32x4.splat(0), one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const x = v128.load(w + o);
    // sign(x) = [x > 0] - [x < 0]: the comparison masks select 1.0 or 0.0
    const sign = f32x4.sub(v128.and(f32x4.gt(x, zero), one), v128.and(f32x4.lt(x, zero), one));
    v128.store(g + o, madd(vTwoL2, x, madd(vL1, sign, v128.load(g + o))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const x = load<f32>(w + o);
    const sign: f32 = x > 0 ? 1 : x < 0 ? -1 : 0;
    store<f32>(g + o, load<f32>(g + o) + l1 * sign + twoL2 * x);
  }
}

// ---- blocks, for threads ----------------------------------------------------------------------

// Where block `block` of `blocks` over n values starts, cut at whole f32x4 vectors; block
// `blocks` "starts" at n, so the scalar tail (n % 4 values) stays with the last block. A block
// then runs exactly the vector and scalar steps the whole call runs on its values, so any
// split gives the same bits.
// @ts-ignore: decorator
@inline function blockStart(block: i32, blocks: i32, n: i32): i32 {
  return block >= blocks ? n : <i32>(<i64>block * (n >> 2) / blocks) << 2;
}

// A `kept` offset moved on by o bytes; 0 (keep nothing) stays 0.
// @ts-ignore: decorator
@inline function keptAt(kept: usize, o: usize): usize {
  return kept == 0 ? 0 : kept + o;
}

// Block `block` of `blocks` of adamUpdate over n values (see blockStart), and whether its new
// values of w are finite; threads.ts runs the blocks on several threads.
export function adamUpdateBlock(
  w: usize, g: usize, m: usize, v: usize, n: i32,
  lr: f32, beta1: f32, beta2: f32, epsilon: f32,
  biasCorrection1: f32, biasCorrection2: f32, weightDecay: f32, keptW: usize, keptM: usize, keptV: usize, block: i32, blocks: i32,
): i32 {
  const start = blockStart(block, blocks, n), end = blockStart(block + 1, blocks, n);
  const o = <usize>start << 2;
  return adamUpdate(w + o, g + o, m + o, v + o, end - start, lr, beta1, beta2, epsilon, biasCorrection1, biasCorrection2, weightDecay,
    keptAt(keptW, o), keptAt(keptM, o), keptAt(keptV, o));
}

// Block `block` of `blocks` of rmspropUpdate over n values (see blockStart).
export function rmspropUpdateBlock(
  w: usize, g: usize, meanSquare: usize, n: i32, lr: f32, rho: f32, epsilon: f32, keptW: usize, keptMeanSquare: usize,
  block: i32, blocks: i32,
): i32 {
  const start = blockStart(block, blocks, n), end = blockStart(block + 1, blocks, n);
  const o = <usize>start << 2;
  return rmspropUpdate(w + o, g + o, meanSquare + o, end - start, lr, rho, epsilon, keptAt(keptW, o), keptAt(keptMeanSquare, o));
}
