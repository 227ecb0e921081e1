// Elementwise kernels, bias add, reductions, activations and softmax cross-entropy.
//
// Every kernel takes byte offsets into linear memory (usize) and sizes in elements.
// Buffers are f32, 16-byte aligned (the allocator guarantees it), row-major.
// Each loop runs four lanes at a time with f32x4, then finishes the tail in scalar code.

// y[i] = alpha·x[i] for i < n. y may equal x.
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

// y[i] = a[i] + b[i] for i < n. y may equal a or b.
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

// y[i] += alpha·x[i] for i < n. x and y must not overlap.
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

// x[i] = value for i < n.
export function fill(x: usize, value: f32, n: i32): void {
  const vv = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(x + (<usize>i << 2), vv);
  for (; i < n; i++) store<f32>(x + (<usize>i << 2), value);
}

// dst[i] = src[i] for i < n. Ranges may overlap (memory.copy is memmove).
export function copy(src: usize, dst: usize, n: i32): void {
  memory.copy(dst, src, <usize>n << 2);
}

// 1 when every x[i], i < n, is finite, else 0. x·0 is 0 for finite x and NaN for NaN or
// ±Infinity, so the sum of x·0 is NaN exactly when some x[i] is not finite.
export function allFinite(x: usize, n: i32): i32 {
  const zero = f32x4.splat(0);
  let acc = zero;
  let i = 0;
  for (; i + 4 <= n; i += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(x + (<usize>i << 2)), zero));
  let s: f32 = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  for (; i < n; i++) s += load<f32>(x + (<usize>i << 2)) * 0;
  return s == s ? 1 : 0;
}

// y[i,j] = x[i,j] + bias[j] for an m×n x. y may equal x.
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

// out[j] = Σ_i x[i,j] (accumulate≠0: out[j] += Σ_i x[i,j]) for an m×n x; out must not
// overlap x. Rows are added into out one after another: walking down a column instead
// strides by the row length, and at power-of-two widths every row lands in the same cache set.
export function columnSums(x: usize, out: usize, m: i32, n: i32, accumulate: i32): void {
  if (!accumulate) fill(out, 0, n);
  const rowBytes = <usize>n << 2;
  for (let i = 0; i < m; i++) add(out, x + <usize>i * rowBytes, out, n);
}

// Activation codes shared with src/backend/wasm.ts.
export const RELU: i32 = 0;
export const SIGMOID: i32 = 1;
export const TANH: i32 = 2;

// y = f(x) over n values: 0 relu max(0,x), 1 sigmoid 1/(1+e^-x), 2 tanh. y may equal x.
export function activationForward(kind: i32, x: usize, y: usize, n: i32): void {
  let i = 0;
  if (kind == RELU) {
    const zero = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(y + o, f32x4.max(v128.load(x + o), zero));
    }
    for (; i < n; i++) {
      const o = <usize>i << 2;
      store<f32>(y + o, Mathf.max(load<f32>(x + o), 0)); // NaN stays NaN, as f32x4.max does
    }
  } else if (kind == SIGMOID) {
    for (; i < n; i++) {
      const o = <usize>i << 2;
      store<f32>(y + o, sigmoid(load<f32>(x + o)));
    }
  } else {
    for (; i < n; i++) {
      const o = <usize>i << 2;
      store<f32>(y + o, tanhf(load<f32>(x + o)));
    }
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

// dx = dy·f'(x) through the forward output y: relu dy·[y>0]; sigmoid dy·y(1-y); tanh dy·(1-y²).
// dx may equal dy.
export function activationBackward(kind: i32, y: usize, dy: usize, dx: usize, n: i32): void {
  let i = 0;
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const vy = v128.load(y + o), vdy = v128.load(dy + o);
    let r: v128;
    if (kind == RELU) r = v128.and(vdy, f32x4.gt(vy, zero));
    else if (kind == SIGMOID) r = f32x4.mul(vdy, f32x4.mul(vy, f32x4.sub(one, vy)));
    else r = f32x4.mul(vdy, f32x4.sub(one, f32x4.mul(vy, vy)));
    v128.store(dx + o, r);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(y + o), d = load<f32>(dy + o);
    let r: f32;
    if (kind == RELU) r = v > 0 ? d : 0;
    else if (kind == SIGMOID) r = d * v * (1 - v);
    else r = d * (1 - v * v);
    store<f32>(dx + o, r);
  }
}

// Row-wise softmax of an m×n x: y[i,j] = e^(x[i,j]-max_i)/Σ_j e^(x[i,j]-max_i). y may equal x.
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

// Fused softmax + cross-entropy over m rows of n logits (stable via log-softmax).
// targets: m×n probability rows (sparse=0) or m class indices stored as f32 (sparse≠0).
// loss_i = Σ_j t_ij·(logsumexp(z_i) - z_ij); grad_ij = gradScale·(p_ij·Σ_j t_ij - t_ij).
// Returns Σ_i loss_i (summed in f64). grad may equal logits; grad must not overlap targets.
// grad = 0 (null) computes the loss alone and writes nothing (evaluation).
// With e_j = e^(z_j - max): logsumexp(z) - z_j = (max - z_j) + log Σe and p_j = e_j / Σe.
// Never forming logsumexp(z) itself keeps p accurate at large |z|, where rounding
// max + log Σe to f32 would shift every p by up to |max|·2^-24 (2e-4 at |z| = 1e4).
// A sparse label outside [0, n) matches no class: t = 0 for the whole row, as in reference.ts.
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
