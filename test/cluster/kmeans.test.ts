/**
 * k-means: recovery of well-separated blobs, Lloyd's monotone inertia, reproducibility on
 * each backend and agreement between them, predict, memory, and the typed errors.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as nn from '../../src/index.js';
import { Random } from '../../src/random.js';
import { useBackend } from '../helpers/backends.js';

const BACKENDS = [
  { name: 'reference' as const, relaxed: false },
  { name: 'wasm' as const, relaxed: false },
  { name: 'wasm' as const, relaxed: true },
];
const label = (b: (typeof BACKENDS)[number]): string => (b.name === 'wasm' ? `wasm ${b.relaxed ? 'relaxed' : 'plain'}` : b.name);

interface Blobs {
  x: number[][];
  truth: number[];
  centres: number[][];
}

/**
 * Gaussian blobs around `centres` (std `spread`), `sizes[c]` rows for centre c, in a seeded
 * shuffled order. With centres ≥ 20 apart and spread 0.5 no row lies nearer another centre.
 */
function blobs(centres: number[][], sizes: number[], spread: number, seed: number): Blobs {
  const random = new Random(seed);
  const rows: { row: number[]; c: number }[] = [];
  centres.forEach((centre, c) => {
    for (let i = 0; i < sizes[c]; i++) rows.push({ row: centre.map((v) => Math.fround(v + random.normal(0, spread))), c });
  });
  random.shuffle(rows);
  return { x: rows.map((r) => r.row), truth: rows.map((r) => r.c), centres };
}

const WELL_SEPARATED = blobs(
  [[0, 0, 0, 0, 0], [20, 0, -20, 0, 5], [0, 25, 0, 20, 0], [-20, -20, 10, 0, 0], [10, -25, 0, -20, 10]],
  [31, 17, 40, 23, 9],
  0.5,
  7,
);

/** Σ_i ‖x_i − c_label(i)‖² in float64, straight from the definition. */
function inertiaOf(x: number[][], centroids: Float32Array, labels: Int32Array): number {
  const d = x[0].length;
  let total = 0;
  for (const [i, row] of x.entries()) for (const [f, v] of row.entries()) total += (v - centroids[labels[i] * d + f]) ** 2;
  return total;
}

/** max_i ‖x_i − mean‖². */
function maxCentredSquaredNorm(x: number[][]): number {
  const mean = x[0].map((_, f) => x.reduce((s, row) => s + row[f], 0) / x.length);
  return Math.max(...x.map((row) => row.reduce((s, v, f) => s + (v - mean[f]) ** 2, 0)));
}

/** Asserts that `labels` equals `truth` up to renaming the clusters (a bijection). */
function expectSamePartition(labels: Int32Array, truth: number[]): void {
  const rename = new Map<number, number>();
  const used = new Set<number>();
  truth.forEach((t, i) => {
    if (!rename.has(t)) {
      expect(used.has(labels[i]), `cluster ${labels[i]} holds rows of two true groups`).toBe(false);
      rename.set(t, labels[i]);
      used.add(labels[i]);
    }
    expect(labels[i], `row ${i} (group ${t})`).toBe(rename.get(t));
  });
}

afterAll(async () => {
  await nn.setBackend('wasm');
});

