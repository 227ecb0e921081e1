// gemm: both wasm builds (plain SIMD 4×8 tile, relaxed SIMD 3×12 tile) against the reference
// backend on random shapes in all four transpose combinations, with and without accumulate.
// Shapes are drawn to reach every path of assembly/gemm.ts: sizes 1..3 (the direct loop),
// several micro-tiles with ragged edges, k > KC and m > MC (the blocking loops run more than
// once, with a tail), n > NC, and TN with a narrow op(B) (A read in place).
// Integer-valued inputs give sums that are exact in float32 whatever the summation order,
// so those runs must match the reference bit for bit; real-valued runs use a tolerance
// that grows with k. Also: k = 0, aliasing, memory growth, writes past the end of C.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Storage } from '../../src/backend/kernels.js';
import { AliasError } from '../../src/errors.js';

import { allBackends, reference, wasmBuilds } from '../helpers/kernel-backends.js';
import { gemmCases, gemmInputs as inputs, runGemm as run, type GemmCase } from '../helpers/gemm-cases.js';

type Case = GemmCase;

/** The block sizes of assembly/gemm.ts that the shapes below must cross. */
const KC = 256, MC = 120, NC = 1024;

const shape = (m: [number, number], n: [number, number], k: [number, number]) =>
  fc.record({
    m: fc.integer({ min: m[0], max: m[1] }),
    n: fc.integer({ min: n[0], max: n[1] }),
    k: fc.integer({ min: k[0], max: k[1] }),
  });

const shapes = fc.oneof(
  shape([1, 3], [1, 3], [1, 3]), // below one vector: the direct loop
  shape([1, 40], [1, 40], [1, 70]), // several micro-tiles with ragged edges (packed when m·n·k > 512)
  shape([MC + 1, 2 * MC + 17], [1, 40], [KC + 1, 2 * KC + 45]), // both blocking loops twice+, with tails
  shape([2, 6], [NC + 1, NC + 40], [3, 9]), // the NC loop twice
  shape([1, 5], [NC - 8, NC + 30], [KC - 4, KC + 20]), // full-size B panels (must fit the workspace)
);

const cases = gemmCases(shapes);

const describeCase = (c: Case): string =>
  `m=${c.m} n=${c.n} k=${c.k} ${c.transA ? 'T' : 'N'}${c.transB ? 'T' : 'N'} accumulate=${c.accumulate}`;

describe('gemm: wasm against the reference', () => {
  for (const { label, kernels } of wasmBuilds) {
    it(`${label}: integer inputs give exactly the reference result`, () => {
      fc.assert(
        fc.property(cases, (c) => {
          const { a, b, c0 } = inputs(c, true);
          const expected = run(reference, c, a, b, c0);
          const actual = run(kernels, c, a, b, c0);
          for (let i = 0; i < expected.length; i++) {
            if (actual[i] !== expected[i]) {
              throw new Error(`${describeCase(c)}: C[${Math.floor(i / c.n)},${i % c.n}] = ${actual[i]}, expected ${expected[i]}`);
            }
          }
        }),
        { seed: 42, numRuns: 150 },
      );
    });

    it(`${label}: real inputs agree within 1e-5·k·max|a|·max|b| + 1e-6`, () => {
      fc.assert(
        fc.property(cases, (c) => {
          const { a, b, c0 } = inputs(c, false);
          const expected = run(reference, c, a, b, c0);
          const actual = run(kernels, c, a, b, c0);
          const maxAbs = (x: Float32Array) => x.reduce((acc, v) => Math.max(acc, Math.abs(v)), 0);
          // Float32 rounding of a k-term sum grows with k; the reference sums in float64.
          const tolerance = 1e-5 * c.k * maxAbs(a) * maxAbs(b) + 1e-6;
          for (let i = 0; i < expected.length; i++) {
            const diff = Math.abs(actual[i] - expected[i]);
            if (!(diff <= tolerance)) {
              throw new Error(`${describeCase(c)}: C[${Math.floor(i / c.n)},${i % c.n}] = ${actual[i]}, expected ${expected[i]} (|diff| ${diff} > ${tolerance})`);
            }
          }
        }),
        { seed: 7, numRuns: 150 },
      );
    });
  }

  it('computes a hand-checked product in all four transpose forms', () => {
    // op(A) = [[1,2,3],[4,5,6]], op(B) = [[7,8],[9,10],[11,12]]: op(A)·op(B) = [[58,64],[139,154]]
    const opA = [1, 2, 3, 4, 5, 6], opAT = [1, 4, 2, 5, 3, 6];
    const opB = [7, 8, 9, 10, 11, 12], opBT = [7, 9, 11, 8, 10, 12];
    for (const { kernels } of allBackends) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const c: Case = { m: 2, n: 2, k: 3, transA, transB, accumulate: true, seed: 0 };
          const out = run(kernels, c, Float32Array.from(transA ? opAT : opA), Float32Array.from(transB ? opBT : opB), Float32Array.from([1, 1, 1, 1]));
          expect(Array.from(out)).toEqual([59, 65, 140, 155]);
        }
      }
    }
  });
});

