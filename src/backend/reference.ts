/**
 * The reference backend: every kernel as the plainest correct TypeScript loops.
 *
 * This file is the textbook: read it to see what each kernel computes. It is also the
 * oracle the WebAssembly kernels are tested against. Speed is not a goal here.
 * Sums accumulate in float64 (JavaScript numbers) and round to float32 once on store.
 */

import type { ActivationKind, Kernels, MemoryStats, Storage, TargetEncoding } from './kernels.js';
import { checkGemmAliasing } from './kernels.js';
import { ValueError } from '../errors.js';

/** A Float32Array on the JS heap, with a made-up address so overlap checks work. */
class ReferenceStorage implements Storage {
  constructor(readonly array: Float32Array, readonly address: number) {}
  get length(): number {
    return this.array.length;
  }
  view(): Float32Array {
    return this.array;
  }
}

export class ReferenceKernels implements Kernels {
  readonly name = 'reference' as const;
  private nextAddress = 0;
  private live = new Set<ReferenceStorage>();
  private bytesInUse = 0;

  // ---- memory -------------------------------------------------------------------------
  alloc(length: number): Storage {
    const storage = new ReferenceStorage(new Float32Array(length), this.nextAddress);
    // Leave a gap of one element so distinct allocations never look adjacent-overlapping.
    this.nextAddress += length + 1;
    this.live.add(storage);
    this.bytesInUse += length * 4;
    return storage;
  }

  free(storage: Storage): void {
    const s = storage as ReferenceStorage;
    if (!this.live.delete(s)) throw new ValueError('free: storage is not a live allocation of the reference backend');
    this.bytesInUse -= s.length * 4;
  }

  memoryStats(): MemoryStats {
    return { bytesInUse: this.bytesInUse, bytesReserved: this.bytesInUse, liveAllocations: this.live.size };
  }

