/**
 * k-means clustering by Lloyd's algorithm: split n rows into k groups so that the inertia
 *
 *   J = Σ_i ‖x_i − c_label(i)‖²      (squared distance from each row to its group's centroid)
 *
 * is small. No labels are given: the groups come from the geometry of the data alone.
 *
 *   const result = nn.cluster.kmeans(x, { k: 10, nInit: 10, seed: 1 });
 *   result.labels           // Int32Array: the cluster of each row
 *   result.centroids        // Tensor [k, d]: the caller's; dispose it when done
 *   result.predict(xNew)    // the nearest centroid of new rows
 *
 * Each iteration runs two steps, and neither can increase J:
 *   assignment  label(i) = argmin_j ‖x_i − c_j‖²     the best labels for these centroids
 *   update      c_j = mean of the rows labelled j    the best centroids for these labels
 * The assignment step is one gemm (see distances.ts), the update step another.
 *
 * Convergence, as scikit-learn defines it (sklearn/cluster/_kmeans.py, version 1.2:
 * `_tolerance` and `_kmeans_single_lloyd`): the tolerance is absolute,
 *   tolerance = tol · (1/d)·Σ_f var(x[:, f])      (population variance of each feature, averaged)
 * and a run stops after the first iteration whose assignment left every label unchanged
 * ("strict convergence"), or whose update moved the centroids by
 *   Σ_j ‖c_j,new − c_j,old‖² ≤ tolerance           (the squared Frobenius norm of the shift).
 * A run that stopped on the shift (or on maxIter) assigns labels once more, so the labels
 * returned are those of the returned centroids.
 *
 * An empty cluster (no row assigned to it) is re-seeded in the update step with the row
 * farthest from its own centroid, taken from a cluster that keeps at least one row: that
 * row's distance drops to 0 and its old cluster's mean still fits the rest, so J still
 * does not increase.
 *
 * Like scikit-learn, the data is centred first (each feature's mean subtracted): distances
 * do not change, but ‖x‖² shrinks, and with it the float32 rounding in ‖x‖² − 2·x·c + ‖c‖².
 * The centroids returned have the means added back.
 *
 * Memory: everything allocated in the backend for the run is freed before `kmeans` returns,
 * except `centroids`, a new Tensor that belongs to the caller. `predict` keeps its own copy
 * of the centroids (in JavaScript memory), so it works after `centroids.dispose()`, and
 * frees what it allocates before it returns.
 */

import type { Kernels, Storage } from '../backend/kernels.js';
import { kernels } from '../backend/backend.js';
import { Tensor } from '../tensor.js';
import { Random, mixKey } from '../random.js';
import { ConfigError, ValueError } from '../errors.js';
import { requireNonNegative } from '../arguments.js';
import { rowSquaredNorms, squaredDistances } from './distances.js';
import { kMeansPlusPlus, randomRows, type SeedingRows, type SeedingScratch } from './init.js';
import { toRows, type ClusterInput, type RowData } from './rows.js';
import { checkOptions } from '../options.js';

export type KMeansInit = 'k-means++' | 'random';

export interface KMeansOptions {
  /** Number of clusters: an integer with 1 ≤ k ≤ the number of rows. */
  k: number;
  /** How each start picks its first centroids: 'k-means++' (default) or 'random' (k distinct rows). */
  init?: KMeansInit;
  /** Number of seeded starts; the one with the lowest inertia is returned (default 1). */
  nInit?: number;
  /** Most Lloyd iterations per start (default 300). */
  maxIter?: number;
  /** Convergence tolerance, relative to the mean per-feature variance of x (default 1e-4). */
  tol?: number;
  /** Seed of the starts (default 0): the same seed on the same backend gives the same result. */
  seed?: number;
  /** Shape [n, d] of x when x is flat (a Float32Array or Pixels: required then; checked otherwise). */
  shape?: readonly [number, number];
}

const DEFAULTS = { init: 'k-means++' as KMeansInit, nInit: 1, maxIter: 300, tol: 1e-4, seed: 0 };
const INITS: readonly KMeansInit[] = ['k-means++', 'random'];

export interface KMeansResult {
  /** The k centroids, one per row: a new Tensor on the backend that ran, owned by the caller. */
  centroids: Tensor;
  /** The cluster (0..k-1) of each row of x: the index of its nearest centroid. */
  labels: Int32Array;
  /** Σ_i ‖x_i − c_label(i)‖² for the returned labels and centroids, summed in float64. */
  inertia: number;
  /** Lloyd iterations of the returned start. */
  iterations: number;
  /** Whether the returned start met the convergence test before maxIter ran out. */
  converged: boolean;
  /** Inertia after each assignment step of the returned start (never increasing; the last ≥ inertia). */
  inertiaHistory: number[];
  /** The nearest centroid of each row of x (rows of d features, in any form kmeans accepts). */
  predict(x: ClusterInput): Int32Array;
}