describe('gemm: edge cases of the contract', () => {
  it('k = 0 gives C = 0, or leaves C unchanged when accumulating', () => {
    for (const { kernels } of allBackends) {
      for (const [m, n] of [[3, 5], [130, 37]]) {
        const c0 = Float32Array.from({ length: m * n }, (_, i) => i + 0.5);
        const empty = new Float32Array(0);
        const base = { m, n, k: 0, transA: false, transB: true, seed: 0 };
        expect(run(kernels, { ...base, accumulate: false }, empty, empty, c0)).toEqual(new Float32Array(m * n));
        expect(run(kernels, { ...base, accumulate: true }, empty, empty, c0)).toEqual(c0);
      }
    }
  });

  it('m = 0 or n = 0 writes nothing', () => {
    for (const { kernels } of allBackends) {
      const a = Float32Array.from({ length: 12 }, (_, i) => i);
      expect(run(kernels, { m: 0, n: 4, k: 3, transA: false, transB: false, accumulate: false, seed: 0 }, new Float32Array(0), a, new Float32Array(0))).toHaveLength(0);
      expect(run(kernels, { m: 4, n: 0, k: 3, transA: true, transB: false, accumulate: false, seed: 0 }, a, new Float32Array(0), new Float32Array(0))).toHaveLength(0);
    }
  });

  it('rejects C overlapping A or B with an AliasError on every backend', () => {
    for (const { label, kernels } of allBackends) {
      const x = kernels.alloc(16), y = kernels.alloc(16);
      expect(() => kernels.gemm(false, false, 4, 4, 4, x, y, x, false), `${label}: C = A`).toThrow(AliasError);
      expect(() => kernels.gemm(true, true, 4, 4, 4, x, y, y, true), `${label}: C = B`).toThrow(AliasError);
      expect(() => kernels.gemm(false, true, 2, 2, 2, x, x, y, false), `${label}: A = B is allowed`).not.toThrow();
      kernels.free(x);
      kernels.free(y);
    }
  });

  it('gives the right result after linear memory has grown', () => {
    for (const { label, kernels } of wasmBuilds) {
      const c: Case = { m: 37, n: 29, k: 300, transA: true, transB: false, accumulate: false, seed: 11 };
      const { a, b, c0 } = inputs(c, true);
      const expected = run(reference, c, a, b, c0);
      const A = kernels.alloc(a.length), B = kernels.alloc(b.length), C = kernels.alloc(c0.length);
      A.view().set(a);
      B.view().set(b);
      // Grow memory between writing the inputs and running the kernel: old views detach.
      const before = kernels.memoryStats().bytesReserved;
      const big: Storage = kernels.alloc((before >> 2) + (1 << 20));
      expect(kernels.memoryStats().bytesReserved, `${label}: memory grew`).toBeGreaterThan(before);
      kernels.gemm(c.transA, c.transB, c.m, c.n, c.k, A, B, C, c.accumulate);
      expect(C.view()).toEqual(expected);
      for (const s of [A, B, C, big]) kernels.free(s);
    }
  });

  it('is deterministic: the same call twice gives identical bits', () => {
    for (const { kernels } of wasmBuilds) {
      const c: Case = { m: 150, n: 45, k: 300, transA: false, transB: true, accumulate: false, seed: 5 };
      const { a, b, c0 } = inputs(c, false);
      expect(run(kernels, c, a, b, c0)).toEqual(run(kernels, c, a, b, c0));
    }
  });
});
