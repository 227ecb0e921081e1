import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as nn from '../../src/index.js';
import { setBackend } from '../../src/backend/backend.js';
import { tensor } from '../../src/tensor.js';
import { ShapeError, ValueError } from '../../src/errors.js';
import { kFold, stratifiedKFold, toCategorical, trainTestSplit, type Fold } from '../../src/data/index.js';

beforeAll(async () => {
  await setBackend('wasm');
});

const RUNS = { seed: 42, numRuns: 120 };

/** Class labels drawn as counts per class (classes 0..c-1, 1..40 samples each), then seeded-shuffled. */
const labelsArbitrary = fc
  .tuple(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }), fc.integer())
  .map(([counts, seed]) => {
    const labels = counts.flatMap((count, c) => Array.from({ length: count }, () => c));
    // A deterministic shuffle from the drawn seed, so classes are interleaved.
    let state = seed >>> 0;
    for (let i = labels.length - 1; i > 0; i--) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      const j = state % (i + 1);
      [labels[i], labels[j]] = [labels[j], labels[i]];
    }
    return labels;
  });

function classCounts(labels: ArrayLike<number>, indices: ArrayLike<number>): Map<number, number> {
  const counts = new Map<number, number>();
  for (let i = 0; i < indices.length; i++) counts.set(labels[indices[i]], (counts.get(labels[indices[i]]) ?? 0) + 1);
  return counts;
}

/** Every index in exactly one test fold; in each fold train and test are disjoint, cover 0..n-1, and are ascending. */
function expectPartition(folds: Fold[], n: number): void {
  const timesTested = new Int32Array(n);
  for (const { train, test } of folds) {
    expect(train.length + test.length).toBe(n);
    const seen = new Uint8Array(n);
    for (const i of [...train, ...test]) {
      expect(i >= 0 && i < n).toBe(true);
      expect(seen[i], `index ${i} twice in one fold`).toBe(0);
      seen[i] = 1;
    }
    for (const i of test) timesTested[i]++;
    for (const part of [train, test]) for (let j = 1; j < part.length; j++) expect(part[j]).toBeGreaterThan(part[j - 1]);
  }
  expect([...timesTested].every((t) => t === 1)).toBe(true);
}

/** Sizes as scikit-learn: ⌊n/k⌋ + 1 for the first n mod k folds, ⌊n/k⌋ after. */
function expectFoldSizes(folds: Fold[], n: number, k: number): void {
  expect(folds.length).toBe(k);
  for (const [f, fold] of folds.entries()) expect(fold.test.length).toBe(Math.floor(n / k) + (f < n % k ? 1 : 0));
  const sizes = folds.map((f) => f.test.length);
  expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
}

describe('kFold', () => {
  it('partitions 0..n-1 into k test folds whose sizes differ by at most one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 150 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 2, max: Math.min(n, 13) }), fc.boolean(), fc.integer())),
        ([n, k, shuffle, seed]) => {
          const folds = kFold(n, { k, shuffle, seed });
          expectPartition(folds, n);
          expectFoldSizes(folds, n, k);
        },
      ),
      RUNS,
    );
  });

  it('without shuffle, fold f tests a contiguous block (n = 11, k = 3: 4, 4, 3)', () => {
    const folds = kFold(11, { k: 3 });
    expect(folds.map((f) => Array.from(f.test))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10]]);
    expect(Array.from(folds[1].train)).toEqual([0, 1, 2, 3, 8, 9, 10]);
    expect(kFold(10).length).toBe(5); // default k = 5
  });

  it('shuffles by seed: same seed same folds, another seed other folds', () => {
    const a = kFold(50, { k: 4, shuffle: true, seed: 1 }).map((f) => Array.from(f.test));
    const b = kFold(50, { k: 4, shuffle: true, seed: 1 }).map((f) => Array.from(f.test));
    const c = kFold(50, { k: 4, shuffle: true, seed: 2 }).map((f) => Array.from(f.test));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a).not.toEqual(kFold(50, { k: 4 }).map((f) => Array.from(f.test)));
  });

  it('rejects k < 2, k > n, non-integer k and n with ValueError naming k', () => {
    expect(() => kFold(10, { k: 1 })).toThrow(ValueError);
    expect(() => kFold(3, { k: 4 })).toThrow(/k must be an integer in \[2, n = 3\], got 4/);
    expect(() => kFold(10, { k: 2.5 })).toThrow(ValueError);
    expect(() => kFold(-1)).toThrow(/n must be a non-negative integer, got -1/);
    expect(() => kFold(10, { seed: 0.5, shuffle: true })).toThrow(/seed/);
  });
});

