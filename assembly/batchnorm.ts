// Batch normalization: training forward, inference forward, backward, moving averages.
//
// What each export computes is its contract in src/backend/kernels.ts (Kernels.<name>); the
// comments here say only how. A batch is an m×n matrix at a 16-byte aligned byte offset.
// Statistics are per feature, i.e. per column: every kernel goes through the batch row by
// row, four columns at a time (one f32x4 holds the same statistic of four features), adding
// into per-column n-vectors; a scalar loop finishes the last n % 4 columns. Walking down a
// column instead would, with n a power of two, map every row to the same few cache sets
// (measured 5× slower at n = 512). Optional vectors (gamma, beta) arrive as offset 0 when
// absent: no allocation starts at 0 (the allocator's first range is the gemm workspace).

import { add, scale } from './elementwise';
import { madd } from './simd';

// contract: Kernels.batchNormForwardTraining. The outputs mean, variance and invStd double
// as the column accumulators of the first two passes, so no scratch is needed.
// Variance is the corrected two-pass form (Chan, Golub & LeVeque): with the f32 mean estimate
// mean0 and d = x - mean0, c = Σd/m is the rounding error of mean0 and
// variance = Σd²/m - c². c is tiny, so nothing cancels (unlike E[x²] - E[x]²), and
// mean = mean0 + c is exact to f32 rounding even when x ≈ 1e4 and the spread is small.
export function batchNormForwardTraining(
  x: usize, gamma: usize, beta: usize, y: usize, xhat: usize,
  mean: usize, variance: usize, invStd: usize, m: i32, n: i32, epsilon: f32,
): void {
  if (m <= 0) return;
  const rowBytes = <usize>n << 2;
  const fm = <f32>m;
  // pass 1: mean ← Σ_i x[i,:], then mean0 = Σx/m
  memory.fill(mean, 0, rowBytes);
  for (let i = 0; i < m; i++) add(mean, x + <usize>i * rowBytes, mean, n);
  scale(mean, 1 / fm, mean, n);
  // pass 2: variance ← Σ_i d, invStd ← Σ_i d²   (d = x - mean0)
  memory.fill(variance, 0, rowBytes);
  memory.fill(invStd, 0, rowBytes);
  for (let i = 0; i < m; i++) {
    const xr = x + <usize>i * rowBytes;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      const d = f32x4.sub(v128.load(xr + o), v128.load(mean + o));
      v128.store(variance + o, f32x4.add(v128.load(variance + o), d));
      v128.store(invStd + o, madd(d, d, v128.load(invStd + o)));
    }
    for (; j < n; j++) {
      const o = <usize>j << 2;
      const d = load<f32>(xr + o) - load<f32>(mean + o);
      store<f32>(variance + o, load<f32>(variance + o) + d);
      store<f32>(invStd + o, load<f32>(invStd + o) + d * d);
    }
  }
  // per column: c = Σd/m, mean = mean0 + c, variance = Σd²/m - c², invStd = 1/sqrt(variance + epsilon)
  for (let j = 0; j < n; j++) {
    const o = <usize>j << 2;
    const c = load<f32>(variance + o) / fm;
    const v = Mathf.max(load<f32>(invStd + o) / fm - c * c, 0);
    store<f32>(mean + o, load<f32>(mean + o) + c);
    store<f32>(variance + o, v);
    store<f32>(invStd + o, 1 / Mathf.sqrt(v + epsilon));
  }
  // pass 3: xhat = (x - mean)·invStd, y = gamma·xhat + beta
  const one = f32x4.splat(1), zero = f32x4.splat(0);
  for (let i = 0; i < m; i++) {
    const r = <usize>i * rowBytes;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      const xh = f32x4.mul(f32x4.sub(v128.load(x + r + o), v128.load(mean + o)), v128.load(invStd + o));
      v128.store(xhat + r + o, xh);
      v128.store(y + r + o, madd(gamma ? v128.load(gamma + o) : one, xh, beta ? v128.load(beta + o) : zero));
    }
    for (; j < n; j++) {
      const o = <usize>j << 2;
      const xh = (load<f32>(x + r + o) - load<f32>(mean + o)) * load<f32>(invStd + o);
      store<f32>(xhat + r + o, xh);
      store<f32>(y + r + o, (gamma ? load<f32>(gamma + o) : 1) * xh + (beta ? load<f32>(beta + o) : 0));
    }
  }
}

