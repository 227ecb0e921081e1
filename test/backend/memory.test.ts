// The allocator over a real WebAssembly.Memory, checked against a model of live ranges;
// and the wasm backend's storages across memory growth.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Allocator } from '../../src/backend/memory.js';
import type { Storage } from '../../src/backend/kernels.js';
import { ReferenceKernels } from '../../src/backend/reference.js';
import { instantiateKernels, loadWasmKernels } from '../../src/backend/wasm.js';
import { compileKernelsFile } from '../../src/backend/wasm-file.js';
import { ValueError } from '../../src/errors.js';

const PAGE = 65536;
const newMemory = (): WebAssembly.Memory => new WebAssembly.Memory({ initial: 1, maximum: 1000 });
/** Bytes a request occupies: rounded up to 16 (one f32x4 vector), at least 16. */
const footprint = (bytes: number): number => Math.max(16, Math.ceil(bytes / 16) * 16);

// ---- the allocator against a model ---------------------------------------------------------

type Op =
  | { kind: 'alloc'; bytes: number }
  /** Frees the live allocation number `pick` (mod count); `again` re-allocates the same size at once. */
  | { kind: 'free'; pick: number; again: boolean };

const bytesArb = fc.oneof(fc.integer({ min: 0, max: 80 }), fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 300_000 }));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('alloc' as const), bytes: bytesArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('free' as const), pick: fc.nat(), again: fc.boolean() }) },
);
/** Heap bases as the module reports them: aligned or not. */
const baseArb = fc.oneof(fc.constantFrom(0, 1, 15, 16, 1024, 1036), fc.integer({ min: 0, max: 20_000 }));

interface LiveRange {
  bytes: number;
  size: number;
}

/** Runs `ops`, checking every invariant after every step; returns the final state. */
function runModel(base: number, ops: Op[]) {
  const memory = newMemory();
  const allocator = new Allocator(memory, base);
  const live = new Map<number, LiveRange>();
  let highWater = 0; // end of the highest range ever handed out
  let lowest = Infinity; // lowest offset ever handed out

  const checkStats = (): void => {
    let inUse = 0;
    for (const r of live.values()) inUse += r.size;
    expect(allocator.stats()).toEqual({
      bytesInUse: inUse,
      bytesReserved: memory.buffer.byteLength - base,
      liveAllocations: live.size,
    });
  };

  const alloc = (bytes: number): number => {
    const offset = allocator.alloc(bytes);
    const size = footprint(bytes);
    expect(offset % 16, `offset ${offset} is 16-byte aligned`).toBe(0);
    expect(offset).toBeGreaterThanOrEqual(base);
    expect(offset + size).toBeLessThanOrEqual(memory.buffer.byteLength);
    for (const [o, r] of live) {
      if (offset < o + r.size && o < offset + size) throw new Error(`[${offset}, ${offset + size}) overlaps live [${o}, ${o + r.size})`);
    }
    expect(allocator.sizeOf(offset)).toBe(size);
    live.set(offset, { bytes, size });
    highWater = Math.max(highWater, offset + size);
    lowest = Math.min(lowest, offset);
    return offset;
  };

  const free = (offset: number): void => {
    allocator.free(offset);
    live.delete(offset);
    expect(allocator.sizeOf(offset)).toBeUndefined();
  };

  for (const op of ops) {
    if (op.kind === 'alloc') alloc(op.bytes);
    else if (live.size > 0) {
      const offset = [...live.keys()][op.pick % live.size];
      const { bytes } = live.get(offset)!;
      free(offset);
      if (op.again) {
        // Freed space is reused: the same request fits below the high-water mark, no growth.
        const [mark, pages] = [highWater, memory.buffer.byteLength];
        const again = alloc(bytes);
        expect(again + footprint(bytes)).toBeLessThanOrEqual(mark);
        expect(memory.buffer.byteLength).toBe(pages);
      }
    }
    checkStats();
  }
  return { memory, allocator, live, highWater, lowest, free, alloc };
}