describe('stratifiedKFold', () => {
  it('each test fold holds ⌊n_c/k⌋ or ⌈n_c/k⌉ of every class, and folds partition as kFold', () => {
    fc.assert(
      fc.property(labelsArbitrary, fc.integer({ min: 2, max: 7 }), fc.boolean(), fc.integer(), (labels, kWanted, shuffle, seed) => {
        const n = labels.length;
        fc.pre(n >= 2);
        const k = Math.min(kWanted, n);
        const folds = stratifiedKFold(labels, { k, shuffle, seed });
        expectPartition(folds, n);
        expectFoldSizes(folds, n, k);
        const total = classCounts(labels, Array.from({ length: n }, (_, i) => i));
        for (const { test } of folds) {
          const inFold = classCounts(labels, test);
          for (const [c, nc] of total) {
            // within one sample of the exact share n_c/k
            expect(Math.abs((inFold.get(c) ?? 0) - nc / k)).toBeLessThan(1);
          }
        }
      }),
      RUNS,
    );
  });

  it('accepts Int32Array labels, one-hot rows and a Tensor, with the same folds', () => {
    const labels = [2, 0, 1, 1, 0, 2, 2, 0, 1, 1, 0, 2, 0];
    const expected = stratifiedKFold(labels, { k: 3, shuffle: true, seed: 5 }).map((f) => Array.from(f.test));
    const oneHot = labels.map((c) => [0, 1, 2].map((j) => (j === c ? 1 : 0)));
    const t = tensor(labels, [labels.length, 1]);
    for (const form of [Int32Array.from(labels), oneHot, t]) {
      expect(stratifiedKFold(form, { k: 3, shuffle: true, seed: 5 }).map((f) => Array.from(f.test))).toEqual(expected);
    }
    t.dispose();
    expect(() => stratifiedKFold([[0.5, 0.5], [1, 0]], { k: 2 })).toThrow(/not one-hot/);
    expect(() => stratifiedKFold([0, 1], { k: 3 })).toThrow(ValueError);
  });
});

