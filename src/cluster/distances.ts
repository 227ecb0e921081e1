/**
 * Squared Euclidean distances from every row of X to every centroid, all at once:
 *
 *   D[i,j] = ‖x_i − c_j‖² = ‖x_i‖² − 2·x_i·c_j + ‖c_j‖²
 *
 * The cross terms x_i·c_j for all i and j are one matrix product, X·Cᵀ (n×d times d×k),
 * computed by the gemm kernel in its NT form: the centroids are stored k×d, one per row, so
 * Cᵀ needs no copy. That is what makes the assignment step fast: its n·k·d multiply-adds
 * run in the same packed SIMD kernel as a Dense layer's forward pass, instead of n·k
 * separate loops over d. The two norms are a vector per side, computed once per call.
 */

import type { Kernels, Storage } from '../backend/kernels.js';

/** ‖row‖² of each of the `rows` rows of `cols` values, summed in float64. */
export function rowSquaredNorms(values: Float32Array, rows: number, cols: number): Float64Array {
  const norms = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let f = i * cols, end = f + cols; f < end; f++) sum += values[f] * values[f];
    norms[i] = sum;
  }
  return norms;
}

/**
 * Writes D (n×k, row-major) into `distances`: the squared distance from each of the n rows
 * of `x` (n×d) to each of the k rows of `centroids` (k×d). `xNorms` holds ‖x_i‖²;
 * `distances` must not overlap x or centroids.
 */
export function squaredDistances(
  kernels: Kernels, x: Storage, xNorms: Float64Array, n: number, d: number,
  centroids: Storage, k: number, distances: Storage,
): void {
  const centroidNorms = rowSquaredNorms(centroids.view(), k, d);
  // cross = X·Cᵀ   (n×d)·(d×k): the NT product
  kernels.gemm(false, true, n, k, d, x, centroids, distances, false);
  const D = distances.view();
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      // D[i,j] = ‖x_i‖² − 2·x_i·c_j + ‖c_j‖², clamped at 0: when x_i ≈ c_j the three terms
      // nearly cancel and float32 rounding can leave a tiny negative number, which is no
      // distance (and k-means++ cannot draw with a negative weight).
      const at = i * k + j;
      D[at] = Math.max(0, xNorms[i] - 2 * D[at] + centroidNorms[j]);
    }
  }
}
