/**
 * A train/test split, as scikit-learn's `train_test_split`:
 *
 *   nTest  = ⌈testSize·n⌉ for a fraction testSize in (0, 1), or testSize itself for an integer
 *   nTrain = n - nTest                                         (both must be ≥ 1)
 *
 * With shuffle (the default) the test rows are the first nTest of a seeded permutation and
 * the training rows the rest, both in permuted order; without shuffle the last nTest rows
 * test, in order. As in scikit-learn, the product is rounded up in floating point:
 * 0.14·50 = 7.000000000000001 gives 8 test rows, not 7.
 *
 * Stratified: with n_c samples of class c, the test set gets
 *
 *   t_c = ⌊n_c·nTest/n⌋, plus one for the classes with the largest remainders until Σ t_c = nTest
 *
 * ("largest remainder"), so every class is within one sample of its exact share n_c·nTest/n
 * in the test set, and likewise in the training set.
 */

import { checkOptions } from '../options.js';
import { Random } from '../random.js';
import { ValueError } from '../errors.js';
import { classLabels, groupByClass, pairedCount, takeRowsOf, type Rows } from './rows.js';

export interface TrainTestSplitOptions {
  /** A fraction in (0, 1) of the samples, or an integer count ≥ 1, to hold out for testing (default 0.25). */
  testSize?: number;
  /** Shuffle before splitting (default true). */
  shuffle?: boolean;
  /** Seed of the shuffle (default 0): same seed, same split. */
  seed?: number;
  /** Keep the class proportions of y in both parts (default false); y must be class labels or one-hot rows. */
  stratify?: boolean;
  /**
   * Values per sample of a flat x (e.g. 784 for MNIST in a Float32Array). Default: inferred
   * as x.length / (number of samples of y), taking a flat y as one label per sample.
   */
  rowSize?: number;
}

/**
 * The four parts, each of the same kind as its input (Float32Array for Float32Array, arrays
 * for arrays, new Tensors on the active backend for Tensors, which the caller disposes),
 * plus the sample indices that went to each part.
 */
export interface TrainTestSplit<X extends Rows, Y extends Rows> {
  xTrain: X;
  xTest: X;
  yTrain: Y;
  yTest: Y;
  trainIndices: Int32Array;
  testIndices: Int32Array;
}

const DEFAULTS = { testSize: 0.25, shuffle: true, seed: 0, stratify: false };

/**
 * Splits (x, y) into training and test parts; copies, never changes, its inputs. x and y
 * are Tensors (samples along the first dimension), nested arrays (one entry per sample) or
 * flat arrays (see `rowSize`). Mismatched sample counts are a ShapeError, a bad testSize a
 * ValueError.
 */
export function trainTestSplit<X extends Rows, Y extends Rows>(x: X, y: Y, options: TrainTestSplitOptions = {}): TrainTestSplit<X, Y> {
  checkOptions<TrainTestSplitOptions>('trainTestSplit', options, { testSize: 'number', shuffle: 'boolean', seed: 'number', stratify: 'boolean', rowSize: 'number' });
  const { testSize, shuffle, seed, stratify } = { ...DEFAULTS, ...options };
  if (typeof shuffle !== 'boolean') throw new ValueError(`trainTestSplit: shuffle must be true or false, got ${String(shuffle)}`);
  if (typeof stratify !== 'boolean') throw new ValueError(`trainTestSplit: stratify must be true or false, got ${String(stratify)}`);
  if (!Number.isInteger(seed)) throw new ValueError(`trainTestSplit: seed must be an integer, got ${seed}`);
  const n = pairedCount(x, y, options.rowSize, 'trainTestSplit');
  const nTest = testCount(testSize, n);

  const random = new Random(seed);
  let trainIndices: Int32Array, testIndices: Int32Array;
  if (stratify) {
    ({ trainIndices, testIndices } = stratifiedIndices(classLabels(y, n, 'trainTestSplit: y'), nTest, shuffle ? random : null));
  } else {
    const order = Int32Array.from({ length: n }, (_, i) => i);
    if (shuffle) {
      random.shuffle(order);
      testIndices = order.slice(0, nTest);
      trainIndices = order.slice(nTest);
    } else {
      trainIndices = order.slice(0, n - nTest);
      testIndices = order.slice(n - nTest);
    }
  }
  return {
    xTrain: takeRowsOf(x, trainIndices, n),
    xTest: takeRowsOf(x, testIndices, n),
    yTrain: takeRowsOf(y, trainIndices, n),
    yTest: takeRowsOf(y, testIndices, n),
    trainIndices,
    testIndices,
  };
}

/** nTest from testSize: a fraction in (0, 1) -> ⌈testSize·n⌉; an integer -> itself. Both parts must be non-empty. */
function testCount(testSize: number, n: number): number {
  const fraction = testSize > 0 && testSize < 1;
  if (typeof testSize !== 'number' || !(fraction || (Number.isInteger(testSize) && testSize >= 1))) {
    throw new ValueError(`trainTestSplit: testSize must be a fraction in (0, 1) or an integer count ≥ 1, got ${String(testSize)}`);
  }
  const nTest = fraction ? Math.ceil(testSize * n) : testSize;
  if (nTest >= n) {
    throw new ValueError(`trainTestSplit: testSize ${testSize} of ${n} samples leaves ${n - nTest} for training (${nTest} test); expected at most ${n - 1} test samples`);
  }
  return nTest;
}

/** Stratified test/train indices: per class, t_c by largest remainder (see the file comment). */
function stratifiedIndices(labels: Float64Array, nTest: number, random: Random | null): { trainIndices: Int32Array; testIndices: Int32Array } {
  const n = labels.length;
  const groups = groupByClass(labels);
  // Integer arithmetic: n_c·nTest = t_c·n + remainder_c.
  const counts = groups.map((members) => Math.floor((members.length * nTest) / n));
  const remainders = groups.map((members) => (members.length * nTest) % n);
  let missing = nTest - counts.reduce((a, b) => a + b, 0);
  const byRemainder = groups.map((_, c) => c).sort((a, b) => remainders[b] - remainders[a] || a - b);
  for (const c of byRemainder) {
    if (missing === 0) break;
    counts[c]++;
    missing--;
  }
  const train: number[] = [], test: number[] = [];
  groups.forEach((members, c) => {
    if (random) {
      random.shuffle(members);
      test.push(...members.slice(0, counts[c]));
      train.push(...members.slice(counts[c]));
    } else {
      // Unshuffled: each class's last t_c samples test, as the unshuffled split takes the tail.
      train.push(...members.slice(0, members.length - counts[c]));
      test.push(...members.slice(members.length - counts[c]));
    }
  });
  const trainIndices = Int32Array.from(train), testIndices = Int32Array.from(test);
  if (random) {
    random.shuffle(trainIndices); // otherwise the parts would come sorted by class
    random.shuffle(testIndices);
  } else {
    trainIndices.sort();
    testIndices.sort();
  }
  return { trainIndices, testIndices };
}
