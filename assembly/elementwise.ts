// Elementwise kernels, bias add, reductions, activations and softmax cross-entropy.
//
// What each export computes is its contract in src/backend/kernels.ts (Kernels.<name>); the
// comments here say only how. Storages arrive as byte offsets into linear memory (usize),
// 16-byte aligned (the allocator guarantees it), booleans as i32 0/1, sizes in elements.
// Each loop runs four lanes at a time with f32x4, then finishes the tail in scalar code.

import { normalCdf, normalPdf } from './normal';

// contract: Kernels.scale.
export function scale(x: usize, alpha: f32, y: usize, n: i32): void {
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.mul(v128.load(x + o), va));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, alpha * load<f32>(x + o));
  }
}

// contract: Kernels.add.
export function add(a: usize, b: usize, y: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.add(v128.load(a + o), v128.load(b + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(a + o) + load<f32>(b + o));
  }
}

// contract: Kernels.axpy.
export function axpy(alpha: f32, x: usize, y: usize, n: i32): void {
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(va, v128.load(x + o))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(y + o) + alpha * load<f32>(x + o));
  }
}

// contract: Kernels.fill.
export function fill(x: usize, value: f32, n: i32): void {
  const vv = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(x + (<usize>i << 2), vv);
  for (; i < n; i++) store<f32>(x + (<usize>i << 2), value);
}

// contract: Kernels.copy. memory.copy is a memmove, so here any overlap would be safe.
export function copy(src: usize, dst: usize, n: i32): void {
  memory.copy(dst, src, <usize>n << 2);
}

// contract: Kernels.allFinite; returns 1 or 0. x·0 is 0 for finite x and NaN for NaN or
// ±Infinity, so the sum of x·0 is NaN exactly when some x[i] is not finite: no branch per lane.
export function allFinite(x: usize, n: i32): i32 {
  const zero = f32x4.splat(0);
  let acc = zero;
  let i = 0;
  for (; i + 4 <= n; i += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(x + (<usize>i << 2)), zero));
  let s: f32 = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  for (; i < n; i++) s += load<f32>(x + (<usize>i << 2)) * 0;
  return s == s ? 1 : 0;
}

// contract: Kernels.biasAdd. Row by row, four columns at a time.
export function biasAdd(x: usize, bias: usize, y: usize, m: i32, n: i32): void {
  const rowBytes = <usize>n << 2;
  for (let i = 0; i < m; i++) {
    const xr = x + <usize>i * rowBytes, yr = y + <usize>i * rowBytes;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      v128.store(yr + o, f32x4.add(v128.load(xr + o), v128.load(bias + o)));
    }
    for (; j < n; j++) {
      const o = <usize>j << 2;
      store<f32>(yr + o, load<f32>(xr + o) + load<f32>(bias + o));
    }
  }
}

// contract: Kernels.columnSums. Rows are added into out one after another: walking down a
// column instead strides by the row length, and at power-of-two widths every row lands in
// the same cache set.
export function columnSums(x: usize, out: usize, m: i32, n: i32, accumulate: i32): void {
  if (!accumulate) fill(out, 0, n);
  const rowBytes = <usize>n << 2;
  for (let i = 0; i < m; i++) add(out, x + <usize>i * rowBytes, out, n);
}

// The activation kinds, as the kernels receive them. The module exports each member as a
// global named `Activation.<name>`, from which src/backend/wasm.ts takes the code for each
// ActivationKind of src/backend/kernels.ts: a new kind is a member here of the same name,
// plus its branches in activationForward and activationBackward.
export enum Activation {
  relu,
  sigmoid,
  tanh,
  leakyRelu,
  elu,
  selu,
  gelu,
  softplus,
  swish,
}

// SELU's constants (Klambauer et al. 2017): λ and λ·α, α = 1.6732632423543772. Keras's
// 9-digit 1.05070098 and 1.67326324 round to the same float32 values.
const SELU_SCALE: f32 = 1.0507009873554805;
const SELU_SCALE_ALPHA: f32 = 1.7580993408473766;

// contract: Kernels.activationForward. relu and leakyRelu run four lanes at a time; the
// others are scalar (there is no vector exp).
export function activationForward(kind: Activation, x: usize, y: usize, n: i32, alpha: f32): void {
  let i = 0;
  if (kind == Activation.relu) {
    const zero = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(y + o, f32x4.max(v128.load(x + o), zero));
    }
    for (; i < n; i++) {
      const o = <usize>i << 2;
      store<f32>(y + o, Mathf.max(load<f32>(x + o), 0)); // NaN stays NaN, as f32x4.max does
    }
  } else if (kind == Activation.leakyRelu) {
    // y = x where x > 0, else α·x: a lane select on the mask x > 0 (NaN fails it: α·NaN = NaN)
    const zero = f32x4.splat(0), va = f32x4.splat(alpha);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const v = v128.load(x + o);
      v128.store(y + o, v128.bitselect(v, f32x4.mul(va, v), f32x4.gt(v, zero)));
    }
    for (; i < n; i++) {
      const o = <usize>i << 2;
      const v = load<f32>(x + o);
      store<f32>(y + o, v > 0 ? v : alpha * v);
    }
  } else {
    for (; i < n; i++) {
      const o = <usize>i << 2;
      store<f32>(y + o, scalarForward(kind, load<f32>(x + o), alpha));
    }
  }
}

