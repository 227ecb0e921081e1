/**
 * The reference backend: every kernel as the plainest correct TypeScript loops.
 *
 * This file is the textbook: read it to see how each kernel computes what its contract in
 * kernels.ts says. It is also the oracle the WebAssembly kernels are tested against. Speed
 * is not a goal here. Arithmetic is in float64 (JavaScript numbers); each stored value
 * rounds to float32.
 */

import type { ActivationKind, Kernels, MemoryStats, Storage, TargetEncoding } from './kernels.js';
import { checkAllocLength, checkGemmAliasing, derivativeSource } from './kernels.js';
import { erfc } from './erfc.js';
import { ValueError } from '../errors.js';
import { hash32 } from '../random.js';

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
  /** The array behind a new storage (zero-filled). A subclass may store another precision. */
  protected newArray(length: number): Float32Array {
    return new Float32Array(length);
  }

  alloc(length: number): Storage {
    checkAllocLength(length, this.bytesInUse);
    const storage = new ReferenceStorage(this.newArray(length), this.nextAddress);
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
  activationForward(kind: ActivationKind, x: Storage, y: Storage, n: number, alpha: number): void {
    const X = x.view(), Y = y.view();
    for (let i = 0; i < n; i++) {
      const v = X[i];
      switch (kind) {
        case 'relu': Y[i] = Math.max(0, v); break; //                      max(0, x); NaN stays NaN
        case 'sigmoid': Y[i] = sigmoid(v); break; //                       1 / (1 + e^-x)
        case 'tanh': Y[i] = Math.tanh(v); break;
        case 'leakyRelu': Y[i] = v > 0 ? v : alpha * v; break; //         x, or α·x below 0
        case 'elu': Y[i] = v > 0 ? v : alpha * Math.expm1(v); break; //   x, or α·(e^x - 1)
        case 'selu': Y[i] = SELU_SCALE * (v > 0 ? v : SELU_ALPHA * Math.expm1(v)); break; // λ·elu(x) with α = a
        case 'gelu': Y[i] = v * normalCdf(v); break; //                    x·Φ(x)
        case 'softplus': Y[i] = Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))); break; // ln(1 + e^x), never overflowing
        case 'swish': Y[i] = v * sigmoid(v); break; //                     x·σ(x)
      }
    }
  }

  activationBackward(kind: ActivationKind, x: Storage | null, y: Storage | null, dy: Storage, dx: Storage, n: number, alpha: number): void {
    // v is y = f(x), or x itself for gelu and swish (derivativeFromInput).
    const V = derivativeSource(kind, x, y).view(), DY = dy.view(), DX = dx.view();
    for (let i = 0; i < n; i++) {
      const v = V[i];
      switch (kind) {
        case 'relu': DX[i] = v > 0 ? DY[i] : 0; break; //                         f'(x) = [x > 0] = [y > 0]
        case 'sigmoid': DX[i] = DY[i] * v * (1 - v); break; //                    f'(x) = y(1 - y)
        case 'tanh': DX[i] = DY[i] * (1 - v * v); break; //                       f'(x) = 1 - y²
        case 'leakyRelu': DX[i] = DY[i] * (v > 0 ? 1 : alpha); break; //          f'(x) = 1 or α
        case 'elu': DX[i] = DY[i] * (v > 0 ? 1 : v + alpha); break; //            f'(x) = 1 or α·e^x = y + α
        case 'selu': DX[i] = DY[i] * (v > 0 ? SELU_SCALE : v + SELU_SCALE * SELU_ALPHA); break; // λ or λ·a·e^x = y + λ·a
        case 'softplus': DX[i] = DY[i] * -Math.expm1(-v); break; //              f'(x) = σ(x) = 1 - e^-y
        case 'gelu': DX[i] = DY[i] * (normalCdf(v) + v * normalPdf(v)); break; // f'(x) = Φ(x) + x·φ(x)
        case 'swish': { //                                                         f'(x) = σ(x) + x·σ(x)·(1 - σ(x))
          const s = sigmoid(v);
          DX[i] = DY[i] * s * (1 + v * (1 - s));
          break;
        }
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
    logits: Storage, targets: Storage, grad: Storage | null, m: number, n: number,
    encoding: TargetEncoding, gradScale: number,
  ): number {
    const Z = logits.view(), T = targets.view(), G = grad?.view() ?? null;
    let total = 0;
    const target = (i: number, j: number): number =>
      encoding === 'sparse' ? (T[i] === j ? 1 : 0) : T[i * n + j];
    if (n === 0) return 0; // no classes: nothing to score, nothing to write
    for (let i = 0; i < m; i++) {
      const row = i * n;
      // logsumexp(z) = max + log Σ_j e^(z_j - max)
      let max = -Infinity;
      for (let j = 0; j < n; j++) max = Math.max(max, Z[row + j]);
      let sumExp = 0;
      for (let j = 0; j < n; j++) sumExp += Math.exp(Z[row + j] - max);
      // loss_i = Σ_j t_j·(logsumexp(z) - z_j) = Σ_j t_j·(max - z_j) + Σ_j t_j·log Σ_k e^(z_k - max);
      // ∂loss_i/∂z_j = p_j·Σ_k t_k - t_j. The loss is summed in the second form: at
      // |z| ≈ 1e30, max + log Σe rounds back to max and the first form would give 0.
      let targetSum = 0, loss = 0;
      for (let j = 0; j < n; j++) {
        const t = target(i, j);
        targetSum += t;
        loss += t * (max - Z[row + j]);
      }
      total += loss + targetSum * Math.log(sumExp);
      if (G === null) continue;
      for (let j = 0; j < n; j++) {
        const p = Math.exp(Z[row + j] - max) / sumExp; //  softmax, without forming logsumexp
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

  allFinite(x: Storage, n: number): boolean {
    const X = x.view();
    for (let i = 0; i < n; i++) if (!Number.isFinite(X[i])) return false;
    return true;
  }

  // ---- input data -----------------------------------------------------------------------
  gatherScaled(src: Uint8Array, indices: Int32Array | null, start: number, rows: number, cols: number, scale: number, dst: Storage): void {
    const out = dst.view();
    for (let r = 0; r < rows; r++) {
      const row = indices === null ? start + r : indices[start + r];
      for (let j = 0; j < cols; j++) out[r * cols + j] = src[row * cols + j] * scale; // float64 product, rounded on store
    }
  }

  // ---- optimizers and penalties ---------------------------------------------------------
  sgdUpdate(
    w: Storage, g: Storage, velocity: Storage | null, n: number,
    lr: number, momentum: number, nesterov: boolean, kept: readonly Storage[] | null = null,
  ): boolean {
    const W = w.view(), G = g.view();
    if (momentum === 0) {
      keep(kept, n, [w]);
      for (let i = 0; i < n; i++) W[i] -= lr * G[i]; // w ← w - lr·g
      return this.allFinite(w, n);
    }
    if (velocity === null) throw new ValueError('sgdUpdate: momentum ≠ 0 needs a velocity buffer, got null');
    keep(kept, n, [w, velocity]);
    const V = velocity.view();
    for (let i = 0; i < n; i++) {
      V[i] = flushDenormal(momentum * V[i] - lr * G[i]); //      v ← momentum·v - lr·g
      W[i] += nesterov ? momentum * V[i] - lr * G[i] : V[i]; //  w ← w + (momentum·v - lr·g | v)
    }
    return this.allFinite(w, n);
  }

  rmspropUpdate(
    w: Storage, g: Storage, meanSquare: Storage, n: number,
    lr: number, rho: number, epsilon: number, kept: readonly Storage[] | null = null,
  ): boolean {
    const W = w.view(), G = g.view(), MS = meanSquare.view();
    keep(kept, n, [w, meanSquare]);
    for (let i = 0; i < n; i++) {
      MS[i] = flushDenormal(rho * MS[i] + (1 - rho) * G[i] * G[i]); // ms ← rho·ms + (1-rho)·g²
      W[i] -= (lr * G[i]) / Math.sqrt(MS[i] + epsilon); // w ← w - lr·g/sqrt(ms + ε)
    }
    return this.allFinite(w, n);
  }

  adamUpdate(
    w: Storage, g: Storage, m: Storage, v: Storage, n: number,
    lr: number, beta1: number, beta2: number, epsilon: number, t: number, weightDecay: number, kept: readonly Storage[] | null = null,
  ): boolean {
    const W = w.view(), G = g.view(), M = m.view(), V = v.view();
    keep(kept, n, [w, m, v]);
    const biasCorrection1 = 1 - beta1 ** t; // 1 - b1^t
    const biasCorrection2 = 1 - beta2 ** t; // 1 - b2^t
    for (let i = 0; i < n; i++) {
      M[i] = flushDenormal(beta1 * M[i] + (1 - beta1) * G[i]); //        m ← b1·m + (1-b1)·g
      V[i] = flushDenormal(beta2 * V[i] + (1 - beta2) * G[i] * G[i]); // v ← b2·v + (1-b2)·g²
      const mHat = M[i] / biasCorrection1, vHat = V[i] / biasCorrection2;
      const decayed = W[i] - lr * weightDecay * W[i]; //      AdamW: w ← w - lr·wd·w, from w before the step
      W[i] = decayed - (lr * mHat) / (Math.sqrt(vHat) + epsilon); // w ← w - lr·m̂/(sqrt(v̂) + ε)
    }
    return this.allFinite(w, n);
  }

  penalty(w: Storage, n: number, l1: number, l2: number): number {
    const W = w.view();
    let absSum = 0, squareSum = 0;
    for (let i = 0; i < n; i++) {
      absSum += Math.abs(W[i]); // Σ|w|
      squareSum += W[i] * W[i]; // Σw²
    }
    return l1 * absSum + l2 * squareSum;
  }

  penaltyGradient(w: Storage, g: Storage, n: number, l1: number, l2: number): void {
    const W = w.view(), G = g.view();
    // ∂(l1·Σ|w| + l2·Σw²)/∂w = l1·sign(w) + 2·l2·w, with sign(0) = 0 (Math.sign(0) is 0)
    for (let i = 0; i < n; i++) G[i] += l1 * Math.sign(W[i]) + 2 * l2 * W[i];
  }

  // ---- batch normalization --------------------------------------------------------------
  batchNormForwardTraining(
    x: Storage, gamma: Storage | null, beta: Storage | null, y: Storage, xhat: Storage,
    mean: Storage, variance: Storage, invStd: Storage, m: number, n: number, epsilon: number,
  ): void {
    if (m <= 0) return;
    const X = x.view(), Y = y.view(), XH = xhat.view();
    const G = gamma?.view(), B = beta?.view();
    for (let j = 0; j < n; j++) {
      // mean = (1/m)·Σ_i x[i,j]
      let sum = 0;
      for (let i = 0; i < m; i++) sum += X[i * n + j];
      const mu = sum / m;
      // variance = (1/m)·Σ_i (x[i,j] - mean)²: a second pass over centred values, which
      // stays accurate when |mean| ≫ spread (E[x²] - mean² would cancel catastrophically).
      let squares = 0;
      for (let i = 0; i < m; i++) squares += (X[i * n + j] - mu) ** 2;
      const v = squares / m;
      const inv = 1 / Math.sqrt(v + epsilon); // invStd = 1/sqrt(var + epsilon)
      mean.view()[j] = mu;
      variance.view()[j] = v;
      invStd.view()[j] = inv;
      const g = G ? G[j] : 1, b = B ? B[j] : 0;
      for (let i = 0; i < m; i++) {
        const xh = (X[i * n + j] - mu) * inv; //   xhat = (x - mean)·invStd
        XH[i * n + j] = xh;
        Y[i * n + j] = g * xh + b; //              y = gamma·xhat + beta
      }
    }
  }

  batchNormForwardInference(
    x: Storage, gamma: Storage | null, beta: Storage | null, movingMean: Storage,
    movingVariance: Storage, y: Storage, m: number, n: number, epsilon: number,
  ): void {
    const X = x.view(), Y = y.view(), MM = movingMean.view(), MV = movingVariance.view();
    const G = gamma?.view(), B = beta?.view();
    for (let j = 0; j < n; j++) {
      const g = G ? G[j] : 1, b = B ? B[j] : 0;
      // y = gamma·(x - movingMean)/sqrt(movingVariance + epsilon) + beta
      for (let i = 0; i < m; i++) Y[i * n + j] = (g * (X[i * n + j] - MM[j])) / Math.sqrt(MV[j] + epsilon) + b;
    }
  }

  batchNormBackward(
    dy: Storage, xhat: Storage, gamma: Storage | null, invStd: Storage, dx: Storage,
    dgamma: Storage, dbeta: Storage, m: number, n: number,
  ): void {
    const DY = dy.view(), XH = xhat.view(), DX = dx.view(), INV = invStd.view();
    const G = gamma?.view(), DG = dgamma.view(), DB = dbeta.view();
    for (let j = 0; j < n; j++) {
      // dbeta = Σ_i dy,  dgamma = Σ_i dy·xhat
      let sumDy = 0, sumDyXhat = 0;
      for (let i = 0; i < m; i++) {
        sumDy += DY[i * n + j];
        sumDyXhat += DY[i * n + j] * XH[i * n + j];
      }
      DB[j] = sumDy;
      DG[j] = sumDyXhat;
      // dx = (gamma·invStd/N)·(N·dy - dbeta - xhat·dgamma): the last two terms are the
      // paths through the batch mean and the batch variance.
      const a = ((G ? G[j] : 1) * INV[j]) / m;
      for (let i = 0; i < m; i++) DX[i * n + j] = a * (m * DY[i * n + j] - sumDy - XH[i * n + j] * sumDyXhat);
    }
  }

  movingAverage(moving: Storage, value: Storage, momentum: number, n: number): void {
    const M = moving.view(), V = value.view();
    for (let j = 0; j < n; j++) M[j] = M[j] * momentum + V[j] * (1 - momentum); // moving·momentum + stat·(1-momentum)
  }

  // ---- dropout --------------------------------------------------------------------------
  dropoutForward(x: Storage, mask: Storage, y: Storage, n: number, key: number, rate: number, keepScale: number): void {
    const X = x.view(), M = mask.view(), Y = y.view();
    for (let i = 0; i < n; i++) {
      // u = 24 random bits of hash32(key + i), as a float in [0, 1); keep the unit when u ≥ rate
      const u = (hash32((key + i) >>> 0) >>> 8) * 2 ** -24;
      M[i] = u >= rate ? keepScale : 0;
      Y[i] = X[i] * M[i]; // y = x·mask
    }
  }

  dropoutBackward(dy: Storage, mask: Storage, dx: Storage, n: number): void {
    const DY = dy.view(), M = mask.view(), DX = dx.view();
    for (let i = 0; i < n; i++) DX[i] = DY[i] * M[i]; // dx = dy·mask
  }
}

/** kept[i] ← the first n values of sources[i]: what an update is about to replace. */
function keep(kept: readonly Storage[] | null, n: number, sources: Storage[]): void {
  if (kept === null) return;
  for (const [i, source] of sources.entries()) kept[i].view().set(source.view().subarray(0, n));
}

/** The smallest normal float32, 2^-126. */
const SMALLEST_NORMAL = 2 ** -126;

/**
 * x rounded to float32, or 0 when that is smaller than SMALLEST_NORMAL in magnitude (a
 * denormal): the optimizers' state is stored so (Kernels' optimizer section). NaN and ±∞ stay.
 */
function flushDenormal(x: number): number {
  const f = Math.fround(x);
  return Math.abs(f) < SMALLEST_NORMAL ? 0 : f;
}

/** SELU's constants λ and a (Klambauer et al. 2017; Keras rounds them to 1.05070098 and 1.67326324). */
const SELU_SCALE = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;

/** σ(x) = 1/(1 + e^-x). */
function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Φ(x) = erfc(-x/√2)/2, the standard normal CDF; erfc keeps its precision where x ≪ 0. */
function normalCdf(x: number): number {
  return erfc(-x / Math.SQRT2) / 2;
}

/** φ(x) = e^(-x²/2)/√(2π), the standard normal density. */
function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}