describe.each(BACKENDS)('kmeans on $name (relaxed $relaxed)', (backend) => {
  beforeAll(async () => {
    await useBackend(backend.name, backend.relaxed);
  });

  it('recovers well-separated blobs exactly, with their means as centroids', () => {
    const { x, truth, centres } = WELL_SEPARATED;
    const result = nn.cluster.kmeans(x, { k: 5, seed: 3 });
    expectSamePartition(result.labels, truth);
    expect(result.converged).toBe(true);
    expect(result.centroids.shape).toEqual([5, 5]);
    // Each centroid is the mean of its group's rows (in float64 here).
    const C = result.centroids.data;
    for (let c = 0; c < centres.length; c++) {
      const members = x.filter((_, i) => truth[i] === c);
      const j = result.labels[truth.indexOf(c)];
      for (let f = 0; f < 5; f++) {
        const mean = members.reduce((s, row) => s + row[f], 0) / members.length;
        expect(C[j * 5 + f]).toBeCloseTo(mean, 4);
      }
    }
    expect(result.inertia).toBeCloseTo(inertiaOf(x, C, result.labels), 5);
    // 120 rows, 5 features, spread 0.5: about 120·5·0.25 = 150 minus the fit of the means.
    expect(result.inertia).toBeGreaterThan(100);
    expect(result.inertia).toBeLessThan(200);
    result.centroids.dispose();
  });

  it('k = 1: the centroid is the mean and the inertia the total sum of squares', () => {
    const { x } = WELL_SEPARATED;
    const result = nn.cluster.kmeans(x, { k: 1 });
    const n = x.length;
    let total = 0;
    for (let f = 0; f < 5; f++) {
      const mean = x.reduce((s, row) => s + row[f], 0) / n;
      expect(result.centroids.data[f]).toBeCloseTo(mean, 4);
      total += x.reduce((s, row) => s + (row[f] - mean) ** 2, 0);
    }
    expect(result.inertia).toBeCloseTo(total, 1);
    expect(Array.from(new Set(result.labels))).toEqual([0]);
    // Iteration 1 moves the centroid from a row to the mean; iteration 2 changes no label.
    expect(result.iterations).toBe(2);
    result.centroids.dispose();
  });

  it('inertia never increases across iterations (property, random data)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 1000 }), fc.constantFrom<nn.cluster.KMeansInit>('k-means++', 'random'),
        (k, extraRows, d, seed, init) => {
          const n = k + extraRows;
          const random = new Random(seed);
          const values = Float32Array.from({ length: n * d }, () => random.uniform(-5, 5) + (random.next() < 0.3 ? 20 : 0));
          const result = nn.cluster.kmeans(values, { k, shape: [n, d], seed, init, tol: 0 });
          const history = result.inertiaHistory;
          expect(history).toHaveLength(result.iterations);
          // Each entry sums n float32 distances ‖x‖² − 2x·c + ‖c‖² (x centred), each off by a
          // few float32 ulps (1.2e-7) of ‖x‖² + ‖c‖² ≤ 2·max‖x‖²: allow that rounding and no more.
          const x = Array.from({ length: n }, (_, i) => Array.from(values.subarray(i * d, (i + 1) * d)));
          const slack = 1e-6 * n * maxCentredSquaredNorm(x);
          for (let t = 1; t < history.length; t++) {
            expect(history[t], `iteration ${t + 1} of ${history.join(', ')}`).toBeLessThanOrEqual(history[t - 1] + slack);
          }
          expect(result.inertia).toBeLessThanOrEqual(history[history.length - 1] + slack);
          expect(result.inertia).toBeCloseTo(inertiaOf(x, result.centroids.data, result.labels), 2);
          result.centroids.dispose();
        },
      ),
      { seed: 11, numRuns: backend.name === 'reference' ? 60 : 150 },
    );
  });

  it('tol is relative to the mean feature variance, and the shift test stops early', () => {
    const random = new Random(13);
    const values = Float32Array.from({ length: 400 * 4 }, () => random.normal());
    const scaled = values.map((v) => v * 1024); // a power of two: every float scales exactly
    const options = { k: 8, shape: [400, 4] as [number, number], seed: 6, tol: 1e-2 };
    const loose = nn.cluster.kmeans(values, options);
    const looseScaled = nn.cluster.kmeans(scaled, options);
    const strict = nn.cluster.kmeans(values, { ...options, tol: 0 });
    expect(loose.converged).toBe(true);
    expect(strict.converged).toBe(true);
    // Scaling x scales the squared shifts and the variance alike: the same stopping point.
    expect(looseScaled.iterations).toBe(loose.iterations);
    expect(Array.from(looseScaled.labels)).toEqual(Array.from(loose.labels));
    // With tol 0 only an iteration that changes no label stops the run: later.
    expect(loose.iterations).toBeLessThan(strict.iterations);
    expect(strict.inertia).toBeLessThanOrEqual(loose.inertia);
    // maxIter cuts a run short, unconverged.
    const cut = nn.cluster.kmeans(values, { ...options, tol: 0, maxIter: 2 });
    expect(cut.iterations).toBe(2);
    expect(cut.converged).toBe(false);
    expect(cut.inertiaHistory).toEqual(strict.inertiaHistory.slice(0, 2));
    for (const r of [loose, looseScaled, strict, cut]) r.centroids.dispose();
  });

  it('the same seed gives the same result, to the bit', () => {
    const random = new Random(5);
    const values = Float32Array.from({ length: 300 * 7 }, () => random.normal());
    const run = (): nn.cluster.KMeansResult => nn.cluster.kmeans(values, { k: 6, shape: [300, 7], nInit: 3, seed: 21 });
    const a = run(), b = run();
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
    expect(Array.from(b.centroids.data)).toEqual(Array.from(a.centroids.data));
    expect(b.inertia).toBe(a.inertia);
    expect(b.inertiaHistory).toEqual(a.inertiaHistory);
    // A different seed starts elsewhere (on unstructured data it ends elsewhere too).
    const c = nn.cluster.kmeans(values, { k: 6, shape: [300, 7], nInit: 3, seed: 22 });
    expect(c.inertiaHistory).not.toEqual(a.inertiaHistory);
    for (const r of [a, b, c]) r.centroids.dispose();
  });

  it('predict on the training rows returns labels; new rows go to the nearest blob', () => {
    const random = new Random(9);
    const values = Float32Array.from({ length: 500 * 6 }, () => random.normal() * 3 + 1);
    const result = nn.cluster.kmeans(values, { k: 8, shape: [500, 6], seed: 2, maxIter: 7 });
    expect(Array.from(result.predict(values))).toEqual(Array.from(result.labels));

    const { x, centres } = WELL_SEPARATED;
    const separated = nn.cluster.kmeans(x, { k: 5, seed: 3 });
    const near = centres.map((c) => c.map((v) => v + 0.3));
    const predicted = separated.predict(near);
    for (const c of centres.keys()) expect(predicted[c]).toBe(separated.labels[WELL_SEPARATED.truth.indexOf(c)]);
    // predict keeps its own copy of the centroids.
    separated.centroids.dispose();
    expect(Array.from(separated.predict(x))).toEqual(Array.from(separated.labels));
    result.centroids.dispose();
  });

  it('accepts a Tensor, a Float32Array with its shape, and nested arrays alike', () => {
    const { x } = WELL_SEPARATED;
    const flat = Float32Array.from(x.flat());
    const t = nn.tensor(flat, [x.length, 5]);
    const results = [
      nn.cluster.kmeans(x, { k: 4, seed: 1 }),
      nn.cluster.kmeans(flat, { k: 4, seed: 1, shape: [x.length, 5] }),
      nn.cluster.kmeans(t, { k: 4, seed: 1 }),
    ];
    for (const r of results.slice(1)) {
      expect(Array.from(r.labels)).toEqual(Array.from(results[0].labels));
      expect(Array.from(r.centroids.data)).toEqual(Array.from(results[0].centroids.data));
    }
    // A rank-3 tensor: rows of 1×5 features.
    const r3 = nn.cluster.kmeans(t.reshape([x.length, 1, 5]), { k: 4, seed: 1 });
    expect(Array.from(r3.labels)).toEqual(Array.from(results[0].labels));
    for (const r of [...results, r3]) r.centroids.dispose();
    t.dispose();
  });

  it('accepts Pixels as the loaders return images: the same result as their floats fround(v·scale)', () => {
    const random = new Random(4);
    // Three groups of 6-pixel rows around bytes 30, 130 and 230.
    const pixels = Uint8Array.from({ length: 60 * 6 }, (_, i) => 30 + 100 * (Math.floor(i / 6) % 3) + Math.floor(random.next() * 20));
    const x = { pixels, scale: 1 / 255 };
    const fromPixels = nn.cluster.kmeans(x, { k: 3, seed: 2, shape: [60, 6] });
    const fromFloats = nn.cluster.kmeans(Float32Array.from(pixels, (v) => v / 255), { k: 3, seed: 2, shape: [60, 6] });
    expect(Array.from(fromPixels.labels)).toEqual(Array.from(fromFloats.labels));
    expect(Array.from(fromPixels.centroids.data)).toEqual(Array.from(fromFloats.centroids.data));
    expect(new Set(fromPixels.labels).size).toBe(3);
    expect(Array.from(fromPixels.predict(x))).toEqual(Array.from(fromPixels.labels));
    expect(() => nn.cluster.kmeans(x, { k: 3 })).toThrow(/kmeans: x: flat data \(a Float32Array or Pixels\) needs its shape: pass shape: \[n, d\] \(got 360 values/);
    expect(() => nn.cluster.kmeans({ pixels, scale: Number.NaN }, { k: 3, shape: [60, 6] })).toThrow(/kmeans: x: scale must be a finite number/);
    fromPixels.centroids.dispose();
    fromFloats.centroids.dispose();
  });

  it('re-seeds an empty cluster instead of leaving it empty', () => {
    // Ten identical rows: 'random' init often picks two of them, whose centroids tie, so
    // every row goes to the lower one and the other cluster is empty.
    const x = [...Array.from({ length: 10 }, () => [0, 0]), [50, 0], [51, 0], [100, 0]];
    for (let seed = 0; seed < 10; seed++) {
      const result = nn.cluster.kmeans(x, { k: 3, init: 'random', seed });
      expect(new Set(result.labels).size, `seed ${seed}`).toBe(3);
      expect(result.inertia, `seed ${seed}`).toBeCloseTo(0.5, 5); // {0 ×10}, {50, 51}, {100}
      expect(Number.isFinite(result.centroids.data.reduce((a, b) => a + b, 0))).toBe(true);
      result.centroids.dispose();
    }
  });

  it('frees everything it allocates but the centroids, which the caller owns', () => {
    const before = nn.memoryStats();
    const result = nn.cluster.kmeans(WELL_SEPARATED.x, { k: 5, nInit: 2 });
    const during = nn.memoryStats();
    expect(during.liveAllocations).toBe(before.liveAllocations + 1);
    expect(during.bytesInUse - before.bytesInUse).toBeGreaterThanOrEqual(5 * 5 * 4);
    expect(during.bytesInUse - before.bytesInUse).toBeLessThanOrEqual(5 * 5 * 4 + 16);
    result.predict(WELL_SEPARATED.x);
    expect(nn.memoryStats()).toEqual(during);
    result.centroids.dispose();
    expect(nn.memoryStats().liveAllocations).toBe(before.liveAllocations);
    expect(nn.memoryStats().bytesInUse).toBe(before.bytesInUse);
    // A rejected call allocates nothing.
    expect(() => nn.cluster.kmeans(WELL_SEPARATED.x, { k: 500 })).toThrow(nn.ValueError);
    expect(nn.memoryStats().liveAllocations).toBe(before.liveAllocations);
  });
});

