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
   * grad may be logits.
   */
  softmaxCrossEntropy(
    logits: Storage, targets: Storage, grad: Storage, m: number, n: number,
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

  // ---- optimizers and penalties (marker: OPTIMIZER KERNELS) -----------------------------

  // ---- batch normalization (marker: BATCHNORM KERNELS) ----------------------------------

  // ---- dropout (marker: DROPOUT KERNELS) ------------------------------------------------
}


/** True when [a, a+an) and [b, b+bn) share an element (empty ranges never overlap). */
export function overlaps(a: Storage, an: number, b: Storage, bn: number): boolean {
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
