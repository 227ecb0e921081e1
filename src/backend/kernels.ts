/**
 * The Kernels contract: every numeric primitive wasmnn needs, implemented twice.
 *
 * - `reference.ts` runs each kernel as the plainest TypeScript loops (the textbook
 *   version, and the test oracle).
 * - `wasm.ts` runs the same kernel in WebAssembly SIMD (`assembly/*.ts`).
 *
 * This file is the one statement of what each kernel computes; the implementations say only
 * how. The rules below hold for every kernel unless its own comment says otherwise.
 *
 * Layout: every matrix is row-major and contiguous. A matrix "m×n" occupies m·n floats,
 * element (i, j) at index i·n + j. Kernels take sizes separately from storage, so a buffer
 * sized for the largest batch serves a shorter batch by passing fewer rows.
 *
 * Sizes: m, n, k count elements and are integers ≥ 0. A kernel reads and writes only the
 * elements its sizes name; every storage must hold at least that many. Kernels do not check
 * lengths (the wasm backend would read or write a neighbouring allocation). A size of 0
 * writes nothing, except where a kernel's comment gives the empty result (gemm, columnSums).
 *
 * Aliasing: outputs must not overlap any input. Where exact aliasing is allowed
 * (output === input) the kernel's comment says so; partial overlap is never allowed. Inputs
 * may overlap each other (they are only read). `gemm` rejects an output that overlaps an
 * input with an `AliasError` on both backends; the other rules are the caller's to keep.
 *
 * Numbers: storage is float32, so the backends agree to float32 rounding, not bit for bit:
 * the reference computes in float64 (JavaScript numbers) and rounds each value it stores;
 * the wasm kernels compute in float32 unless a kernel's comment says float64, and the
 * relaxed-SIMD build fuses multiply-adds. Each backend is deterministic: same inputs, same
 * bits (the relaxed build only on the same engine).
 */

import { AliasError, MemoryLimitError, ValueError } from '../errors.js';

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

/**
 * Element-wise nonlinearities that have a kernel. `linear` needs none; `softmax` is row-wise.
 * Adding one: its name here, its formulas in `activationForward`/`activationBackward` below
 * and in reference.ts, and a member of the same name in `Activation` in
 * assembly/elementwise.ts; the wasm backend finds its code by that name.
 */
export const ACTIVATION_KINDS = ['relu', 'sigmoid', 'tanh', 'leakyRelu', 'elu', 'selu', 'gelu', 'softplus', 'swish'] as const;
export type ActivationKind = (typeof ACTIVATION_KINDS)[number];

/**
 * Whether `activationBackward` computes f'(x) from the forward input x rather than from the
 * output y. gelu and swish dip below 0 and come back up, so one y comes from two x and f'
 * cannot be read off y; every other kind's f' is a function of y, so a layer may let y
 * overwrite x.
 */
export function derivativeFromInput(kind: ActivationKind): boolean {
  return kind === 'gelu' || kind === 'swish';
}

/**
 * The storage `activationBackward` reads for `kind`: x when `derivativeFromInput(kind)`, else
 * y. A null one is a `ValueError`; shared by both backends so they reject the same calls.
 */
export function derivativeSource(kind: ActivationKind, x: Storage | null, y: Storage | null): Storage {
  const fromInput = derivativeFromInput(kind);
  const source = fromInput ? x : y;
  if (source === null) {
    throw new ValueError(`activationBackward: ${kind}'s derivative is computed from the forward ${fromInput ? 'input x' : 'output y'}, got null`);
  }
  return source;
}

/** How targets are encoded for the fused softmax + cross-entropy. */
export type TargetEncoding = 'onehot' | 'sparse';

export interface Kernels {
  readonly name: 'wasm' | 'reference';

  // ---- memory -------------------------------------------------------------------------
  /**
   * A new zero-filled storage of `length` floats. A length that is not an integer ≥ 0 is a
   * `ValueError`.
   */
  alloc(length: number): Storage;
  /**
   * Returns a storage to the allocator; it must not be used afterwards. Freeing a storage
   * twice, or one of another backend, is a `ValueError`.
   */
  free(storage: Storage): void;
  /** What the live allocations occupy; a backend's private scratch is not counted. */
  memoryStats(): MemoryStats;