/** Clusters the n rows of x into k groups (Lloyd's algorithm, best of nInit seeded starts). */
export function kmeans(x: ClusterInput, options: KMeansOptions): KMeansResult {
  const settings = settingsOf(options);
  const data = toRows(x, 'kmeans: x', options.shape);
  if (settings.k > data.n) throw new ValueError(`kmeans: k must be at most the number of rows of x (${data.n}), got ${settings.k}`);
  const mean = columnMeans(data);
  const tolerance = settings.tol * meanVariance(data, mean);
  const backend = kernels();
  const work = new Workspace(backend, data, mean, settings.k);
  try {
    let best: Run | null = null;
    for (let start = 0; start < settings.nInit; start++) {
      const run = lloyd(work, settings, tolerance, new Random(mixKey(settings.seed, start)));
      if (best === null || run.inertia < best.inertia) best = run;
    }
    if (best === null) throw new ConfigError('kmeans: nInit must be at least 1');
    return toResult(backend, best, mean, settings.k);
  } finally {
    work.free();
  }
}

interface Settings {
  k: number;
  init: KMeansInit;
  nInit: number;
  maxIter: number;
  tol: number;
  seed: number;
}

function settingsOf(options: KMeansOptions): Settings {
  if (options === null || typeof options !== 'object') {
    throw new ConfigError(`kmeans: options must be an object with at least k, e.g. { k: 3 }, got ${options === null ? 'null' : typeof options}`);
  }
  checkOptions<KMeansOptions>('kmeans', options, {
    k: 'number', init: 'string', nInit: 'number', maxIter: 'number', tol: 'number', seed: 'number', shape: 'array',
  });
  if (options.k === undefined) throw new ConfigError('kmeans: option k (the number of clusters) is required');
  const settings: Settings = {
    k: options.k,
    init: options.init ?? DEFAULTS.init,
    nInit: options.nInit ?? DEFAULTS.nInit,
    maxIter: options.maxIter ?? DEFAULTS.maxIter,
    tol: options.tol ?? DEFAULTS.tol,
    seed: options.seed ?? DEFAULTS.seed,
  };
  const requirePositiveInteger = (name: string, value: number): void => {
    if (!Number.isInteger(value) || value < 1) throw new ValueError(`kmeans: ${name} must be an integer ≥ 1, got ${String(value)}`);
  };
  requirePositiveInteger('k', settings.k);
  requirePositiveInteger('nInit', settings.nInit);
  requirePositiveInteger('maxIter', settings.maxIter);
  requireNonNegative('kmeans', 'tol', settings.tol);
  if (!Number.isInteger(settings.seed)) throw new ValueError(`kmeans: seed must be an integer, got ${String(settings.seed)}`);
  if (!INITS.includes(settings.init)) {
    throw new ConfigError(`kmeans: init must be one of ${INITS.map((i) => `'${i}'`).join(', ')}, got '${String(settings.init)}'`);
  }
  return settings;
}

/** The mean of each feature, in float64. */
function columnMeans({ values, n, d }: RowData): Float64Array {
  const x = values();
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) mean[f] += x[i * d + f];
  for (let f = 0; f < d; f++) mean[f] /= n;
  return mean;
}

/** (1/d)·Σ_f (1/n)·Σ_i (x_if − mean_f)²: numpy's np.mean(np.var(x, axis=0)), in float64. */
function meanVariance({ values, n, d }: RowData, mean: Float64Array): number {
  const x = values();
  let sum = 0;
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < d; f++) {
      const deviation = x[i * d + f] - mean[f];
      sum += deviation * deviation;
    }
  }
  return sum / (n * d);
}

/** out[i,f] = x[i,f] − mean[f], rounded to float32 (the one centring rule, for kmeans and predict). */
function centerInto(x: Float32Array, mean: Float64Array, d: number, out: Float32Array): void {
  for (let at = 0; at < x.length; at++) out[at] = x[at] - mean[at % d];
}