// contract: Kernels.batchNormForwardInference, computed as (x - movingMean)·s + beta with
// s = gamma/sqrt(movingVariance + epsilon), so a large mean cancels before scaling; s is
// recomputed per row to need no scratch.
export function batchNormForwardInference(
  x: usize, gamma: usize, beta: usize, movingMean: usize, movingVariance: usize,
  y: usize, m: i32, n: i32, epsilon: f32,
): void {
  const rowBytes = <usize>n << 2;
  const veps = f32x4.splat(epsilon), one = f32x4.splat(1), zero = f32x4.splat(0);
  for (let i = 0; i < m; i++) {
    const r = <usize>i * rowBytes;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      const s = f32x4.div(gamma ? v128.load(gamma + o) : one, f32x4.sqrt(f32x4.add(v128.load(movingVariance + o), veps)));
      const centred = f32x4.sub(v128.load(x + r + o), v128.load(movingMean + o));
      v128.store(y + r + o, madd(centred, s, beta ? v128.load(beta + o) : zero));
    }
    for (; j < n; j++) {
      const o = <usize>j << 2;
      const s = (gamma ? load<f32>(gamma + o) : 1) / Mathf.sqrt(load<f32>(movingVariance + o) + epsilon);
      store<f32>(y + r + o, (load<f32>(x + r + o) - load<f32>(movingMean + o)) * s + (beta ? load<f32>(beta + o) : 0));
    }
  }
}

// contract: Kernels.batchNormBackward. dgamma and dbeta are the accumulators of the first
// pass; the second pass writes dx row by row from them.
export function batchNormBackward(
  dy: usize, xhat: usize, gamma: usize, invStd: usize, dx: usize,
  dgamma: usize, dbeta: usize, m: i32, n: i32,
): void {
  const rowBytes = <usize>n << 2;
  const fm = <f32>m;
  // pass 1: dbeta ← Σ_i dy, dgamma ← Σ_i dy·xhat
  memory.fill(dbeta, 0, rowBytes);
  memory.fill(dgamma, 0, rowBytes);
  for (let i = 0; i < m; i++) {
    const r = <usize>i * rowBytes;
    add(dbeta, dy + r, dbeta, n);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      v128.store(dgamma + o, madd(v128.load(dy + r + o), v128.load(xhat + r + o), v128.load(dgamma + o)));
    }
    for (; j < n; j++) {
      const o = <usize>j << 2;
      store<f32>(dgamma + o, load<f32>(dgamma + o) + load<f32>(dy + r + o) * load<f32>(xhat + r + o));
    }
  }
  // pass 2: dx = a·(N·dy - dbeta - xhat·dgamma),  a = gamma·invStd/N
  const vm = f32x4.splat(fm), vinvm = f32x4.splat(1 / fm), one = f32x4.splat(1);
  for (let i = 0; i < m; i++) {
    const r = <usize>i * rowBytes;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      const a = f32x4.mul(f32x4.mul(gamma ? v128.load(gamma + o) : one, v128.load(invStd + o)), vinvm);
      const meanPath = f32x4.sub(f32x4.mul(vm, v128.load(dy + r + o)), v128.load(dbeta + o));
      const t = f32x4.sub(meanPath, f32x4.mul(v128.load(xhat + r + o), v128.load(dgamma + o)));
      v128.store(dx + r + o, f32x4.mul(a, t));
    }
    for (; j < n; j++) {
      const o = <usize>j << 2;
      const a = (gamma ? load<f32>(gamma + o) : 1) * load<f32>(invStd + o) * (1 / fm);
      const t = fm * load<f32>(dy + r + o) - load<f32>(dbeta + o) - load<f32>(xhat + r + o) * load<f32>(dgamma + o);
      store<f32>(dx + r + o, a * t);
    }
  }
}

// contract: Kernels.movingAverage.
export function movingAverage(moving: usize, value: usize, momentum: f32, n: i32): void {
  const vmom = f32x4.splat(momentum), vrest = f32x4.splat(1 - momentum);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const o = <usize>j << 2;
    v128.store(moving + o, f32x4.add(f32x4.mul(v128.load(moving + o), vmom), f32x4.mul(v128.load(value + o), vrest)));
  }
  for (; j < n; j++) {
    const o = <usize>j << 2;
    store<f32>(moving + o, load<f32>(moving + o) * momentum + load<f32>(value + o) * (1 - momentum));
  }
}
