/**
 * The data k-means accepts, as one flat matrix of n rows and d features (row-major
 * float32), checked: at least one row and one feature, every value finite.
 *
 *   Tensor             shape [n, d]; a rank > 2 tensor [n, ...] has d = the product of the rest
 *   Float32Array       n·d values, with the shape [n, d] given (or d known, for predict)
 *   nested arrays      n rows, each d numbers (a nested row is flattened to its numbers)
 *   Pixels             bytes and scale, as the loaders return images: read as a Float32Array
 *                      of fround(v·scale), one float32 copy (k-means needs every row at once)
 */

import { Tensor, sizeOf, type NestedArray } from '../tensor.js';
import { ShapeError, ValueError, formatShape } from '../errors.js';
import { checkPixels, isPixels, pixelsToFloat32, type Pixels } from '../data/pixels.js';

/** What `kmeans` and `predict` take as x. */
export type ClusterInput = Tensor | Float32Array | NestedArray[] | Pixels;

/**
 * n rows of d features. `values()` may return the caller's own array (read it, never write
 * it), or a Tensor's view, which a wasm allocation can detach: call it again after allocating.
 */
export interface RowData {
  values(): Float32Array;
  n: number;
  d: number;
}

/**
 * Reads `x` as rows. `shape` ([n, d]) is required for a Float32Array unless `features` (d)
 * is known; for a Tensor or nested arrays it must match when given.
 */
export function toRows(input: ClusterInput, where: string, shape?: readonly number[], features?: number): RowData {
  if (isPixels(input)) checkPixels(input, where);
  const x = isPixels(input) ? pixelsToFloat32(input) : input;
  if (shape !== undefined && !(Array.isArray(shape) && shape.length === 2 && shape.every((s) => Number.isInteger(s) && s >= 0))) {
    throw new ShapeError(`${where}: shape must be [n, d] with non-negative integers, got ${Array.isArray(shape) ? formatShape(shape) : String(shape)}`);
  }
  let rows: RowData;
  if (x instanceof Tensor) {
    if (x.rank < 2) throw new ShapeError(`${where}: expected a Tensor of shape [n, d], got ${formatShape(x.shape)}`);
    rows = { values: () => x.data, n: x.shape[0], d: sizeOf(x.shape.slice(1)) };
  } else if (x instanceof Float32Array) {
    const d = shape?.[1] ?? features;
    if (d === undefined) throw new ShapeError(`${where}: flat data (a Float32Array or Pixels) needs its shape: pass shape: [n, d] (got ${x.length} values and no shape)`);
    if (d === 0 ? x.length !== 0 : x.length % d !== 0) throw new ShapeError(`${where}: ${x.length} values do not form rows of ${d} features`);
    rows = { values: () => x, n: d === 0 ? 0 : x.length / d, d };
  } else if (Array.isArray(x)) {
    rows = nestedRows(x, where);
  } else {
    throw new ValueError(`${where}: expected a Tensor, a Float32Array, Pixels or nested arrays, got ${x === null ? 'null' : typeof x}`);
  }
  if (shape !== undefined && (shape[0] !== rows.n || shape[1] !== rows.d)) {
    throw new ShapeError(`${where}: shape ${formatShape(shape)} does not match the data, which holds ${rows.n} rows of ${rows.d} features`);
  }
  if (features !== undefined && rows.d !== features) {
    throw new ShapeError(`${where}: expected rows of ${features} features (as the centroids), got ${rows.d}`);
  }
  if (rows.n === 0) throw new ShapeError(`${where}: expected at least one row, got shape ${formatShape([rows.n, rows.d])}`);
  if (rows.d === 0) throw new ShapeError(`${where}: expected at least one feature per row, got shape ${formatShape([rows.n, rows.d])}`);
  assertFinite(rows, where);
  return rows;
}

/**
 * Rows of nested arrays: each row, flattened, is its d features; every row must hold as
 * many numbers as the first.
 */
function nestedRows(x: NestedArray[], where: string): RowData {
  const flatRow = (row: NestedArray): unknown[] => (Array.isArray(row) ? (row as unknown[]).flat(Infinity) : [row]);
  const d = x.length > 0 ? flatRow(x[0]).length : 0;
  const values = new Float32Array(x.length * d);
  for (let i = 0; i < x.length; i++) {
    const row = flatRow(x[i]);
    if (row.length !== d) throw new ShapeError(`${where}: row ${i} holds ${row.length} numbers, expected ${d} as row 0`);
    for (let f = 0; f < d; f++) {
      const v = row[f];
      if (typeof v !== 'number') throw new ValueError(`${where}: row ${i}, feature ${f} is ${Array.isArray(v) ? 'an array' : typeof v}; expected a number`);
      values[i * d + f] = v;
    }
  }
  return { values: () => values, n: x.length, d };
}

/** Throws a ValueError at the first NaN or ±Infinity, naming its row and feature. */
function assertFinite(rows: RowData, where: string): void {
  const values = rows.values(), d = rows.d;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new ValueError(`${where}: row ${Math.floor(i / d)}, feature ${i % d} is ${values[i]}; expected finite numbers`);
    }
  }
}
