/**
 * The first centroids of a k-means run, drawn from the seeded stream.
 *
 * k-means++ (Arthur & Vassilvitskii, "k-means++: The Advantages of Careful Seeding", 2007):
 *   1. the first centre is a row drawn uniformly;
 *   2. every next centre is a row drawn with probability D(x)² / Σ D(x)², where D(x) is the
 *      distance from x to the nearest centre chosen so far.
 * Rows far from every centre are likely picks, so the centres start spread over the data;
 * the expected inertia of the seeding alone is within a factor 8(ln k + 2) of the optimum.
 *
 * 'random': k distinct rows drawn uniformly (what scikit-learn's init='random' does).
 */

import type { Kernels, Storage } from '../backend/kernels.js';
import type { Random } from '../random.js';
import { squaredDistances } from './distances.js';

/** The rows the centres are drawn from, already in the backend: x is n×d. */
export interface SeedingRows {
  kernels: Kernels;
  x: Storage;
  /** ‖x_i‖² of each row. */
  xNorms: Float64Array;
  n: number;
  d: number;
}

/** Scratch storages for k-means++: one centre (d floats) and one distance per row (n floats). */
export interface SeedingScratch {
  centre: Storage;
  distances: Storage;
}

/** Writes k rows of `rows.x`, chosen by k-means++, into `centroids` (k×d). */
export function kMeansPlusPlus(rows: SeedingRows, k: number, random: Random, centroids: Storage, scratch: SeedingScratch): void {
  const { kernels, x, xNorms, n, d } = rows;
  // nearest[i] = D(x_i)²: squared distance to the nearest centre chosen so far.
  const nearest = new Float64Array(n).fill(Infinity);
  let pick = random.int(n);
  for (let j = 0; j < k; j++) {
    if (j > 0) pick = drawProportional(nearest, random);
    const row = x.view().subarray(pick * d, (pick + 1) * d);
    centroids.view().set(row, j * d);
    if (j === k - 1) break; // the last centre needs no distances
    scratch.centre.view().set(row);
    squaredDistances(kernels, x, xNorms, n, d, scratch.centre, 1, scratch.distances);
    const D = scratch.distances.view();
    for (let i = 0; i < n; i++) nearest[i] = Math.min(nearest[i], D[i]);
    nearest[pick] = 0; // exactly: rounding in D may leave a chosen row a tiny chance of a second draw
  }
}

/**
 * An index i drawn with probability weights[i] / Σ weights (weights ≥ 0). When every weight
 * is 0 (every row coincides with a chosen centre) any row will do: one is drawn uniformly.
 */
function drawProportional(weights: Float64Array, random: Random): number {
  let total = 0;
  for (const w of weights) total += w;
  if (!(total > 0)) return random.int(weights.length);
  // The first i whose running sum exceeds u·total, u uniform in [0, 1).
  const target = random.next() * total;
  let sum = 0;
  let last = 0;
  for (let i = 0; i < weights.length; i++) {
    if (weights[i] === 0) continue;
    sum += weights[i];
    last = i;
    if (sum > target) return i;
  }
  return last; // rounding left the running sum a hair below target: the last row with weight
}

/** Writes k distinct rows of `rows.x`, drawn uniformly (a partial Fisher–Yates shuffle), into `centroids`. */
export function randomRows(rows: SeedingRows, k: number, random: Random, centroids: Storage): void {
  const { x, n, d } = rows;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let j = 0; j < k; j++) {
    const swap = j + random.int(n - j);
    [order[j], order[swap]] = [order[swap], order[j]];
    centroids.view().set(x.view().subarray(order[j] * d, (order[j] + 1) * d), j * d);
  }
}
