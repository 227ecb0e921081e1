// Tensor creation, round trips, shape errors, reshape and dispose, on both backends.

import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { getBackend, kernels, setBackend, type BackendName } from '../src/backend/backend.js';
import { ConfigError, DisposedError, ShapeError } from '../src/errors.js';
import { tensor, type NestedArray } from '../src/tensor.js';

/** Nested arrays of a random shape (rank 1..4, dimensions 1..5) with their shape. */
const nestedArb = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }).chain((shape) => {
  const size = shape.reduce((a, b) => a * b, 1);
  return fc
    .array(fc.float({ noNaN: true, noDefaultInfinity: true }), { minLength: size, maxLength: size })
    .map((flat) => ({ shape, flat, nested: nest(flat, shape) }));
});

/** Row-major flat values as nested arrays of `shape`. */
function nest(flat: number[], shape: number[]): NestedArray {
  if (shape.length === 0) return flat[0];
  const stride = flat.length / shape[0];
  return Array.from({ length: shape[0] }, (_, i) => nest(flat.slice(i * stride, (i + 1) * stride), shape.slice(1)));
}

describe('setBackend and getBackend', () => {
  it('getBackend reports the backend that setBackend chose', async () => {
    await setBackend('reference');
    expect(getBackend()).toBe('reference');
    await setBackend('wasm');
    expect(getBackend()).toBe('wasm');
    expect(kernels().name).toBe('wasm');
  });

  it('an unknown name rejects with ConfigError listing the valid names', async () => {
    await setBackend('reference');
    const attempt = setBackend('foo' as unknown as BackendName);
    await expect(attempt).rejects.toThrow(ConfigError);
    await expect(setBackend('foo' as unknown as BackendName)).rejects.toThrow(/'foo'.*'wasm'.*'reference'/);
    expect(getBackend()).toBe('reference'); // the active backend is left as it was
  });
});

describe.each<BackendName>(['reference', 'wasm'])('tensor on %s', (backend) => {
  beforeAll(async () => {
    await setBackend(backend);
  });

  it('runs on the backend it was asked for', () => {
    expect(getBackend()).toBe(backend);
    expect(tensor([1]).backend.name).toBe(backend);
  });

  it('from a Float32Array: rank 1, values copied (not aliased)', () => {
    const source = Float32Array.of(1.5, -2, 3, 4, 5);
    const t = tensor(source);
    expect(t.shape).toEqual([5]);
    expect(t.size).toBe(5);
    expect(t.rank).toBe(1);
    source[0] = 99;
    expect(Array.from(t.data)).toEqual([1.5, -2, 3, 4, 5]);
    t.dispose();
  });

  it('from number[] and nested number[][]: shape inferred, toArray round-trips', () => {
    expect(tensor([1, 2, 3]).shape).toEqual([3]);
    const m = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(m.shape).toEqual([2, 3]);
    expect(Array.from(m.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(m.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(tensor([[[1], [2]], [[3], [4]]]).shape).toEqual([2, 2, 1]);
    expect(tensor([]).shape).toEqual([0]);
  });

  it('with an explicit shape, and a scalar', () => {
    expect(tensor([1, 2, 3, 4, 5, 6], [3, 2]).toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(tensor(Float32Array.of(1, 2, 3, 4), [2, 1, 2]).toArray()).toEqual([[[1, 2]], [[3, 4]]]);
    const s = tensor(3.5);
    expect(s.shape).toEqual([]);
    expect(s.size).toBe(1);
    expect(s.toArray()).toBe(3.5);
    expect(tensor([7], []).toArray()).toBe(7);
  });

  it('random nested arrays round-trip through tensor() and toArray() (float32 values)', () => {
    fc.assert(fc.property(nestedArb, ({ shape, flat, nested }) => {
      const a = tensor(nested);
      expect(a.shape).toEqual(shape);
      expect(a.toArray()).toEqual(nested);
      const b = tensor(flat, shape);
      expect(b.toArray()).toEqual(nested);
      const c = tensor(Float32Array.from(flat), shape);
      expect(Array.from(c.data)).toEqual(flat);
      for (const t of [a, b, c]) t.dispose();
    }), { seed: 42, numRuns: 60 });
  });

  it('ragged nested arrays throw ShapeError saying where, what was expected and what was found', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => tensor([[1, 2], [3]])).toThrow(/\[1\].*expected length 2, got length 1/);
    expect(() => tensor([[1, 2], 3])).toThrow(/\[1\].*expected length 2, got a number/);
    expect(() => tensor([1, [2]])).toThrow(/\[1\].*expected a number, got an array of 1/);
    expect(() => tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8, 9]]])).toThrow(/\[1\]\[1\].*expected length 2, got length 3/);
  });

  it('a shape that does not match the values throws ShapeError with expected vs actual', () => {
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(ShapeError);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(/\[2, 2\] needs 4 values, got 3/);
    expect(() => tensor(Float32Array.of(1, 2, 3, 4, 5), [2, 3])).toThrow(/needs 6 values, got 5/);
    expect(() => tensor([[1, 2], [3, 4]], [3])).toThrow(/needs 3 values, got 4/);
    expect(() => tensor([1, 2], [2.5])).toThrow(ShapeError);
    expect(() => tensor([1, 2], [-2])).toThrow(ShapeError);
  });

  it('reshape keeps the row-major values, infers one -1, and returns an independent tensor', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.reshape([-1]).toArray()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.reshape([3, -1]).toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(t.reshape([-1, 1, 2]).shape).toEqual([3, 1, 2]);
    const r = t.reshape([6]);
    r.data[0] = 100;
    expect(t.data[0]).toBe(1);
    expect(() => t.reshape([4, -1])).toThrow(ShapeError);
    expect(() => t.reshape([-1, -1])).toThrow(/at most one dimension may be -1/);
    expect(() => t.reshape([7])).toThrow(/\[7\] does not fit 6 values/);
  });

  it('dispose frees the memory; a disposed tensor cannot be used', () => {
    const k = kernels();
    const before = k.memoryStats();
    const t = tensor(new Float32Array(37).fill(2), [37]);
    const during = k.memoryStats();
    expect(during.liveAllocations).toBe(before.liveAllocations + 1);
    expect(during.bytesInUse - before.bytesInUse).toBeGreaterThanOrEqual(37 * 4);
    t.dispose();
    expect(t.isDisposed).toBe(true);
    expect(k.memoryStats()).toMatchObject({ bytesInUse: before.bytesInUse, liveAllocations: before.liveAllocations });
    expect(() => t.data).toThrow(DisposedError);
    expect(() => t.toArray()).toThrow(/was disposed/);
    expect(() => t.reshape([-1])).toThrow(DisposedError);
    expect(() => tensor(t)).toThrow(DisposedError);
    t.dispose(); // a second dispose is a no-op, not a double free
    expect(k.memoryStats().liveAllocations).toBe(before.liveAllocations);
  });

  it('keeps its values when memory grows (data is rebuilt, never stale)', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    const big = kernels().alloc(3_000_000); // 12 MB: beyond the initial wasm memory
    expect(t.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    t.data[5] = 60;
    expect(t.toArray()).toEqual([[1, 2, 3], [4, 5, 60]]);
    kernels().free(big);
    t.dispose();
  });
});