// f(x) of the scalar kinds.
// @ts-ignore: decorator
@inline function scalarForward(kind: Activation, x: f32, alpha: f32): f32 {
  switch (kind) {
    case Activation.sigmoid: return sigmoid(x);
    case Activation.tanh: return tanhf(x);
    // elu: x > 0 ? x : α·(e^x - 1), with expm1 so small |x| keeps its precision
    case Activation.elu: return x > 0 ? x : alpha * Mathf.expm1(x);
    // selu: λ·elu(x) with SELU's α
    case Activation.selu: return x > 0 ? SELU_SCALE * x : SELU_SCALE_ALPHA * Mathf.expm1(x);
    // gelu: x·Φ(x), Φ the standard normal CDF (normal.ts), in f64 and rounded once
    case Activation.gelu: return <f32>(<f64>x * normalCdf(<f64>x));
    // softplus: ln(1 + e^x) = max(x, 0) + ln(1 + e^-|x|), which never overflows
    case Activation.softplus: return Mathf.max(x, 0) + Mathf.log1p(Mathf.exp(-Mathf.abs(x)));
    // swish (silu): x·σ(x)
    case Activation.swish: return x * sigmoid(x);
    default: return x;
  }
}

// Logistic sigmoid without overflow: for x<0 use e^x/(1+e^x).
// @ts-ignore: decorator
@inline function sigmoid(x: f32): f32 {
  if (x >= 0) return 1 / (1 + Mathf.exp(-x));
  const e = Mathf.exp(x);
  return e / (1 + e);
}

// tanh(x) = (e^{2x}-1)/(e^{2x}+1) = u/(u+2) with u = expm1(2x), saturating cleanly for
// large |x|. expm1 keeps full relative precision near 0, where e^{2x}-1 would cancel.
// @ts-ignore: decorator
@inline function tanhf(x: f32): f32 {
  if (x > 20) return 1;
  if (x < -20) return -1;
  const u = Mathf.expm1(2 * x);
  return u / (u + 2);
}

// contract: Kernels.activationBackward. The kinds whose derivative is a function of y without
// a transcendental (relu, sigmoid, tanh, leakyRelu, elu, selu) run four lanes at a time; relu
// and leakyRelu select with the comparison mask y > 0. softplus (from y), gelu and swish (from
// x) are scalar. A kind reads only the one of x and y its formula names.
export function activationBackward(kind: Activation, x: usize, y: usize, dy: usize, dx: usize, n: i32, alpha: f32): void {
  let i = 0;
  const vector = kind == Activation.relu || kind == Activation.sigmoid || kind == Activation.tanh ||
    kind == Activation.leakyRelu || kind == Activation.elu || kind == Activation.selu;
  if (vector) {
    const one = f32x4.splat(1);
    const zero = f32x4.splat(0);
    const va = f32x4.splat(alpha);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const vy = v128.load(y + o), vdy = v128.load(dy + o);
      let r: v128;
      if (kind == Activation.relu) r = v128.and(vdy, f32x4.gt(vy, zero));
      else if (kind == Activation.sigmoid) r = f32x4.mul(vdy, f32x4.mul(vy, f32x4.sub(one, vy)));
      else if (kind == Activation.tanh) r = f32x4.mul(vdy, f32x4.sub(one, f32x4.mul(vy, vy)));
      else if (kind == Activation.leakyRelu) r = v128.bitselect(vdy, f32x4.mul(va, vdy), f32x4.gt(vy, zero));
      // elu: dy·(y > 0 ? 1 : y + α);  selu: dy·(y > 0 ? λ : y + λα)
      else if (kind == Activation.elu) r = v128.bitselect(vdy, f32x4.mul(vdy, f32x4.add(vy, va)), f32x4.gt(vy, zero));
      else r = f32x4.mul(vdy, v128.bitselect(f32x4.splat(SELU_SCALE), f32x4.add(vy, f32x4.splat(SELU_SCALE_ALPHA)), f32x4.gt(vy, zero)));
      v128.store(dx + o, r);
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const d = load<f32>(dy + o);
    let r: f32;
    if (kind == Activation.gelu || kind == Activation.swish) {
      r = d * inputDerivative(kind, load<f32>(x + o));
    } else {
      const v = load<f32>(y + o);
      if (kind == Activation.relu) r = v > 0 ? d : 0;
      else if (kind == Activation.sigmoid) r = d * v * (1 - v);
      else if (kind == Activation.tanh) r = d * (1 - v * v);
      else if (kind == Activation.leakyRelu) r = v > 0 ? d : alpha * d;
      else if (kind == Activation.elu) r = v > 0 ? d : d * (v + alpha);
      else if (kind == Activation.selu) r = d * (v > 0 ? SELU_SCALE : v + SELU_SCALE_ALPHA);
      else r = d * -Mathf.expm1(-v); // Activation.softplus: σ(x) = 1 - e^-y
    }
    store<f32>(dx + o, r);
  }
}