describe('kmeans across backends', () => {
  it('wasm and reference agree on labels for well-separated data, and closely on centroids', async () => {
    const separated = blobs(
      Array.from({ length: 7 }, (_, c) => Array.from({ length: 13 }, (_, f) => ((c * 7 + f * 3) % 11) * 15 - 75)),
      [40, 33, 51, 20, 45, 38, 29],
      1,
      3,
    );
    const runs: { labels: number[]; centroids: Float32Array; inertia: number }[] = [];
    for (const backend of BACKENDS) {
      await useBackend(backend.name, backend.relaxed);
      const r = nn.cluster.kmeans(separated.x, { k: 7, nInit: 2, seed: 4 });
      expectSamePartition(r.labels, separated.truth);
      runs.push({ labels: Array.from(r.labels), centroids: r.centroids.data.slice(), inertia: r.inertia });
      r.centroids.dispose();
    }
    for (let b = 1; b < runs.length; b++) {
      expect(runs[b].labels, label(BACKENDS[b])).toEqual(runs[0].labels);
      for (const [i, v] of runs[b].centroids.entries()) expect(v).toBeCloseTo(runs[0].centroids[i], 3);
      expect(runs[b].inertia).toBeCloseTo(runs[0].inertia, 2);
    }
  });
});

describe('kmeans errors', () => {
  beforeAll(async () => {
    await useBackend('wasm', false);
  });
  const x = [[0, 1], [1, 0], [2, 2]];

  it('k < 1, k not an integer, k > n', () => {
    expect(() => nn.cluster.kmeans(x, { k: 0 })).toThrow(/k must be an integer ≥ 1, got 0/);
    expect(() => nn.cluster.kmeans(x, { k: 1.5 })).toThrow(nn.ValueError);
    expect(() => nn.cluster.kmeans(x, { k: 4 })).toThrow(/k must be at most the number of rows of x \(3\), got 4/);
    expect(() => nn.cluster.kmeans(x, { k: 4 })).toThrow(nn.ValueError);
  });

  it('non-finite values name their row and feature', () => {
    expect(() => nn.cluster.kmeans([[0, 1], [1, NaN], [2, 2]], { k: 2 })).toThrow(/row 1, feature 1 is NaN/);
    expect(() => nn.cluster.kmeans(Float32Array.of(0, 1, Infinity, 0), { k: 1, shape: [2, 2] })).toThrow(nn.ValueError);
    const result = nn.cluster.kmeans(x, { k: 2 });
    expect(() => result.predict([[0, -Infinity]])).toThrow(/row 0, feature 1 is -Infinity/);
    result.centroids.dispose();
  });

  it('zero rows, zero features, shapes that do not fit', () => {
    expect(() => nn.cluster.kmeans([], { k: 1 })).toThrow(nn.ShapeError);
    expect(() => nn.cluster.kmeans(new Float32Array(0), { k: 1, shape: [0, 3] })).toThrow(/at least one row/);
    expect(() => nn.cluster.kmeans([[], []], { k: 1 })).toThrow(/at least one feature/);
    expect(() => nn.cluster.kmeans(new Float32Array(6), { k: 1 })).toThrow(/shape: \[n, d\]/);
    expect(() => nn.cluster.kmeans(new Float32Array(6), { k: 1, shape: [4, 2] })).toThrow(nn.ShapeError);
    expect(() => nn.cluster.kmeans([[0, 1], [2]], { k: 1 })).toThrow(nn.ShapeError);
    const result = nn.cluster.kmeans(x, { k: 2 });
    expect(() => result.predict([[0, 1, 2]])).toThrow(/expected rows of 2 features/);
    result.centroids.dispose();
  });

  it('an unknown option is named, with the closest valid one', () => {
    expect(() => nn.cluster.kmeans(x, { k: 2, n_init: 3 } as never)).toThrow(nn.ConfigError);
    expect(() => nn.cluster.kmeans(x, { k: 2, n_init: 3 } as never)).toThrow(/unknown option 'n_init': Keras's snake_case is not accepted here; use 'nInit'/);
    expect(() => nn.cluster.kmeans(x, { k: 2, maxIters: 3 } as never)).toThrow(/'maxIters'; did you mean 'maxIter'/);
    expect(() => nn.cluster.kmeans(x, { k: 2, tolerance: 1 } as never)).toThrow(/did you mean 'tol'/);
    expect(() => nn.cluster.kmeans(x, { k: 2, sed: 1 } as never)).toThrow(/did you mean 'seed'/);
  });

  it('bad option values', () => {
    expect(() => nn.cluster.kmeans(x, {} as never)).toThrow(/option k \(the number of clusters\) is required/);
    expect(() => nn.cluster.kmeans(x, { k: 2, init: 'kmeans++' as never })).toThrow(nn.ConfigError);
    expect(() => nn.cluster.kmeans(x, { k: 2, nInit: 0 })).toThrow(/nInit must be an integer ≥ 1, got 0/);
    expect(() => nn.cluster.kmeans(x, { k: 2, maxIter: 2.5 })).toThrow(/maxIter/);
    expect(() => nn.cluster.kmeans(x, { k: 2, tol: -1 })).toThrow(/tol must be ≥ 0, got -1/);
    expect(() => nn.cluster.kmeans(x, { k: 2, seed: 0.5 })).toThrow(/seed must be an integer/);
  });
});