/** The backend storages of one kmeans call, allocated once and shared by every start. */
class Workspace implements SeedingRows {
  /** The centred rows, n×d. */
  readonly x: Storage;
  readonly xNorms: Float64Array;
  readonly n: number;
  readonly d: number;
  /** The current centroids, k×d. */
  readonly centroids: Storage;
  /** Squared distance from each centroid to each row, k×n. */
  readonly distances: Storage;
  /** The membership matrix A, k×n: A[j,i] = 1 when row i is in cluster j, else 0. */
  readonly membership: Storage;
  /** Σ of the rows of each cluster, k×d. */
  readonly sums: Storage;
  readonly seeding: SeedingScratch;
  private readonly allocated: Storage[] = [];

  constructor(readonly kernels: Kernels, data: RowData, mean: Float64Array, readonly k: number) {
    const { n, d } = data;
    this.n = n;
    this.d = d;
    try {
      this.x = this.alloc(n * d);
      this.centroids = this.alloc(k * d);
      this.distances = this.alloc(k * n);
      this.membership = this.alloc(k * n);
      this.sums = this.alloc(k * d);
      this.seeding = { centre: this.alloc(d), distances: this.alloc(n) };
    } catch (error) {
      this.free();
      throw error;
    }
    // Written after the last allocation: an allocation may grow wasm memory and detach views.
    centerInto(data.values(), mean, d, this.x.view());
    this.xNorms = rowSquaredNorms(this.x.view(), n, d);
  }

  private alloc(length: number): Storage {
    const storage = this.kernels.alloc(length);
    this.allocated.push(storage);
    return storage;
  }

  free(): void {
    for (const storage of this.allocated.splice(0)) this.kernels.free(storage);
  }
}

/** What one start ends with: its centroids (centred, a JavaScript copy) and labels. */
interface Run {
  centroids: Float32Array;
  labels: Int32Array;
  inertia: number;
  iterations: number;
  converged: boolean;
  inertiaHistory: number[];
}

/** One start: seed the centroids, then assignment and update steps until converged or maxIter. */
function lloyd(work: Workspace, settings: Settings, tolerance: number, random: Random): Run {
  const { n, k } = work;
  if (settings.init === 'random') randomRows(work, k, random, work.centroids);
  else kMeansPlusPlus(work, k, random, work.centroids, work.seeding);
  const labels = new Int32Array(n);
  const previous = new Int32Array(n).fill(-1);
  const nearest = new Float64Array(n);
  const inertiaHistory: number[] = [];
  let iterations = 0;
  let strict = false;
  let converged = false;
  while (iterations < settings.maxIter) {
    iterations++;
    inertiaHistory.push(assign(work, labels, nearest));
    const { shift, reseeded } = update(work, labels, nearest);
    if (sameLabels(labels, previous)) {
      strict = !reseeded;
      converged = true;
      break;
    }
    if (shift <= tolerance) {
      converged = true;
      break;
    }
    previous.set(labels);
  }
  // Labels of the final centroids. After a strict convergence without re-seeding they
  // already are: the update reproduced the centroids these labels were assigned with.
  if (!strict) assign(work, labels, nearest);
  return {
    centroids: work.centroids.view().slice(),
    labels,
    inertia: inertiaOf(work, labels),
    iterations,
    converged,
    inertiaHistory,
  };
}

/**
 * Assignment step: label(i) = argmin_j D[j,i], with D[j,i] = ‖x_i‖² − 2·x_i·c_j + ‖c_j‖²
 * from one NT gemm (distances.ts). Writes labels and each row's nearest squared distance;
 * returns their sum, the inertia of these labels and centroids.
 */
function assign(work: Workspace, labels: Int32Array, nearest: Float64Array): number {
  squaredDistances(work.kernels, work.x, work.xNorms, work.n, work.d, work.centroids, work.k, work.distances);
  return nearestCentroids(work.distances.view(), work.n, work.k, labels, nearest);
}

/** Column-wise argmin of a k×n distance matrix (ties to the lower index); returns Σ of the minima. */
function nearestCentroids(D: Float32Array, n: number, k: number, labels: Int32Array, nearest: Float64Array): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (D[j * n + i] < D[best * n + i]) best = j;
    labels[i] = best;
    nearest[i] = D[best * n + i];
    total += nearest[i];
  }
  return total;
}

/**
 * Update step: c_j = (1/n_j)·Σ_{label(i)=j} x_i. The sums of all clusters are one gemm,
 *   S = A·X      (k×n)·(n×d), A the membership matrix: A[j,i] = [label(i) = j],
 * then each row of S is divided by its count. (A is mostly zeros, so the product does k
 * times the additions a loop over the rows would; in SIMD it is still the faster of the two.) Empty clusters are re-seeded first (see the
 * top of the file). Returns the squared Frobenius norm of the shift, Σ_j ‖c_j,new − c_j,old‖²,
 * and whether a cluster was re-seeded.
 */
