// The tensor basics around a model: argMax, sum, mean (over all or one axis), take and slice
// along the first axis, each checked against a plain computation on nested arrays.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as nn from '../src/index.js';
import { tensor, type NestedArray, type Tensor } from '../src/tensor.js';

/** A random shape (rank 1..4, dimensions 1..5), row-major values, and an axis in [-rank, rank). */
const caseArb = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }).chain((shape) => {
  const size = shape.reduce((a, b) => a * b, 1);
  return fc.record({
    shape: fc.constant(shape),
    values: fc.array(fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e3, max: 1e3 }), { minLength: size, maxLength: size }),
    axis: fc.integer({ min: -shape.length, max: shape.length - 1 }),
  });
});

/** The value at multi-index `at` of row-major `values` of `shape`. */
function at(values: ArrayLike<number>, shape: number[], index: number[]): number {
  let flat = 0;
  for (let d = 0; d < shape.length; d++) flat = flat * shape[d] + index[d];
  return values[flat];
}

/** Every multi-index of `shape`, in row-major order. */
function indices(shape: number[]): number[][] {
  if (shape.length === 0) return [[]];
  const inner = indices(shape.slice(1));
  return Array.from({ length: shape[0] }, (_, i) => inner.map((rest) => [i, ...rest])).flat();
}

/** reduce(values along axis a) for every index of the shape without a, by walking indices. */
function reference(values: number[], shape: number[], a: number, f: (line: number[]) => number): number[] {
  const outShape = shape.filter((_, d) => d !== a);
  return indices(outShape).map((idx) => {
    const line = Array.from({ length: shape[a] }, (_, j) => at(values, shape, [...idx.slice(0, a), j, ...idx.slice(a)]));
    return f(line);
  });
}

const sumOf = (line: number[]): number => line.reduce((s, v) => s + v, 0);

for (const backend of ['wasm', 'reference'] as const) {
  describe(`tensor basics (${backend})`, () => {
    it('sum, mean and argMax along any axis match a walk over the indices', async () => {
      await nn.setBackend(backend);
      fc.assert(fc.property(caseArb, ({ shape, values, axis }) => {
        const t = tensor(Float32Array.from(values), shape);
        const x = Array.from(t.data);
        const a = axis < 0 ? axis + shape.length : axis;
        const outShape = shape.filter((_, d) => d !== a);
        const results: [Tensor, number[]][] = [
          [t.sum(axis), reference(x, shape, a, sumOf)],
          [t.mean(axis), reference(x, shape, a, (line) => sumOf(line) / line.length)],
          [t.argMax(axis), reference(x, shape, a, (line) => line.indexOf(Math.max(...line)))],
        ];
        for (const [out, expected] of results) {
          expect(out.shape).toEqual(outShape);
          expected.forEach((v, i) => void expect(out.data[i]).toBeCloseTo(v, 2));
          out.dispose();
        }
        t.dispose();
      }), { numRuns: 60, seed: 4 });
    });

    it('sum and mean over every value give a scalar', async () => {
      await nn.setBackend(backend);
      const t = tensor([[1, 2, 3], [4, 5, 6]]);
      const s = t.sum(), m = t.mean();
      expect(s.shape).toEqual([]);
      expect(s.toArray()).toBe(21);
      expect(m.toArray()).toBe(3.5);
      expect(t.sum(0).toArray()).toEqual([5, 7, 9]);
      expect(t.mean(-1).toArray()).toEqual([2, 5]);
      for (const x of [t, s, m]) x.dispose();
    });

    it('argMax defaults to the last axis: the class of each prediction; ties go to the first', async () => {
      await nn.setBackend(backend);
      const p = tensor([[0.1, 0.7, 0.2], [0.5, 0.2, 0.5], [0, 0, 0]]);
      expect(p.argMax().toArray()).toEqual([1, 0, 0]);
      expect(p.argMax(0).toArray()).toEqual([1, 0, 1]);
      expect(tensor([1, Number.NaN, 3]).argMax().toArray()).toBe(1); // NaN wins, as in NumPy
      p.dispose();
    });

    it('take copies rows by index, in order, repeats allowed; slice copies a range of rows', async () => {
      await nn.setBackend(backend);
      fc.assert(fc.property(caseArb, fc.array(fc.nat(), { maxLength: 8 }), fc.nat(), fc.nat(), ({ shape, values }, picks, s0, s1) => {
        const t = tensor(Float32Array.from(values), shape);
        const rows = (t.toArray() as NestedArray[]);
        const n = shape[0];
        const idx = picks.map((p) => p % n);
        const taken = t.take(Int32Array.from(idx));
        expect(taken.shape).toEqual([idx.length, ...shape.slice(1)]);
        expect(taken.toArray()).toEqual(idx.map((i) => rows[i]));
        const start = s0 % (n + 1), size = s1 % (n - start + 1);
        const sliced = t.slice(start, size);
        expect(sliced.toArray()).toEqual(rows.slice(start, start + size));
        const rest = t.slice(start);
        expect(rest.shape[0]).toBe(n - start);
        expect(rest.toArray()).toEqual(rows.slice(start));
        for (const x of [t, taken, sliced, rest]) x.dispose();
      }), { numRuns: 60, seed: 5 });
    });
  });
}