describe('Allocator over WebAssembly.Memory', () => {
  it('random alloc/free sequences: aligned, ≥ base, disjoint, stats match the model, space reused', () => {
    fc.assert(fc.property(baseArb, fc.array(opArb, { maxLength: 60 }), (base, ops) => {
      runModel(base, ops);
    }), { seed: 42, numRuns: 150 });
  });

  it('after freeing everything, neighbours have coalesced into one range from the lowest offset', () => {
    fc.assert(fc.property(baseArb, fc.array(opArb, { minLength: 1, maxLength: 40 }), fc.array(fc.nat()), (base, ops, order) => {
      const state = runModel(base, [...ops, { kind: 'alloc', bytes: 40 }]);
      // Free the survivors in a random order.
      let k = 0;
      while (state.live.size > 0) state.free([...state.live.keys()][(order[k++] ?? 0) % state.live.size]);
      expect(state.allocator.stats().bytesInUse).toBe(0);
      const pages = state.memory.buffer.byteLength;
      // One request spanning everything ever handed out fits only if all free ranges merged.
      expect(state.alloc(state.highWater - state.lowest)).toBe(state.lowest);
      expect(state.memory.buffer.byteLength).toBe(pages);
    }), { seed: 42, numRuns: 100 });
  });

  it('neighbours coalesce in every free order (prev, next, both)', () => {
    fc.assert(fc.property(fc.constantFrom([0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]), (order) => {
      const allocator = new Allocator(newMemory(), 64);
      const sizes = [32, 48, 16];
      const offsets = sizes.map((s) => allocator.alloc(s));
      const guard = allocator.alloc(16); // keeps the three away from the top
      expect(offsets[1]).toBe(offsets[0] + 32);
      expect(offsets[2]).toBe(offsets[1] + 48);
      for (const i of order) allocator.free(offsets[i]);
      expect(allocator.alloc(32 + 48 + 16)).toBe(offsets[0]);
      expect(allocator.alloc(16)).toBe(guard + 16);
    }), { seed: 42, numRuns: 6 });
  });

  it('alloc/free cycles of equal sizes reuse the same offsets and never grow memory', () => {
    const arb = fc.record({
      sizes: fc.array(fc.integer({ min: 0, max: 70_000 }), { minLength: 1, maxLength: 8 }),
      orders: fc.array(fc.array(fc.nat(), { minLength: 8, maxLength: 8 }), { minLength: 2, maxLength: 8 }),
      base: baseArb,
    });
    fc.assert(fc.property(arb, ({ sizes, orders, base }) => {
      const memory = newMemory();
      const allocator = new Allocator(memory, base);
      let first: number[] | null = null, reserved = 0;
      for (const order of orders) {
        const offsets = sizes.map((s) => allocator.alloc(s));
        if (first === null) {
          first = offsets;
          reserved = allocator.stats().bytesReserved;
        }
        expect(offsets).toEqual(first);
        expect(allocator.stats().bytesReserved).toBe(reserved);
        const pending = [...offsets];
        for (const k of order.slice(0, sizes.length)) allocator.free(pending.splice(k % pending.length, 1)[0]);
        expect(allocator.stats()).toEqual({ bytesInUse: 0, bytesReserved: reserved, liveAllocations: 0 });
      }
    }), { seed: 42, numRuns: 60 });
  });

  it('hand-worked layout: base rounds up to 16, sizes round up to 16 (at least 16)', () => {
    const allocator = new Allocator(newMemory(), 1000);
    expect(allocator.alloc(0)).toBe(1008);
    expect(allocator.alloc(1)).toBe(1024);
    expect(allocator.alloc(17)).toBe(1040);
    expect(allocator.alloc(16)).toBe(1072);
    expect(allocator.stats()).toEqual({ bytesInUse: 16 + 16 + 32 + 16, bytesReserved: PAGE - 1000, liveAllocations: 4 });
  });

  it('a free range at the top is extended instead of stranded', () => {
    const memory = newMemory();
    const allocator = new Allocator(memory, 0);
    allocator.alloc(100);
    const b = allocator.alloc(1000);
    allocator.free(b);
    expect(allocator.alloc(50_000)).toBe(b);
    expect(memory.buffer.byteLength).toBe(PAGE); // 112 + 50 000 bytes still fit in one page
  });

  it('grows memory when needed, and a failed growth leaves the allocator as it was', () => {
    const memory = newMemory();
    const allocator = new Allocator(memory, 0);
    const a = allocator.alloc(100);
    const big = allocator.alloc(3 * PAGE);
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(big + 3 * PAGE);
    allocator.free(big); // a free range at the top
    const before = allocator.stats();
    expect(() => allocator.alloc(2000 * PAGE)).toThrow(); // beyond maximum: 1000 pages
    expect(allocator.stats()).toEqual(before);
    expect(allocator.alloc(3 * PAGE)).toBe(big); // the top range was not lost
    expect(allocator.sizeOf(a)).toBe(112);
  });

  it('double free, unknown offsets and bad sizes throw ValueError', () => {
    const allocator = new Allocator(newMemory(), 32);
    const a = allocator.alloc(64);
    allocator.alloc(64);
    expect(() => allocator.free(a + 16)).toThrow(ValueError); // inside a live range, not its start
    expect(() => allocator.free(12345)).toThrow(ValueError);
    allocator.free(a);
    expect(() => allocator.free(a)).toThrow(ValueError);
    expect(() => allocator.free(a)).toThrow(/offset 32 is not a live allocation/);
    for (const bad of [-1, 1.5, NaN, Infinity]) expect(() => allocator.alloc(bad)).toThrow(ValueError);
    expect(allocator.stats().liveAllocations).toBe(1);
  });
});

