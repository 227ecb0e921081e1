/**
 * Squared Euclidean distances from every centroid to every row of X, all at once:
 *
 *   D[j,i] = ‖x_i − c_j‖² = ‖x_i‖² − 2·x_i·c_j + ‖c_j‖²
 *
 * The cross terms x_i·c_j for all i and j are one matrix product, computed by the gemm
 * kernel in its NT form: the centroids C (k×d) and the rows X (n×d) are both stored one
 * vector per row, so the transposed operand needs no copy. That is what makes the
 * assignment step fast: its n·k·d multiply-adds run in the same packed SIMD kernel as a
 * Dense layer, instead of n·k separate loops over d.
 *
 * D is laid out k×n, one row per centroid: the product is C·Xᵀ rather than X·Cᵀ (the same
 * numbers, transposed). The packed kernel pads the columns of its output to a whole tile
 * (8 or 12 wide) but its rows only to 3 or 4, so k = 10 as rows wastes less work than
 * k = 10 as columns: about 30% less time per product on the digits (10,000 × 784, k = 10).
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
 * Writes D (k×n, row-major: D[j,i] at j·n + i) into `distances`: the squared distance from
 * each of the k rows of `centroids` (k×d) to each of the n rows of `x` (n×d). `xNorms` holds
 * ‖x_i‖²; `distances` must not overlap x or centroids.
 */
export function squaredDistances(
  kernels: Kernels, x: Storage, xNorms: Float64Array, n: number, d: number,
  centroids: Storage, k: number, distances: Storage,
): void {
  const centroidNorms = rowSquaredNorms(centroids.view(), k, d);
  // cross = C·Xᵀ   (k×d)·(d×n): the NT product
  kernels.gemm(false, true, k, n, d, centroids, x, distances, false);
  const D = distances.view();
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < n; i++) {
      // D[j,i] = ‖x_i‖² − 2·x_i·c_j + ‖c_j‖², clamped at 0: when x_i ≈ c_j the three terms
      // nearly cancel and float32 rounding can leave a tiny negative number, which is no
      // distance (and k-means++ cannot draw with a negative weight).
      const at = j * n + i;
      D[at] = Math.max(0, xNorms[i] - 2 * D[at] + centroidNorms[j]);
    }
  }
}