describe('tensor basics: ownership and errors', () => {
  it('each result is a new tensor the caller owns: disposing the source leaves it readable', async () => {
    await nn.setBackend('wasm');
    const x = tensor([[1, 2], [3, 4], [5, 6]]);
    const start = nn.memoryStats().liveAllocations;
    const parts = [x.slice(1), x.take([2, 0]), x.sum(0), x.mean(), x.argMax(), x.reshape([2, 3])];
    expect(nn.memoryStats().liveAllocations).toBe(start + parts.length);
    x.dispose();
    expect(parts.map((p) => p.toArray())).toEqual([[[3, 4], [5, 6]], [[5, 6], [1, 2]], [9, 12], 3.5, [1, 1, 1], [[1, 2, 3], [4, 5, 6]]]);
    for (const p of parts) p.dispose();
    expect(nn.memoryStats().liveAllocations).toBe(start - 1);
  });

  it('take accepts a Tensor of indices (e.g. from argMax) and kFold Int32Arrays', async () => {
    await nn.setBackend('wasm');
    const x = tensor([[10], [20], [30], [40], [50]]);
    const folds = nn.data.kFold(5, { k: 5 });
    const test = x.take(folds[2].test);
    expect(test.toArray()).toEqual([[30]]);
    const idx = tensor([4, 4, 0]);
    expect(x.take(idx).toArray()).toEqual([[50], [50], [10]]);
    for (const t of [x, test, idx]) t.dispose();
  });

  it('bad axes, indices and ranges are typed errors naming the value and the range', async () => {
    await nn.setBackend('wasm');
    const x = tensor([[1, 2], [3, 4]]);
    expect(() => x.sum(2)).toThrow(nn.ValueError);
    expect(() => x.sum(2)).toThrow(/sum: axis must be an integer in \[-2, 1\] for shape \[2, 2\], got 2/);
    expect(() => x.mean(0.5)).toThrow(/mean: axis must be an integer/);
    expect(() => x.argMax(-3)).toThrow(/argMax: axis/);
    expect(() => tensor([]).argMax()).toThrow(/axis -1 of shape \[0\] is empty/);
    expect(() => x.take([0, 2])).toThrow(/take: index 2 at position 1 is not an integer in \[0, 1\]/);
    expect(() => x.take([1.5])).toThrow(nn.ValueError);
    expect(() => x.take(x)).toThrow(/indices must be a list \(rank 1\)/);
    expect(() => x.slice(3)).toThrow(/slice: start must be an integer in \[0, 2\], got 3/);
    expect(() => x.slice(1, 2)).toThrow(/slice: size must be -1 or an integer in \[0, 1\]/);
    const scalar = x.sum();
    expect(() => scalar.slice(0)).toThrow(nn.ShapeError);
    expect(() => scalar.argMax()).toThrow(/argMax: expected a tensor of rank ≥ 1/);
    x.dispose();
    expect(() => x.sum()).toThrow(nn.DisposedError);
    expect(() => x.take([0])).toThrow(nn.DisposedError);
    scalar.dispose();
  });
});
