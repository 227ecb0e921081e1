/**
 * K-fold cross-validation indices, as scikit-learn's KFold and StratifiedKFold.
 *
 * The n samples are cut into k folds; fold f serves once as the test set while the other
 * k - 1 folds train. Every index is in exactly one test set, and
 *
 *   |test_f| = ⌊n/k⌋ + 1 for the first n mod k folds, ⌊n/k⌋ for the rest,
 *
 * so fold sizes differ by at most one. Both functions return an array (not a generator):
 * folds are small (two Int32Arrays of n indices in all per fold) and an array can be
 * indexed, counted and iterated twice.
 */

import { checkOptions } from '../options.js';
import { Random } from '../random.js';
import { ValueError } from '../errors.js';
import { classLabels, groupByClass, sampleCount, type Rows } from './rows.js';

export interface KFoldOptions {
  /** Number of folds, 2 ≤ k ≤ n (default 5). */
  k?: number;
  /** Shuffle the samples before cutting them into folds (default false, as scikit-learn). */
  shuffle?: boolean;
  /** Seed of that shuffle (default 0); ignored without shuffle. */
  seed?: number;
}

/** One fold: indices of the samples that train and of those that test, each in ascending order. */
export interface Fold {
  train: Int32Array;
  test: Int32Array;
}

const DEFAULTS = { k: 5, shuffle: false, seed: 0 };

function resolveOptions(options: KFoldOptions, n: number, caller: string): Required<KFoldOptions> {
  const { k, shuffle, seed } = { ...DEFAULTS, ...options };
  if (!Number.isInteger(k) || k < 2 || k > n) {
    const hint = Number.isInteger(k) && k > n ? ` (only ${n} samples)` : '';
    throw new ValueError(`${caller}: k must be an integer in [2, n = ${n}], got ${k}${hint}`);
  }
  if (typeof shuffle !== 'boolean') throw new ValueError(`${caller}: shuffle must be true or false, got ${String(shuffle)}`);
  if (!Number.isInteger(seed)) throw new ValueError(`${caller}: seed must be an integer, got ${seed}`);
  return { k, shuffle, seed };
}

/**
 * K folds of 0..n-1. Without shuffle, fold f tests a contiguous block of indices; with
 * shuffle, the blocks are cut from a seeded permutation. Throws ValueError unless
 * 2 ≤ k ≤ n.
 */
export function kFold(n: number, options: KFoldOptions = {}): Fold[] {
  checkOptions<KFoldOptions>('kFold', options, { k: 'number', shuffle: 'boolean', seed: 'number' });
  if (!Number.isInteger(n) || n < 0) throw new ValueError(`kFold: n must be a non-negative integer, got ${n}`);
  const { k, shuffle, seed } = resolveOptions(options, n, 'kFold');
  const order = Int32Array.from({ length: n }, (_, i) => i);
  if (shuffle) new Random(seed).shuffle(order);
  // Fold f takes |test_f| consecutive entries of `order`.
  const foldOf = new Int32Array(n);
  let start = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    for (let i = start; i < start + size; i++) foldOf[order[i]] = f;
    start += size;
  }
  return foldsFrom(foldOf, k);
}

/**
 * K folds that keep the class proportions of `labels` (scikit-learn's StratifiedKFold):
 * with n_c samples of class c, every test fold holds ⌊n_c/k⌋ or ⌈n_c/k⌉ of them, i.e. within
 * one sample of n_c/k. `labels` are class labels (array, typed array, Tensor [n] or [n, 1])
 * or one-hot rows. Classes with fewer than k samples are allowed: some folds then have
 * none of them in their test set.
 *
 * How: sort the samples by class and deal them out round-robin (sample i of the sorted
 * order to fold i mod k); that fixes how many of each class each fold gets, and fold
 * sizes come out exactly as kFold's. Within a class, which samples go where follows index
 * order, or a seeded shuffle.
 */
export function stratifiedKFold(labels: Rows, options: KFoldOptions = {}): Fold[] {
  checkOptions<KFoldOptions>('stratifiedKFold', options, { k: 'number', shuffle: 'boolean', seed: 'number' });
  // Flat labels hold one label per sample; one-hot rows come as nested arrays or a Tensor [n, c].
  const n = sampleCount(labels, 'stratifiedKFold: labels') ?? (labels as ArrayLike<number>).length;
  const { k, shuffle, seed } = resolveOptions(options, n, 'stratifiedKFold');
  const groups = groupByClass(classLabels(labels, n, 'stratifiedKFold: labels'));
  const random = new Random(seed);
  const foldOf = new Int32Array(n);
  let dealt = 0; // position of the class's first sample in the sorted order
  for (const members of groups) {
    if (shuffle) random.shuffle(members);
    // Sorted positions dealt..dealt+n_c-1 go to folds (position mod k): count per fold.
    const perFold = new Int32Array(k);
    for (let p = dealt; p < dealt + members.length; p++) perFold[p % k]++;
    let next = 0;
    for (let f = 0; f < k; f++) {
      for (let j = 0; j < perFold[f]; j++) foldOf[members[next++]] = f;
    }
    dealt += members.length;
  }
  return foldsFrom(foldOf, k);
}

/** Folds from each sample's test-fold number: test = { i : foldOf[i] = f }, train = the rest. */
function foldsFrom(foldOf: Int32Array, k: number): Fold[] {
  const n = foldOf.length;
  const sizes = new Int32Array(k);
  for (let i = 0; i < n; i++) sizes[foldOf[i]]++;
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) {
    const test = new Int32Array(sizes[f]);
    const train = new Int32Array(n - sizes[f]);
    let t = 0, r = 0;
    for (let i = 0; i < n; i++) {
      if (foldOf[i] === f) test[t++] = i;
      else train[r++] = i;
    }
    folds.push({ train, test });
  }
  return folds;
}