// f'(x) of gelu and swish, which are not one-to-one, so f' is computed from x.
// @ts-ignore: decorator
@inline function inputDerivative(kind: Activation, x: f32): f32 {
  if (kind == Activation.gelu) {
    // gelu'(x) = Φ(x) + x·φ(x)
    const v = <f64>x;
    return <f32>(normalCdf(v) + v * normalPdf(v));
  }
  // swish'(x) = σ(x) + x·σ(x)·(1 - σ(x)) = s·(1 + x·(1 - s)), with 1 - s = σ(-x) from the same exp
  const e = Mathf.exp(-Mathf.abs(x));
  const s: f32 = x >= 0 ? 1 / (1 + e) : e / (1 + e);
  const complement: f32 = x >= 0 ? e / (1 + e) : 1 / (1 + e);
  return s * (1 + x * complement);
}

// contract: Kernels.softmax. The exponentials are scalar; each row is then multiplied by
// 1/Σ (one division per row, not per element).
export function softmax(x: usize, y: usize, m: i32, n: i32): void {
  const rowBytes = <usize>n << 2;
  for (let i = 0; i < m; i++) {
    const xr = x + <usize>i * rowBytes, yr = y + <usize>i * rowBytes;
    const max = rowMax(xr, n);
    let sum: f32 = 0;
    for (let j = 0; j < n; j++) {
      const e = Mathf.exp(load<f32>(xr + (<usize>j << 2)) - max);
      store<f32>(yr + (<usize>j << 2), e);
      sum += e;
    }
    scale(yr, 1 / sum, yr, n);
  }
}

// @ts-ignore: decorator
@inline function rowMax(row: usize, n: i32): f32 {
  let max = -Infinity as f32;
  for (let j = 0; j < n; j++) max = Mathf.max(max, load<f32>(row + (<usize>j << 2)));
  return max;
}

// contract: Kernels.softmaxCrossEntropy, with `sparse` as 0/1. A row's sums are f32, the
// total over rows f64. With e_j = e^(z_j - max): logsumexp(z) - z_j = (max - z_j) + log Σe
// and p_j = e_j / Σe. Never forming logsumexp(z) itself keeps p accurate at large |z|, where
// rounding max + log Σe to f32 would shift every p by up to |max|·2^-24 (2e-4 at |z| = 1e4).
// grad = 0 (null) computes the loss alone and writes nothing (evaluation).
export function softmaxCrossEntropy(
  logits: usize, targets: usize, grad: usize, m: i32, n: i32, sparse: i32, gradScale: f32,
): f64 {
  if (n <= 0) return 0; // no classes: nothing to score, nothing to write
  const rowBytes = <usize>n << 2;
  let total: f64 = 0;
  for (let i = 0; i < m; i++) {
    const zr = logits + <usize>i * rowBytes, gr = grad + <usize>i * rowBytes;
    const tr = targets + <usize>i * rowBytes;
    const label = sparse ? <i32>load<f32>(targets + (<usize>i << 2)) : -1;
    const max = rowMax(zr, n);
    // Pass 1: e_j into grad (z_j is read before grad_j is written, so grad may be logits),
    // with Σe, Σt and Σ t_j·(max - z_j).
    let sumExp: f32 = 0, targetSum: f32 = 0, loss: f64 = 0;
    for (let j = 0; j < n; j++) {
      const o = <usize>j << 2;
      const z = load<f32>(zr + o);
      const t: f32 = sparse ? <f32>(j == label) : load<f32>(tr + o);
      if (t != 0) {
        targetSum += t;
        loss += <f64>(t * (max - z));
      }
      const e = Mathf.exp(z - max);
      if (grad) store<f32>(gr + o, e);
      sumExp += e;
    }
    // loss_i = Σ_j t_j·(max - z_j) + Σt·log Σe
    total += loss + <f64>targetSum * <f64>Mathf.log(sumExp);
    if (!grad) continue;
    // Pass 2: grad_j = gradScale·(p_j·Σt - t_j)
    const invSum: f32 = 1 / sumExp;
    for (let j = 0; j < n; j++) {
      const o = <usize>j << 2;
      const t: f32 = sparse ? <f32>(j == label) : load<f32>(tr + o);
      store<f32>(gr + o, gradScale * (load<f32>(gr + o) * invSum * targetSum - t));
    }
  }
  return total;
}