// ---- the wasm backend's storages across growth ----------------------------------------------

/** A recognisable pattern per storage: pattern(id, i) differs between storages and elements. */
const pattern = (id: number, i: number): number => id * 1000 + i * 0.5 - 7;

function writePattern(s: Storage, id: number): void {
  const view = s.view();
  for (let i = 0; i < s.length; i++) view[i] = pattern(id, i);
}

function expectPattern(values: Float32Array, id: number, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== Math.fround(pattern(id, i))) throw new Error(`${what}[${i}] = ${values[i]}, expected ${pattern(id, i)}`);
  }
}

describe('wasm backend memory', () => {
  // Unshared memory (the build a page without cross-origin isolation loads): growth detaches
  // old views. Shared memory (the threads build): old views keep their old length, over the
  // same bytes. Either way view() is current after growth.
  const builds = [
    { label: 'unshared', shared: false, load: async () => instantiateKernels(await compileKernelsFile(new URL('../../build/kernels.wasm', import.meta.url)), false, 'build/kernels.wasm') },
    { label: 'shared', shared: true, load: () => loadWasmKernels({ relaxed: false, threads: 1 }) },
  ];
  for (const { label, shared, load } of builds) it(`${label}: data survives growth; view() is fresh and attached afterwards; kernels read the same data`, async () => {
    const k = await load();
    const lengths = [1, 3, 5, 37, 1000];
    const storages = lengths.map((n, id) => {
      const s = k.alloc(n);
      writePattern(s, id);
      return s;
    });
    const oldViews = storages.map((s) => s.view());
    const reservedBefore = k.memoryStats().bytesReserved;

    const big = k.alloc(4_000_000); // 16 MB: more than the initial memory, forces growth
    const grown = k.memoryStats();
    expect(grown.bytesReserved).toBeGreaterThan(reservedBefore);
    expect(grown.bytesReserved).toBeGreaterThanOrEqual(grown.bytesInUse);

    storages.forEach((s, id) => {
      if (shared) expectPattern(oldViews[id], id, `an old view of storage ${id}`);
      else expect(oldViews[id].length, 'a view from before growth is detached').toBe(0);
      const view = s.view();
      expect(view === oldViews[id], 'a new view').toBe(false);
      expect(view.length).toBe(lengths[id]);
      expect(view.buffer.byteLength).toBeGreaterThan(0);
      expectPattern(view, id, `storage ${id} after growth`);
      // A kernel sees the same bytes: copy into the big storage and read that back.
      k.copy(s, big, s.length);
      expectPattern(big.view().subarray(0, s.length), id, `copy of storage ${id}`);
    });
    // Writes through the fresh view are not lost.
    storages[3].view()[36] = 42;
    k.scale(storages[3], 2, storages[3], 37);
    expect(storages[3].view()[36]).toBe(84);
  });

  it('random allocations, frees and growths keep every live storage intact', async () => {
    const k = await loadWasmKernels({ relaxed: false });
    const step = fc.oneof(
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('alloc' as const), length: fc.integer({ min: 0, max: 3000 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('grow' as const), length: fc.integer({ min: 300_000, max: 1_500_000 }) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('free' as const), pick: fc.nat() }) },
    );
    let nextId = 0;
    fc.assert(fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
      const live = new Map<Storage, number>();
      for (const s of steps) {
        if (s.kind === 'free') {
          if (live.size === 0) continue;
          const storage = [...live.keys()][s.pick % live.size];
          k.free(storage);
          live.delete(storage);
        } else {
          const storage = k.alloc(s.length);
          // alloc promises zeros even where freed memory is reused
          if (!storage.view().every((v) => v === 0)) throw new Error('alloc returned a storage that is not zero-filled');
          if (s.kind === 'alloc') {
            const id = nextId++ % 1000;
            writePattern(storage, id);
            live.set(storage, id);
          } else {
            k.free(storage); // the growth stays, the memory goes back to the free list
          }
        }
        for (const [storage, id] of live) expectPattern(storage.view(), id, `storage ${id}`);
      }
      let inUse = 0;
      for (const storage of live.keys()) inUse += footprint(storage.length * 4);
      const stats = k.memoryStats();
      expect(stats.bytesInUse).toBe(inUse);
      expect(stats.liveAllocations).toBe(live.size);
      expect(stats.bytesReserved).toBeGreaterThanOrEqual(stats.bytesInUse);
      for (const storage of live.keys()) k.free(storage);
    }), { seed: 42, numRuns: 25 });
    expect(k.memoryStats()).toMatchObject({ bytesInUse: 0, liveAllocations: 0 });
  });

  it('memoryStats reports bytesInUse, bytesReserved and liveAllocations consistently', async () => {
    const k = await loadWasmKernels({ relaxed: false });
    const fresh = k.memoryStats();
    expect(fresh.bytesInUse).toBe(0); // the backend's own gemm workspace is not counted
    expect(fresh.liveAllocations).toBe(0);
    expect(fresh.bytesReserved).toBeGreaterThan(0);
    const a = k.alloc(5), b = k.alloc(0), c = k.alloc(100_000);
    const stats = k.memoryStats();
    expect(stats).toMatchObject({ bytesInUse: 32 + 16 + 400_000, liveAllocations: 3 });
    expect(stats.bytesReserved).toBeGreaterThanOrEqual(stats.bytesInUse);
    expect((stats.bytesReserved - fresh.bytesReserved) % PAGE).toBe(0); // grows by whole pages
    k.free(b);
    expect(k.memoryStats()).toEqual({ bytesInUse: 32 + 400_000, bytesReserved: stats.bytesReserved, liveAllocations: 2 });
    k.free(a);
    k.free(c);
    expect(k.memoryStats()).toEqual({ bytesInUse: 0, bytesReserved: stats.bytesReserved, liveAllocations: 0 });
  });

  it('free rejects double frees and foreign storages with ValueError; alloc rejects bad lengths', async () => {
    const k = await loadWasmKernels({ relaxed: false });
    const s = k.alloc(7);
    k.free(s);
    expect(() => k.free(s)).toThrow(ValueError);
    expect(() => k.free(new ReferenceKernels().alloc(3))).toThrow(ValueError);
    for (const bad of [-1, 2.5, NaN]) expect(() => k.alloc(bad)).toThrow(ValueError);
    expect(k.memoryStats().liveAllocations).toBe(0);
  });

  it('the reference backend rejects the same calls with the same errors', () => {
    const k = new ReferenceKernels();
    const s = k.alloc(7);
    k.free(s);
    expect(() => k.free(s)).toThrow(ValueError);
    expect(() => k.free(new ReferenceKernels().alloc(3))).toThrow(ValueError);
    // A typed array would take NaN as length 0 and throw a RangeError for the others.
    for (const bad of [-1, 2.5, NaN]) {
      expect(() => k.alloc(bad)).toThrow(ValueError);
      expect(() => k.alloc(bad)).toThrow(`alloc: length must be a non-negative integer, got ${bad}`);
    }
    expect(k.memoryStats().liveAllocations).toBe(0);
  });
});