describe('trainTestSplit', () => {
  /** x as number[][] (3 features) and labels, n samples of classes 0..classes-1. */
  function data(n: number, classes: number): { x: number[][]; y: number[] } {
    return {
      x: Array.from({ length: n }, (_, i) => [i, i + 0.5, -i]),
      y: Array.from({ length: n }, (_, i) => (i * 7) % classes),
    };
  }

  it('test count is ⌈testSize·n⌉ for a fraction and the count for an integer; parts partition the samples', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 120 }),
        fc.oneof(fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.integer({ min: 1, max: 119 })),
        fc.boolean(),
        fc.integer(),
        (n, testSize, shuffle, seed) => {
          const nTest = testSize < 1 ? Math.ceil(testSize * n) : testSize;
          fc.pre(nTest < n);
          const { x, y } = data(n, 3);
          const split = trainTestSplit(x, y, { testSize, shuffle, seed });
          expect(split.testIndices.length).toBe(nTest);
          expect(split.trainIndices.length).toBe(n - nTest);
          expect(new Set([...split.trainIndices, ...split.testIndices]).size).toBe(n);
          // each row comes from the sample its index names
          split.trainIndices.forEach((i, r) => {
            expect(split.xTrain[r]).toEqual(x[i]);
            expect(split.yTrain[r]).toBe(y[i]);
          });
          for (const [r, i] of split.testIndices.entries()) expect(split.xTest[r]).toEqual(x[i]);
          if (!shuffle) expect(Array.from(split.testIndices)).toEqual(Array.from({ length: nTest }, (_, j) => n - nTest + j));
        },
      ),
      RUNS,
    );
  });

  it('stratify keeps every class within one sample of its share in both parts', () => {
    fc.assert(
      fc.property(labelsArbitrary, fc.double({ min: 0.05, max: 0.95, noNaN: true }), fc.boolean(), fc.integer(), (labels, testSize, shuffle, seed) => {
        const n = labels.length;
        const nTest = Math.ceil(testSize * n);
        fc.pre(n >= 2 && nTest < n);
        const x = new Float32Array(n * 2).map((_, j) => j);
        const split = trainTestSplit(x, labels, { testSize, shuffle, seed, stratify: true });
        expect(split.testIndices.length).toBe(nTest);
        expect(new Set([...split.trainIndices, ...split.testIndices]).size).toBe(n);
        const all = classCounts(labels, Array.from({ length: n }, (_, i) => i));
        const test = classCounts(labels, split.testIndices);
        const train = classCounts(labels, split.trainIndices);
        for (const [c, nc] of all) {
          expect(Math.abs((test.get(c) ?? 0) - (nc * nTest) / n)).toBeLessThan(1);
          expect(Math.abs((train.get(c) ?? 0) - (nc * (n - nTest)) / n)).toBeLessThan(1);
        }
        split.testIndices.forEach((i, r) => {
          expect(split.yTest[r]).toBe(labels[i]);
          expect(split.xTest[2 * r + 1]).toBe(2 * i + 1);
        });
      }),
      RUNS,
    );
  });

  it('never mutates its inputs, and its outputs share no memory with them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 60 }), fc.integer(), fc.boolean(), (n, seed, stratify) => {
        const { x, y } = data(n, 2);
        const flat = Float32Array.from(x.flat());
        const labels = Int32Array.from(y);
        const [xCopy, yCopy, flatCopy, labelsCopy] = [structuredClone(x), [...y], flat.slice(), labels.slice()];
        const nested = trainTestSplit(x, y, { seed, stratify });
        const typed = trainTestSplit(flat, labels, { seed, stratify });
        nested.xTrain[0][0] = 1e9;
        nested.yTrain[0] = -5;
        typed.xTrain[0] = 1e9;
        typed.yTest[0] = -5;
        expect(x).toEqual(xCopy);
        expect(y).toEqual(yCopy);
        expect(flat).toEqual(flatCopy);
        expect(labels).toEqual(labelsCopy);
        // same kinds out as in
        expect(typed.xTrain).toBeInstanceOf(Float32Array);
        expect(typed.yTrain).toBeInstanceOf(Int32Array);
        expect(typed.xTrain.length).toBe(3 * typed.trainIndices.length);
      }),
      { seed: 42, numRuns: 60 },
    );
  });

  it('same seed gives the same split, a different seed a different one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 20, max: 100 }), fc.integer(), fc.integer(), fc.boolean(), (n, s1, s2, stratify) => {
        fc.pre(s1 !== s2);
        const { x, y } = data(n, 3);
        const a = trainTestSplit(x, y, { seed: s1, stratify });
        const b = trainTestSplit(x, y, { seed: s1, stratify });
        const c = trainTestSplit(x, y, { seed: s2, stratify });
        expect(Array.from(a.testIndices)).toEqual(Array.from(b.testIndices));
        expect(a.xTest).toEqual(b.xTest);
        expect(Array.from(a.testIndices)).not.toEqual(Array.from(c.testIndices));
      }),
      { seed: 42, numRuns: 60 },
    );
  });

  it('splits Tensors into new Tensors of the same trailing shape', () => {
    const x = tensor(Array.from({ length: 10 * 6 }, (_, j) => j), [10, 2, 3]);
    const y = tensor(Array.from({ length: 10 }, (_, i) => i), [10]);
    const split = trainTestSplit(x, y, { testSize: 3, seed: 7 });
    expect(split.xTrain).toBeInstanceOf(nn.Tensor);
    expect(split.xTrain.shape).toEqual([7, 2, 3]);
    expect(split.xTest.shape).toEqual([3, 2, 3]);
    expect(split.yTest.shape).toEqual([3]);
    split.testIndices.forEach((i, r) => {
      expect(split.yTest.data[r]).toBe(i);
      expect(Array.from(split.xTest.data.subarray(6 * r, 6 * r + 6))).toEqual([0, 1, 2, 3, 4, 5].map((j) => 6 * i + j));
    });
    for (const t of [x, y, split.xTrain, split.xTest, split.yTrain, split.yTest]) t.dispose();
  });

  it('flat x: the row size comes from rowSize or from the number of labels', () => {
    const x = Float32Array.from({ length: 12 }, (_, j) => j); // 4 samples of 3
    const inferred = trainTestSplit(x, [0, 1, 0, 1], { testSize: 1, shuffle: false });
    expect(Array.from(inferred.xTest)).toEqual([9, 10, 11]);
    // flat one-hot y needs rowSize on x
    const oneHot = Float32Array.from([1, 0, 0, 1, 1, 0, 0, 1]);
    const explicit = trainTestSplit(x, oneHot, { testSize: 1, shuffle: false, rowSize: 3 });
    expect(Array.from(explicit.yTest)).toEqual([0, 1]);
    expect(Array.from(explicit.xTrain)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('rejects mismatched lengths and bad testSize with typed errors naming the argument', () => {
    const { x, y } = data(10, 2);
    expect(() => trainTestSplit(x, y.slice(0, 9))).toThrow(ShapeError);
    expect(() => trainTestSplit(x, y.slice(0, 9))).toThrow(/x has 10 samples but y has 9/);
    expect(() => trainTestSplit(new Float32Array(10), [0, 1, 0])).toThrow(/x holds 10 values.*3 samples/);
    expect(() => trainTestSplit(new Float32Array(12), [0, 1, 0], { rowSize: 5 })).toThrow(/not a multiple of rowSize 5/);
    expect(() => trainTestSplit(x, y, { rowSize: 4 })).toThrow(/rowSize 4 does not match x, whose samples hold 3/);
    for (const bad of [0, -1, 1.5, Number.NaN, 10, 12]) {
      expect(() => trainTestSplit(x, y, { testSize: bad }), `testSize ${bad}`).toThrow(ValueError);
      expect(() => trainTestSplit(x, y, { testSize: bad })).toThrow(/testSize/);
    }
    expect(() => trainTestSplit(x, y, { testSize: 0.95 })).toThrow(/leaves 0 for training/);
    expect(() => trainTestSplit(x, y.map((c) => [c, 1 - c, 0.5]), { stratify: true })).toThrow(/not one-hot/);
    expect(() => trainTestSplit(x, y, { seed: 1.5 })).toThrow(/seed must be an integer/);
  });

  it('the scikit-learn rounding: 0.25 of 60 is 15, 0.14 of 50 is 8 (0.14·50 = 7.000000000000001)', () => {
    const { x, y } = data(60, 2);
    expect(trainTestSplit(x, y).testIndices.length).toBe(15);
    expect(trainTestSplit(x.slice(0, 50), y.slice(0, 50), { testSize: 0.14 }).testIndices.length).toBe(8);
  });
});

describe('toCategorical', () => {
  const argmaxRows = (t: nn.Tensor): number[] => {
    const [n, c] = t.shape;
    return Array.from({ length: n }, (_, i) => {
      let best = 0;
      for (let j = 1; j < c; j++) if (t.data[i * c + j] > t.data[i * c + best]) best = j;
      return best;
    });
  };

  it('round-trips with argmax, rows hold a single 1, numClasses defaults to max + 1', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 70 }), fc.integer({ min: 0, max: 3 }), (labels, extra) => {
        const inferred = toCategorical(labels);
        expect(inferred.shape).toEqual([labels.length, Math.max(...labels) + 1]);
        inferred.dispose();
        const numClasses = Math.max(...labels) + 1 + extra;
        const onehot = toCategorical(Float32Array.from(labels), numClasses);
        expect(onehot.shape).toEqual([labels.length, numClasses]);
        expect(argmaxRows(onehot)).toEqual(labels);
        expect(Array.from(onehot.data).reduce((a, b) => a + b, 0)).toBe(labels.length);
        expect(Array.from(onehot.data).every((v) => v === 0 || v === 1)).toBe(true);
        onehot.dispose();
      }),
      { seed: 42, numRuns: 80 },
    );
  });

  it('takes Int32Array and Tensor [n, 1] labels', () => {
    const a = toCategorical(Int32Array.from([2, 0, 1]));
    expect(Array.from(a.data)).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0]);
    const labels = tensor([[1], [0]]);
    const b = toCategorical(labels, 3);
    expect(Array.from(b.data)).toEqual([0, 1, 0, 1, 0, 0]);
    const zero = toCategorical([], 4);
    expect(zero.shape).toEqual([0, 4]);
    for (const t of [a, b, labels, zero]) t.dispose();
  });

  it('rejects bad labels with a ValueError naming the index and value', () => {
    expect(() => toCategorical([0, 1, -1])).toThrow(/label -1 at index 2/);
    expect(() => toCategorical([0, 1.5])).toThrow(/label 1.5 at index 1/);
    expect(() => toCategorical([Number.NaN])).toThrow(/label NaN at index 0/);
    expect(() => toCategorical([0, 3, 1], 3)).toThrow(/label 3 at index 1 is not an integer in \[0, 2\]/);
    expect(() => toCategorical([0, 3, 1], 3)).toThrow(ValueError);
    expect(() => toCategorical([0], 0)).toThrow(/numClasses must be a positive integer, got 0/);
    expect(() => toCategorical([])).toThrow(/pass numClasses/);
    const wide = tensor([[0, 1], [1, 0]]);
    expect(() => toCategorical(wide)).toThrow(ShapeError);
    wide.dispose();
  });
});
