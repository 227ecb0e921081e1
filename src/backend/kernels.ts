/**
 * The Kernels contract: every numeric primitive wasmnn needs, implemented twice.
 *
 * - `reference.ts` runs each kernel as the plainest TypeScript loops (the textbook
 *   version, and the test oracle).
 * - `wasm.ts` runs the same kernel in WebAssembly SIMD (`assembly/*.ts`).
 *
 * Layout: every matrix is row-major and contiguous. A matrix "m×n" occupies m·n floats,
 * element (i, j) at index i·n + j. Kernels take sizes separately from storage, so a buffer
 * sized for the largest batch serves a shorter batch by passing fewer rows.
 *
 * Aliasing: unless a kernel's comment says an output may alias an input, outputs must not
 * overlap any input. Where exact aliasing is allowed (output === input) the comment says so;
 * partial overlap is never allowed. `gemm` rejects an output that overlaps an input with an
 * `AliasError` on both backends.
 */

import { AliasError } from '../errors.js';

/** A run of float32 values owned by a backend (JS heap or WebAssembly linear memory). */
export interface Storage {
  /** Number of float32 elements. */
  readonly length: number;
  /**
   * A Float32Array over the storage. On the wasm backend this view is detached whenever
   * linear memory grows, so call `view()` again after any allocation instead of keeping it.
   */
  view(): Float32Array;
  /** Element offset of this storage in its backend's address space (for overlap checks). */
  readonly address: number;
}

/** Memory accounting reported by `memoryStats()`. */
export interface MemoryStats {
  /** Bytes handed out to live allocations (rounded to the allocator's alignment). */
  bytesInUse: number;
  /** Bytes the backend has reserved from the system (linear memory above the heap base). */
  bytesReserved: number;
  /** Number of live allocations. */
  liveAllocations: number;
}

/** Element-wise nonlinearities that have a kernel. `linear` needs none; `softmax` is row-wise. */
export type ActivationKind = 'relu' | 'sigmoid' | 'tanh';

/** How targets are encoded for the fused softmax + cross-entropy. */
export type TargetEncoding = 'onehot' | 'sparse';

export interface Kernels {
  readonly name: 'wasm' | 'reference';

  // ---- memory -------------------------------------------------------------------------
  /** A new zero-filled storage of `length` floats. */
  alloc(length: number): Storage;
  /** Returns a storage to the allocator. Using it afterwards is an error. */
  free(storage: Storage): void;
  memoryStats(): MemoryStats;

