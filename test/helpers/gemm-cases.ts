/**
 * Random gemm calls for property tests (a shape, the transposes, accumulate, a seed for the
 * inputs), and running one on a backend with guard floats after C.
 */
import fc from 'fast-check';
import type { Kernels } from '../../src/backend/kernels.js';
import { Random } from '../../src/random.js';

export interface GemmCase {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  accumulate: boolean;
  seed: number;
}

/** Cases over `shapes`, in all four transpose forms, with and without accumulate. */
export function gemmCases(shapes: fc.Arbitrary<{ m: number; n: number; k: number }>): fc.Arbitrary<GemmCase> {
  return fc
    .tuple(shapes, fc.boolean(), fc.boolean(), fc.boolean(), fc.integer({ min: 1, max: 2 ** 31 - 1 }))
    .map(([s, transA, transB, accumulate, seed]) => ({ ...s, transA, transB, accumulate, seed }));
}

/** Guard floats after C: the kernel must write exactly m·n values. */
const PAD = 7;
const SENTINEL = -9876.5;

/** Inputs of one case: A (m×k or k×m when transA), B (k×n or n×k), initial C (m×n). */
export function gemmInputs(c: GemmCase, integers: boolean): { a: Float32Array; b: Float32Array; c0: Float32Array } {
  const random = new Random(c.seed);
  // Integers in -3..3: every partial sum is an integer below 2^24, hence exact in float32.
  const value = integers ? () => Math.floor(random.next() * 7) - 3 : () => random.next() * 2 - 1;
  const fill = (length: number) => Float32Array.from({ length }, value);
  return { a: fill(c.m * c.k), b: fill(c.k * c.n), c0: fill(c.m * c.n) };
}

/** Runs one gemm on a backend and returns C, after checking the guard floats and inputs. */
export function runGemm(kernels: Kernels, c: GemmCase, a: Float32Array, b: Float32Array, c0: Float32Array): Float32Array {
  const A = kernels.alloc(a.length), B = kernels.alloc(b.length), C = kernels.alloc(c0.length + PAD);
  try {
    A.view().set(a);
    B.view().set(b);
    C.view().set(c0);
    C.view().fill(SENTINEL, c0.length);
    kernels.gemm(c.transA, c.transB, c.m, c.n, c.k, A, B, C, c.accumulate);
    const out = C.view();
    for (let i = c0.length; i < out.length; i++) {
      if (out[i] !== SENTINEL) throw new Error(`gemm wrote past C: element ${i} of ${c0.length} is ${out[i]}`);
    }
    if (firstDifference(A.view(), a) !== -1 || firstDifference(B.view(), b) !== -1) throw new Error('gemm changed an input');
    return out.slice(0, c0.length);
  } finally {
    kernels.free(A);
    kernels.free(B);
    kernels.free(C);
  }
}

/** The index of the first element whose bits differ (0 for different lengths), or -1. A plain loop: deep equality on large arrays is slow. */
export function firstDifference(x: Float32Array, y: Float32Array): number {
  if (x.length !== y.length) return 0;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return i;
  return -1;
}