function update(work: Workspace, labels: Int32Array, nearest: Float64Array): { shift: number; reseeded: boolean } {
  const { kernels: backend, n, d, k } = work;
  backend.fill(work.membership, 0, k * n);
  const A = work.membership.view();
  for (let i = 0; i < n; i++) A[labels[i] * n + i] = 1;
  // S = A·X: the NN product
  backend.gemm(false, false, k, d, n, work.membership, work.x, work.sums, false);
  const counts = new Int32Array(k);
  for (let i = 0; i < n; i++) counts[labels[i]]++;
  const reseeded = reseedEmptyClusters(work, labels, nearest, counts);

  const S = work.sums.view(), C = work.centroids.view();
  let shift = 0;
  for (let j = 0; j < k; j++) {
    for (let f = j * d; f < (j + 1) * d; f++) {
      const moved = S[f] / counts[j];
      shift += (moved - C[f]) ** 2;
      C[f] = moved;
    }
  }
  return { shift, reseeded };
}

/**
 * Gives each empty cluster the row farthest from its own centroid (by the assignment step's
 * distances) among clusters of two rows or more, moving that row's values from its old
 * cluster's sum to the empty one's. Such a row exists: k ≤ n, so while one of the k
 * clusters is empty, another holds at least two rows. Returns whether any cluster was empty.
 */
function reseedEmptyClusters(work: Workspace, labels: Int32Array, nearest: Float64Array, counts: Int32Array): boolean {
  const { n, d, k } = work;
  let reseeded = false;
  for (let j = 0; j < k; j++) {
    if (counts[j] > 0) continue;
    let farthest = -1;
    for (let i = 0; i < n; i++) {
      if (counts[labels[i]] > 1 && (farthest < 0 || nearest[i] > nearest[farthest])) farthest = i;
    }
    const from = labels[farthest];
    const S = work.sums.view(), X = work.x.view();
    for (let f = 0; f < d; f++) {
      S[from * d + f] -= X[farthest * d + f];
      S[j * d + f] = X[farthest * d + f];
    }
    counts[from]--;
    counts[j] = 1;
    labels[farthest] = j;
    nearest[farthest] = 0;
    reseeded = true;
  }
  return reseeded;
}

function sameLabels(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** J = Σ_i ‖x_i − c_label(i)‖², computed directly (not through the gemm) in float64. */
function inertiaOf(work: Workspace, labels: Int32Array): number {
  const { n, d } = work;
  const X = work.x.view(), C = work.centroids.view();
  let total = 0;
  for (let i = 0; i < n; i++) {
    const row = i * d, centroid = labels[i] * d;
    for (let f = 0; f < d; f++) total += (X[row + f] - C[centroid + f]) ** 2;
  }
  return total;
}

/** The caller's result: centroids moved back by the mean, and a predict over a copy of them. */
function toResult(backend: Kernels, run: Run, mean: Float64Array, k: number): KMeansResult {
  const d = mean.length;
  const centroids = new Tensor([k, d], backend.alloc(k * d), backend);
  const C = centroids.data;
  for (let at = 0; at < k * d; at++) C[at] = run.centroids[at] + mean[at % d];
  const { labels, inertia, iterations, converged, inertiaHistory } = run;
  return {
    centroids, labels, inertia, iterations, converged, inertiaHistory,
    predict: (x) => predictLabels(backend, run.centroids, mean, k, x),
  };
}

/**
 * The nearest of the k centred centroids to each row of x, centred by the training mean the
 * same way the training rows were, so predict on the training rows returns their labels.
 */
function predictLabels(backend: Kernels, centred: Float32Array, mean: Float64Array, k: number, x: ClusterInput): Int32Array {
  const d = mean.length;
  const data = toRows(x, 'kmeans predict: x', undefined, d);
  const allocated: Storage[] = [];
  const alloc = (length: number): Storage => {
    const storage = backend.alloc(length);
    allocated.push(storage);
    return storage;
  };
  try {
    const rows = alloc(data.n * d), centroids = alloc(k * d), distances = alloc(k * data.n);
    centerInto(data.values(), mean, d, rows.view());
    centroids.view().set(centred);
    squaredDistances(backend, rows, rowSquaredNorms(rows.view(), data.n, d), data.n, d, centroids, k, distances);
    const labels = new Int32Array(data.n);
    nearestCentroids(distances.view(), data.n, k, labels, new Float64Array(data.n));
    return labels;
  } finally {
    for (const storage of allocated) backend.free(storage);
  }
}