  // ---- linear algebra -------------------------------------------------------------------
  /**
   * C (m×n) = op(A)·op(B), or C += op(A)·op(B) when `accumulate`.
   * op(A) is m×k: A is stored m×k, or k×m when `transA`. op(B) is k×n: B is stored k×n,
   * or n×k when `transB`. The three forms backprop needs: NN (forward), TN (dW = Xᵀ·dY)
   * and NT (dX = dY·Wᵀ). C must not overlap A or B.
   */
  gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number,
    a: Storage, b: Storage, c: Storage, accumulate: boolean,
  ): void;
  /** y[i,j] = x[i,j] + bias[j] for an m×n x. y may be x. */
  biasAdd(x: Storage, bias: Storage, y: Storage, m: number, n: number): void;
  /** out[j] = Σ_i x[i,j] (or out[j] += … when `accumulate`) for an m×n x. */
  columnSums(x: Storage, out: Storage, m: number, n: number, accumulate: boolean): void;

  // ---- activations ----------------------------------------------------------------------
  /** y = f(x) elementwise over n values. relu: max(0,x); sigmoid: 1/(1+e^-x); tanh. y may be x. */
  activationForward(kind: ActivationKind, x: Storage, y: Storage, n: number): void;
  /**
   * dx = dy · f'(x), written through the forward output y:
   * relu: dy·[y>0]; sigmoid: dy·y·(1-y); tanh: dy·(1-y²). dx may be dy.
   */
  activationBackward(kind: ActivationKind, y: Storage, dy: Storage, dx: Storage, n: number): void;
  /** Row-wise softmax of an m×n x: y[i,j] = e^(x[i,j]-max_i) / Σ_j e^(x[i,j]-max_i). y may be x. */
  softmax(x: Storage, y: Storage, m: number, n: number): void;
  /**
   * Fused softmax + cross-entropy over m rows of n logits, numerically stable via
   * log-softmax: loss_i = Σ_j t[i,j]·(logsumexp(z_i) - z[i,j]).
   * Targets are one-hot/probability rows (m×n) or, when `sparse`, m class indices stored as
   * floats. Writes grad = gradScale·(softmax(z)·Σ_j t[i,j] - t) (m×n) and returns Σ_i loss_i.
   * grad may be logits; grad null computes the loss alone and writes nothing.
   */
  softmaxCrossEntropy(
    logits: Storage, targets: Storage, grad: Storage | null, m: number, n: number,
    encoding: TargetEncoding, gradScale: number,
  ): number;

  // ---- elementwise ----------------------------------------------------------------------
  /** y = alpha·x over n values. y may be x. */
  scale(x: Storage, alpha: number, y: Storage, n: number): void;
  /** y = a + b over n values. y may be a or b. */
  add(a: Storage, b: Storage, y: Storage, n: number): void;
  /** y += alpha·x over n values. */
  axpy(alpha: number, x: Storage, y: Storage, n: number): void;
  /** x[i] = value for i < n. */
  fill(x: Storage, value: number, n: number): void;
  /** dst[i] = src[i] for i < n. */
  copy(src: Storage, dst: Storage, n: number): void;
  /** True when every x[i], i < n, is finite (no NaN, no ±Infinity). */
  allFinite(x: Storage, n: number): boolean;

  // ---- optimizers and penalties (marker: OPTIMIZER KERNELS) -----------------------------
  // Each update is fused: one pass over n values reads g and the state and writes the new
  // state and w. w, g and every state buffer must be distinct, non-overlapping storages.
  /**
   * SGD (Keras): with momentum 0, w ← w - lr·g (velocity is ignored and may be null);
   * otherwise v ← momentum·v - lr·g, then w ← w + v, or with `nesterov`
   * w ← w + momentum·v - lr·g (using the new v).
   */
  sgdUpdate(
    w: Storage, g: Storage, velocity: Storage | null, n: number,
    lr: number, momentum: number, nesterov: boolean,
  ): void;
  /** RMSprop: ms ← rho·ms + (1-rho)·g²;  w ← w - lr·g / sqrt(ms + epsilon) (epsilon inside). */
  rmspropUpdate(
    w: Storage, g: Storage, meanSquare: Storage, n: number,
    lr: number, rho: number, epsilon: number,
  ): void;
  /**
   * Adam (TF.js form), step t counted from 1, with AdamW's decoupled decay first:
   *   w ← w - lr·weightDecay·w                       (skipped in effect when weightDecay = 0)
   *   m ← b1·m + (1-b1)·g;   v ← b2·v + (1-b2)·g²
   *   w ← w - lr·(m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + epsilon)
   * Both backends compute the bias corrections 1-b^t once per call in float64.
   */
  adamUpdate(
    w: Storage, g: Storage, m: Storage, v: Storage, n: number,
    lr: number, beta1: number, beta2: number, epsilon: number, t: number, weightDecay: number,
  ): void;
  /** Returns l1·Σ|w| + l2·Σw² over n values, summed in float64. */
  penalty(w: Storage, n: number, l1: number, l2: number): number;
  /** g ← g + l1·sign(w) + 2·l2·w over n values, sign(0) = 0. g must not overlap w. */
  penaltyGradient(w: Storage, g: Storage, n: number, l1: number, l2: number): void;

  // ---- batch normalization (marker: BATCHNORM KERNELS) ----------------------------------
  /**
   * Batch-norm forward in training mode over an m×n x (m samples, statistics per column j):
   *   mean[j]     = (1/m)·Σ_i x[i,j]
   *   variance[j] = (1/m)·Σ_i (x[i,j] - mean[j])²      biased; two passes, never E[x²]-E[x]²
   *   invStd[j]   = 1/sqrt(variance[j] + epsilon)
   *   xhat[i,j]   = (x[i,j] - mean[j])·invStd[j]        saved for the backward pass
   *   y[i,j]      = gamma[j]·xhat[i,j] + beta[j]
   * gamma null means 1 (scale=false), beta null means 0 (center=false). Writes y and xhat
   * (m×n) and mean, variance, invStd (n each); m = 0 writes nothing. Outputs overlap nothing.
   */
  batchNormForwardTraining(
    x: Storage, gamma: Storage | null, beta: Storage | null, y: Storage, xhat: Storage,
    mean: Storage, variance: Storage, invStd: Storage, m: number, n: number, epsilon: number,
  ): void;
  /**
   * Batch-norm forward in inference mode, with the moving statistics:
   *   y[i,j] = gamma[j]·(x[i,j] - movingMean[j])/sqrt(movingVariance[j] + epsilon) + beta[j]
   * gamma null means 1, beta null means 0. y may be x.
   */
  batchNormForwardInference(
    x: Storage, gamma: Storage | null, beta: Storage | null, movingMean: Storage,
    movingVariance: Storage, y: Storage, m: number, n: number, epsilon: number,
  ): void;
  /**
   * Batch-norm backward in training mode (mean and variance depend on x), per column j, N = m:
   *   dbeta[j]  = Σ_i dy[i,j]
   *   dgamma[j] = Σ_i dy[i,j]·xhat[i,j]
   *   dx[i,j]   = (gamma[j]·invStd[j]/N)·(N·dy[i,j] - dbeta[j] - xhat[i,j]·dgamma[j])
   * xhat and invStd are the training forward's. gamma null means 1. dgamma and dbeta are
   * overwritten, and required even without gamma or beta: dx needs both sums.
   * dx may be dy; otherwise outputs overlap nothing.
   */
  batchNormBackward(
    dy: Storage, xhat: Storage, gamma: Storage | null, invStd: Storage, dx: Storage,
    dgamma: Storage, dbeta: Storage, m: number, n: number,
  ): void;
  /**
   * moving[j] = moving[j]·momentum + value[j]·(1 - momentum) for j < n: Keras's update of the
   * moving mean and variance. moving and value must not overlap.
   */
  movingAverage(moving: Storage, value: Storage, momentum: number, n: number): void;

  // ---- dropout (marker: DROPOUT KERNELS) ------------------------------------------------
  /**
   * Dropout forward in training mode over n values, with a counter-based mask:
   *   u_i     = (hash32((key + i) mod 2^32) >>> 8)·2^-24    24 random bits, uniform in [0, 1)
   *   mask[i] = u_i ≥ rate ? keepScale : 0
   *   y[i]    = x[i]·mask[i]
   * key is a uint32 (mixKey(seed, layer, step) from random.ts, whose hash32 the wasm kernel
   * repeats bit for bit), so both backends draw identical masks. 0 ≤ rate < 1.
   * y may be x; mask overlaps nothing.
   */
  dropoutForward(x: Storage, mask: Storage, y: Storage, n: number, key: number, rate: number, keepScale: number): void;
  /** dx[i] = dy[i]·mask[i] for i < n, with the forward pass's mask. dx may be dy. */
  dropoutBackward(dy: Storage, mask: Storage, dx: Storage, n: number): void;
}


/** True when [a, a+an) and [b, b+bn) share an element (empty ranges never overlap). */
function overlaps(a: Storage, an: number, b: Storage, bn: number): boolean {
  if (an <= 0 || bn <= 0) return false;
  return a.address < b.address + bn && b.address < a.address + an;
}

/** Checks gemm's no-alias rule; shared by both backends so they reject the same calls. */
export function checkGemmAliasing(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: Storage, b: Storage, c: Storage,
): void {
  void transA; void transB;
  if (overlaps(c, m * n, a, m * k)) throw new AliasError('gemm: output C overlaps input A; C must be a separate buffer');
  if (overlaps(c, m * n, b, k * n)) throw new AliasError('gemm: output C overlaps input B; C must be a separate buffer');
}