  // ---- linear algebra -------------------------------------------------------------------
  gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number,
    a: Storage, b: Storage, c: Storage, accumulate: boolean,
  ): void {
    checkGemmAliasing(transA, transB, m, n, k, a, b, c);
    const A = a.view(), B = b.view(), C = c.view();
    // op(A)[i,p] = transA ? A[p,i] : A[i,p];  op(B)[p,j] = transB ? B[j,p] : B[p,j]
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        // C[i,j] = Σ_p op(A)[i,p]·op(B)[p,j]
        let sum = 0;
        for (let p = 0; p < k; p++) {
          const aip = transA ? A[p * m + i] : A[i * k + p];
          const bpj = transB ? B[j * k + p] : B[p * n + j];
          sum += aip * bpj;
        }
        C[i * n + j] = accumulate ? C[i * n + j] + sum : sum;
      }
    }
  }

  biasAdd(x: Storage, bias: Storage, y: Storage, m: number, n: number): void {
    const X = x.view(), b = bias.view(), Y = y.view();
    // y[i,j] = x[i,j] + b[j]
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) Y[i * n + j] = X[i * n + j] + b[j];
  }

  columnSums(x: Storage, out: Storage, m: number, n: number, accumulate: boolean): void {
    const X = x.view(), O = out.view();
    // out[j] = Σ_i x[i,j]
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let i = 0; i < m; i++) sum += X[i * n + j];
      O[j] = accumulate ? O[j] + sum : sum;
    }
  }

  // ---- activations ----------------------------------------------------------------------
  activationForward(kind: ActivationKind, x: Storage, y: Storage, n: number): void {
    const X = x.view(), Y = y.view();
    for (let i = 0; i < n; i++) {
      const v = X[i];
      switch (kind) {
        case 'relu': Y[i] = v > 0 ? v : 0; break; //           max(0, x)
        case 'sigmoid': Y[i] = 1 / (1 + Math.exp(-v)); break; // 1 / (1 + e^-x)
        case 'tanh': Y[i] = Math.tanh(v); break;
      }
    }
  }

  activationBackward(kind: ActivationKind, y: Storage, dy: Storage, dx: Storage, n: number): void {
    const Y = y.view(), DY = dy.view(), DX = dx.view();
    for (let i = 0; i < n; i++) {
      const v = Y[i];
      switch (kind) {
        case 'relu': DX[i] = v > 0 ? DY[i] : 0; break; //          f'(x) = [x > 0] = [y > 0]
        case 'sigmoid': DX[i] = DY[i] * v * (1 - v); break; //     f'(x) = y(1 - y)
        case 'tanh': DX[i] = DY[i] * (1 - v * v); break; //        f'(x) = 1 - y²
      }
    }
  }

  softmax(x: Storage, y: Storage, m: number, n: number): void {
    const X = x.view(), Y = y.view();
    for (let i = 0; i < m; i++) {
      const row = i * n;
      // Subtracting the row max leaves softmax unchanged and keeps every exponent ≤ 0.
      let max = -Infinity;
      for (let j = 0; j < n; j++) max = Math.max(max, X[row + j]);
      let sum = 0;
      for (let j = 0; j < n; j++) sum += Math.exp(X[row + j] - max);
      for (let j = 0; j < n; j++) Y[row + j] = Math.exp(X[row + j] - max) / sum;
    }
  }

  softmaxCrossEntropy(
    logits: Storage, targets: Storage, grad: Storage, m: number, n: number,
    encoding: TargetEncoding, gradScale: number,
  ): number {
    const Z = logits.view(), T = targets.view(), G = grad.view();
    let total = 0;
    const target = (i: number, j: number): number =>
      encoding === 'sparse' ? (T[i] === j ? 1 : 0) : T[i * n + j];
    for (let i = 0; i < m; i++) {
      const row = i * n;
      // logsumexp(z) = max + log Σ_j e^(z_j - max)
      let max = -Infinity;
      for (let j = 0; j < n; j++) max = Math.max(max, Z[row + j]);
      let sumExp = 0;
      for (let j = 0; j < n; j++) sumExp += Math.exp(Z[row + j] - max);
      const logSumExp = max + Math.log(sumExp);
      // loss_i = Σ_j t_j·(logsumexp(z) - z_j);   ∂loss_i/∂z_j = p_j·Σ_k t_k - t_j
      let targetSum = 0, loss = 0;
      for (let j = 0; j < n; j++) {
        const t = target(i, j);
        targetSum += t;
        loss += t * (logSumExp - Z[row + j]);
      }
      total += loss;
      for (let j = 0; j < n; j++) {
        const p = Math.exp(Z[row + j] - logSumExp);
        G[row + j] = gradScale * (p * targetSum - target(i, j));
      }
    }
    return total;
  }

  // ---- elementwise ----------------------------------------------------------------------
  scale(x: Storage, alpha: number, y: Storage, n: number): void {
    const X = x.view(), Y = y.view();
    for (let i = 0; i < n; i++) Y[i] = alpha * X[i]; // y = αx
  }

  add(a: Storage, b: Storage, y: Storage, n: number): void {
    const A = a.view(), B = b.view(), Y = y.view();
    for (let i = 0; i < n; i++) Y[i] = A[i] + B[i]; // y = a + b
  }

  axpy(alpha: number, x: Storage, y: Storage, n: number): void {
    const X = x.view(), Y = y.view();
    for (let i = 0; i < n; i++) Y[i] += alpha * X[i]; // y ← y + αx
  }

  fill(x: Storage, value: number, n: number): void {
    const X = x.view();
    for (let i = 0; i < n; i++) X[i] = value;
  }

  copy(src: Storage, dst: Storage, n: number): void {
    const S = src.view(), D = dst.view();
    for (let i = 0; i < n; i++) D[i] = S[i];
  }

  // ---- optimizers and penalties (marker: OPTIMIZER KERNELS) -----------------------------

  // ---- batch normalization (marker: BATCHNORM KERNELS) ----------------------------------

  // ---- dropout (marker: DROPOUT KERNELS) ------------------------------------------------
}