  // ---- linear algebra -------------------------------------------------------------------
  /**
   * C (m×n) = op(A)·op(B), or C += op(A)·op(B) when `accumulate`:
   *   C[i,j] = Σ_p op(A)[i,p]·op(B)[p,j]        p = 0..k-1
   * op(A) is m×k: A is stored m×k, or k×m when `transA` (op(A)[i,p] = A[p,i]).
   * op(B) is k×n: B is stored k×n, or n×k when `transB` (op(B)[p,j] = B[j,p]).
   * The three forms backprop needs: NN (forward), TN (dW = Xᵀ·dY) and NT (dX = dY·Wᵀ).
   * k = 0 is the empty sum: C = 0, or C unchanged when accumulating. The order of the sum
   * is the backend's. C overlapping A or B is an `AliasError`, thrown before anything is
   * written; A and B may overlap.
   */
  gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number,
    a: Storage, b: Storage, c: Storage, accumulate: boolean,
  ): void;
  /** y[i,j] = x[i,j] + bias[j] for an m×n x and an n-vector bias. y may be x. */
  biasAdd(x: Storage, bias: Storage, y: Storage, m: number, n: number): void;
  /**
   * out[j] = Σ_i x[i,j], or out[j] += Σ_i x[i,j] when `accumulate`, for an m×n x.
   * m = 0 is the empty sum: out = 0, or out unchanged when accumulating.
   */
  columnSums(x: Storage, out: Storage, m: number, n: number, accumulate: boolean): void;

  // ---- activations ----------------------------------------------------------------------
  /**
   * y[i] = f(x[i]) for i < n:
   *   relu       f(x) = max(0, x)                        (NaN stays NaN)
   *   sigmoid    f(x) = σ(x) = 1/(1 + e^-x)
   *   tanh       f(x) = tanh(x)
   *   leakyRelu  f(x) = x if x > 0, else α·x              α ≥ 0
   *   elu        f(x) = x if x > 0, else α·(e^x - 1)      α > 0
   *   selu       f(x) = λ·x if x > 0, else λ·a·(e^x - 1)  λ = 1.0507009873554805, a = 1.6732632423543772
   *   gelu       f(x) = x·Φ(x) = x·erfc(-x/√2)/2          Φ: the standard normal CDF (exact, not tanh)
   *   softplus   f(x) = ln(1 + e^x)
   *   swish      f(x) = x·σ(x)                           (Keras's silu)
   * `alpha` is α of leakyRelu and elu; the other kinds ignore it. y may be x.
   */
  activationForward(kind: ActivationKind, x: Storage, y: Storage, n: number, alpha: number): void;
  /**
   * dx[i] = dy[i]·f'(x[i]) for i < n, written through the forward output y = f(x), except for
   * gelu and swish, whose f' needs the input x (`derivativeFromInput`):
   *   relu       dx = dy·[y > 0]                (0 where y ≤ 0, whatever dy is)
   *   sigmoid    dx = dy·y·(1 - y)
   *   tanh       dx = dy·(1 - y²)
   *   leakyRelu  dx = dy·(y > 0 ? 1 : α)
   *   elu        dx = dy·(y > 0 ? 1 : y + α)     (α·e^x = y + α where x ≤ 0)
   *   selu       dx = dy·(y > 0 ? λ : y + λ·a)
   *   softplus   dx = dy·(1 - e^-y)              (σ(x) = 1 - e^-y, since e^y = 1 + e^x)
   *   gelu       dx = dy·(Φ(x) + x·φ(x))          φ(x) = e^(-x²/2)/√(2π), the normal density
   *   swish      dx = dy·σ(x)·(1 + x·(1 - σ(x)))
   * y > 0 exactly where x > 0, given the α ranges above. At the kink x = 0 each takes its left
   * derivative (relu 0, leakyRelu α, elu α, selu λ·a); TensorFlow takes the right one for elu
   * and selu. The kind reads only the one of x and y it needs and the other may be null
   * (`derivativeSource`). dx may be dy.
   */
  activationBackward(kind: ActivationKind, x: Storage | null, y: Storage | null, dy: Storage, dx: Storage, n: number, alpha: number): void;
  /**
   * Row-wise softmax of an m×n x, shifted by each row's max so no exponent is positive:
   *   y[i,j] = e^(x[i,j] - max_i) / Σ_l e^(x[i,l] - max_i),   max_i = max_l x[i,l]
   * y may be x.
   */
  softmax(x: Storage, y: Storage, m: number, n: number): void;
  /**
   * Fused softmax + cross-entropy over m rows of n logits z, through the log-softmax, so no
   * exponential overflows:
   *   loss_i    = Σ_j t[i,j]·(logsumexp(z_i) - z[i,j]),   logsumexp(z_i) = log Σ_j e^z[i,j]
   *   grad[i,j] = gradScale·(p[i,j]·Σ_l t[i,l] - t[i,j]),  p = softmax(z)
   * and returns Σ_i loss_i (a float64 number; 0 when m = 0 or n = 0).
   * Targets t are m×n rows (one-hot or probabilities), or with `sparse` m integer class
   * indices stored as floats, t[i,j] = [label_i = j]; a label outside [0, n) matches no class
   * (that row's t is all 0: loss 0, grad 0).
   * grad (m×n) may be logits; it must not overlap targets. grad null computes the loss alone
   * and writes nothing (evaluation).
   */
  softmaxCrossEntropy(
    logits: Storage, targets: Storage, grad: Storage | null, m: number, n: number,
    encoding: TargetEncoding, gradScale: number,
  ): number;

  // ---- elementwise ----------------------------------------------------------------------
  /** y[i] = alpha·x[i] for i < n. y may be x. */
  scale(x: Storage, alpha: number, y: Storage, n: number): void;
  /** y[i] = a[i] + b[i] for i < n. y may be a or b. */
  add(a: Storage, b: Storage, y: Storage, n: number): void;
  /** y[i] ← y[i] + alpha·x[i] for i < n. */
  axpy(alpha: number, x: Storage, y: Storage, n: number): void;
  /** x[i] = value for i < n. */
  fill(x: Storage, value: number, n: number): void;
  /** dst[i] = src[i] for i < n. */
  copy(src: Storage, dst: Storage, n: number): void;
  /** True when every x[i], i < n, is finite (no NaN, no ±Infinity); true for n = 0. */
  allFinite(x: Storage, n: number): boolean;

  // ---- input data -----------------------------------------------------------------------
  /**
   * Rows of bytes (pixels, as image files store them) gathered into float32 rows, scaled:
   *   dst[r·cols + j] = fround(src[row_r·cols + j]·scale)     r < rows, j < cols
   *   row_r = indices[start + r], or start + r when indices is null
   * with the product taken in float64 and rounded once, so scale 1/255 gives exactly
   * fround(v/255). src is host memory (the caller's Uint8Array), not a storage; every row
   * named must lie inside it. This is how fit reads a data set of bytes one batch at a time,
   * so the whole set is never converted to float32.
   */
  gatherScaled(src: Uint8Array, indices: Int32Array | null, start: number, rows: number, cols: number, scale: number, dst: Storage): void;

  // ---- optimizers and penalties ---------------------------------------------------------
  // Each update is fused: one pass over n values reads g and the state and writes the new
  // state and w. w, g and every state buffer must be distinct, non-overlapping storages.
  // `kept`, when given, receives in the same pass the values the update replaces: kept[0] the
  // n values of w, kept[1 + j] those of the j-th state buffer in argument order (none for SGD
  // without momentum, the velocity with momentum, meanSquare for RMSprop, m and v for Adam),
  // each a storage of at least n values, distinct from the others. The training step keeps
  // them to undo a step whose result is not finite (src/model/train-step.ts) without copying
  // the weights and state beforehand. Each returns true when every new value of w is finite
  // (as allFinite would say afterwards), checked in the same pass.
  // A new state value (velocity, mean square, m, v) smaller in magnitude than the smallest
  // normal float32, 2^-126 ≈ 1.18e-38, is stored as 0 (NaN and ±∞ are kept). Such denormals
  // come from a state decaying geometrically once its gradient stops (m by b1 = 0.9 a step:
  // the weights of rarely lit pixels), and arithmetic on them is slow on x86 CPUs: Adam's
  // update took 3× as long after four epochs on Fashion-MNIST at batch 32. TensorFlow runs
  // its CPU kernels with denormals flushed to zero too. A value that small moves its weight by
  // less than lr·1.2e-38/epsilon, which leaves any weight above about 1e-24 unchanged.
  /**
   * SGD (Keras): with momentum 0, w ← w - lr·g (velocity is not touched and may be null);
   * otherwise
   *   v ← momentum·v - lr·g
   *   w ← w + v                              or, with `nesterov`,
   *   w ← w + momentum·v - lr·g              (with the new v)
   * A null velocity with momentum ≠ 0 is a `ValueError`.
   */
  sgdUpdate(
    w: Storage, g: Storage, velocity: Storage | null, n: number,
    lr: number, momentum: number, nesterov: boolean, kept?: readonly Storage[] | null,
  ): boolean;
  /**
   * RMSprop (Keras 3 and TF.js, epsilon inside the square root):
   *   ms ← rho·ms + (1-rho)·g²
   *   w  ← w - lr·g / sqrt(ms + epsilon)
   */
  rmspropUpdate(
    w: Storage, g: Storage, meanSquare: Storage, n: number,
    lr: number, rho: number, epsilon: number, kept?: readonly Storage[] | null,
  ): boolean;
  /**
   * Adam (TF.js form), step t counted from 1, with AdamW's decoupled decay first:
   *   w ← w - lr·weightDecay·w               (from w before the step; weightDecay = 0 is Adam)
   *   m ← b1·m + (1-b1)·g;   v ← b2·v + (1-b2)·g²
   *   w ← w - lr·(m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + epsilon)
   * Both backends compute the bias corrections 1-b^t once per call in float64.
   */
  adamUpdate(
    w: Storage, g: Storage, m: Storage, v: Storage, n: number,
    lr: number, beta1: number, beta2: number, epsilon: number, t: number, weightDecay: number, kept?: readonly Storage[] | null,
  ): boolean;
  /** Returns l1·Σ|w| + l2·Σw² over n values, summed in float64 (0 for n = 0). */
  penalty(w: Storage, n: number, l1: number, l2: number): number;
  /**
   * g ← g + l1·sign(w) + 2·l2·w over n values: the gradient of `penalty`, with sign(0) = 0
   * (the L1 subgradient Keras and TF.js pick at 0).
   */
  penaltyGradient(w: Storage, g: Storage, n: number, l1: number, l2: number): void;

  // ---- batch normalization --------------------------------------------------------------
  /**
   * Batch-norm forward in training mode over an m×n x (m samples, statistics per column j):
   *   mean[j]     = (1/m)·Σ_i x[i,j]
   *   variance[j] = (1/m)·Σ_i (x[i,j] - mean[j])²      biased; never E[x²]-E[x]², which cancels
   *   invStd[j]   = 1/sqrt(variance[j] + epsilon)
   *   xhat[i,j]   = (x[i,j] - mean[j])·invStd[j]        saved for the backward pass
   *   y[i,j]      = gamma[j]·xhat[i,j] + beta[j]
   * gamma null means 1 (scale=false), beta null means 0 (center=false). Writes y and xhat
   * (m×n) and mean, variance, invStd (n each); m = 0 writes nothing.
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
   * overwritten (m = 0 zeroes them), and required even without gamma or beta: dx needs both
   * sums. dx may be dy.
   */
  batchNormBackward(
    dy: Storage, xhat: Storage, gamma: Storage | null, invStd: Storage, dx: Storage,
    dgamma: Storage, dbeta: Storage, m: number, n: number,
  ): void;
  /**
   * moving[j] ← moving[j]·momentum + value[j]·(1 - momentum) for j < n: Keras's update of the
   * moving mean and variance.
   */
  movingAverage(moving: Storage, value: Storage, momentum: number, n: number): void;

  // ---- dropout --------------------------------------------------------------------------
  /**
   * Dropout forward in training mode over n values, with a counter-based mask:
   *   u_i     = (hash32((key + i) mod 2^32) >>> 8)·2^-24    24 random bits, uniform in [0, 1)
   *   mask[i] = u_i ≥ rate ? keepScale : 0
   *   y[i]    = x[i]·mask[i]
   * key is a uint32 (mixKey(seed, layer, step) from random.ts, whose hash32 the wasm kernel
   * repeats bit for bit), so both backends draw identical masks. 0 ≤ rate < 1; keepScale is
   * the caller's (inverted dropout passes 1/(1 - rate)). y may be x.
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

/**
 * The most either backend holds: WebAssembly's 32-bit memory is 4 GiB (65,536 pages), and
 * the reference backend keeps the same budget so both refuse the same requests.
 */
export const MAX_MEMORY_BYTES = 4 * 1024 ** 3;

/**
 * Checks an allocation of `length` floats before anything is allocated: a non-negative
 * integer (ValueError) that fits beside the `bytesInUse` already taken (MemoryLimitError).
 * Shared by both backends so they reject the same calls.
 */
export function checkAllocLength(length: number, bytesInUse: number): void {
  if (!Number.isInteger(length) || length < 0) throw new ValueError(`alloc: length must be a non-negative integer, got ${length}`);
  const bytes = length * 4;
  if (bytes > MAX_MEMORY_BYTES - bytesInUse) {
    throw new MemoryLimitError(
      `alloc: ${formatBytes(bytes)} (${length} floats) asked for, but WebAssembly memory holds ${formatBytes(MAX_MEMORY_BYTES)} ` +
        `and ${formatBytes(bytesInUse)} are in use; nothing was allocated`,
    );
  }
}

/** 1.5 GiB, 12.0 MiB, 512 B. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  while (bytes >= 1024 && i < units.length - 1) [bytes, i] = [bytes / 1024, i + 1];
  return i === 0 ? `${bytes} B` : `${bytes.toFixed(1)} ${units[i]}`;
}
