/**
 * Samples as rows: the one place that knows how to count, pick and read the rows of every
 * kind of data the splitting helpers accept.
 *
 *   Tensor               rows along the first dimension: shape [n, ...rowShape]
 *   number[][] (nested)  one entry per sample, any depth: x[i] is sample i
 *   flat arrays          Float32Array, Float64Array, Int32Array, Uint8Array or number[]:
 *                        n consecutive runs of `rowSize` values (rowSize 1 for labels)
 *   Pixels               { pixels, scale }: flat bytes, picked as bytes with the same scale
 *
 * Picking rows always copies, into the same kind as the input, so the result never shares
 * memory with the input and the input is never written.
 */

import { Tensor, tensor, sizeOf, type NestedArray, type NumericArray, type TensorLike } from '../tensor.js';
import { nestedShape, readNested } from '../core/nested.js';
import { ShapeError, ValueError, formatShape } from '../errors.js';
import { checkPixels, isPixels, type Pixels } from './pixels.js';

/** A flat array of numbers: row i is values [i·rowSize, (i+1)·rowSize). */
export type FlatArray = NumericArray | number[];

/** Any data whose samples are rows: a Tensor, nested arrays, a flat array, or Pixels. */
export type Rows = Tensor | FlatArray | NestedArray[] | Pixels;

/** True for flat data (a typed array, an array of plain numbers, or Pixels). */
function isFlat(data: Rows): data is FlatArray | Pixels {
  if (data instanceof Tensor) return false;
  if (ArrayBuffer.isView(data) || isPixels(data)) return true;
  return Array.isArray(data) && (data.length === 0 || typeof data[0] === 'number');
}

/** The values of flat data, as they are stored (Pixels: the bytes, unscaled). */
function flatValues(data: FlatArray | Pixels): FlatArray {
  return isPixels(data) ? data.pixels : data;
}

/** Checks that `data` is one of the accepted kinds. */
function assertRows(data: unknown, argument: string): asserts data is Rows {
  const ok = data instanceof Tensor || data instanceof Float32Array || data instanceof Float64Array ||
    data instanceof Int32Array || data instanceof Uint8Array || Array.isArray(data) || isPixels(data);
  if (!ok) {
    throw new ValueError(`${argument}: expected a Tensor, a Float32Array/Float64Array/Int32Array/Uint8Array, Pixels or an array, got ${data === null ? 'null' : typeof data}`);
  }
  if (isPixels(data)) checkPixels(data, argument);
  if (data instanceof Tensor && data.rank === 0) throw new ShapeError(`${argument}: expected a Tensor with a sample dimension, got shape []`);
}

/**
 * Number of samples in non-flat data (Tensor: shape[0]; nested arrays: length), or null for
 * flat data, whose count depends on the row size.
 */
export function sampleCount(data: Rows, argument: string): number | null {
  assertRows(data, argument);
  if (data instanceof Tensor) return data.shape[0];
  return isFlat(data) ? null : data.length;
}

/** Values per sample: product of the Tensor's trailing dimensions, or of a nested sample's shape. */
function naturalRowSize(data: Tensor | NestedArray[]): number {
  if (data instanceof Tensor) return sizeOf(data.shape.slice(1));
  return sizeOf(nestedShape(data.length > 0 ? data[0] : 0));
}

/** Data read for a model: its shape and its values as float32. */
export interface ShapedValues {
  shape: number[];
  /** The values (for a Tensor, its live view: call again after allocations). */
  values: () => Float32Array;
}

/**
 * The shape and float32 values of any input `fit` accepts: a Tensor (its live view: re-read
 * after allocations), a Float32Array (as it is), another typed array (one float32 copy) or
 * nested arrays (read by core/nested.ts).
 */
export function readValues(data: TensorLike, argument: string): ShapedValues {
  if (data instanceof Tensor) return { shape: [...data.shape], values: () => data.data };
  if (data instanceof Float32Array) return { shape: [data.length], values: () => data };
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    throw new ValueError(`${argument}: expected numbers, got a ${data.constructor.name}; convert it first, e.g. Float32Array.from(values, Number)`);
  }
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) {
    const copy = Float32Array.from(data as unknown as ArrayLike<number>);
    return { shape: [copy.length], values: () => copy };
  }
  if (Array.isArray(data)) {
    const { shape, data: values } = readNested(data, argument);
    return { shape, values: () => values };
  }
  throw new ValueError(`${argument}: expected a Tensor, Float32Array or array, got ${data === null ? 'null' : typeof data}`);
}

/**
 * The row size of `data` when it holds `n` samples: flat data must hold a multiple of n
 * values (0 samples of a flat array hold rows of size 1 by convention).
 */
function rowSizeFor(data: Rows, n: number, argument: string): number {
  if (!isFlat(data)) return naturalRowSize(data);
  const { length } = flatValues(data);
  if (n === 0) {
    if (length !== 0) throw new ShapeError(`${argument}: expected 0 values for 0 samples, got ${length}`);
    return 1;
  }
  if (length % n !== 0) {
    throw new ShapeError(`${argument}: a flat array of ${length} values does not split into ${n} samples (expected a multiple of ${n})`);
  }
  return length / n;
}

/**
 * Number of samples of the pair (x, y), with x's row size for flat x. For flat x the count
 * comes from `rowSize` when given, else from y (non-flat y: its sample count; flat y: one
 * label per sample). Mismatched counts are a ShapeError naming both arguments.
 */
export function pairedCount(x: Rows, y: Rows, rowSize: number | undefined, caller: string): number {
  const nx = sampleCount(x, `${caller}: x`);
  const ny = sampleCount(y, `${caller}: y`);
  if (rowSize !== undefined) {
    if (!Number.isInteger(rowSize) || rowSize <= 0) throw new ValueError(`${caller}: rowSize must be a positive integer, got ${rowSize}`);
    if (!isFlat(x) && naturalRowSize(x) !== rowSize) {
      throw new ShapeError(`${caller}: rowSize ${rowSize} does not match x, whose samples hold ${naturalRowSize(x)} values`);
    }
  }
  const xLength = isFlat(x) ? flatValues(x).length : 0, yLength = isFlat(y) ? flatValues(y).length : 0;
  let n: number;
  if (!isFlat(x)) n = nx ?? 0;
  else if (rowSize !== undefined) {
    if (xLength % rowSize !== 0) throw new ShapeError(`${caller}: x holds ${xLength} values, not a multiple of rowSize ${rowSize}`);
    n = xLength / rowSize;
  } else if (!isFlat(y)) n = ny ?? 0;
  else n = yLength; // x and y both flat, no rowSize: y holds one label per sample
  if (ny !== null && ny !== n) throw new ShapeError(`${caller}: x has ${n} samples but y has ${ny}; expected the same number`);
  if (isFlat(x) && (n === 0 ? xLength !== 0 : xLength % n !== 0)) {
    throw new ShapeError(`${caller}: x holds ${xLength} values, which do not split into ${n} samples (one per label of y); pass rowSize if y is not one label per sample`);
  }
  if (isFlat(y) && (n === 0 ? yLength !== 0 : yLength % n !== 0)) {
    throw new ShapeError(`${caller}: x has ${n} samples but y has ${yLength} values; expected ${n} labels (or ${n} rows of equal size)`);
  }
  return n;
}

/** Copies rows `indices` (in that order) of `data`, which holds `n` samples, into the same kind. */
export function takeRowsOf<T extends Rows>(data: T, indices: ArrayLike<number>, n: number): T {
  const count = indices.length;
  if (data instanceof Tensor) {
    const size = naturalRowSize(data);
    const out = gatherFlat(data.data, size, indices);
    return tensor(out, [count, ...data.shape.slice(1)]) as T; // allocates: read data.data first
  }
  if (isPixels(data)) {
    const picked: Pixels = { pixels: gatherFlat(data.pixels, rowSizeFor(data, n, 'rows'), indices), scale: data.scale };
    return picked as T;
  }
  if (isFlat(data)) {
    const size = rowSizeFor(data, n, 'rows');
    if (Array.isArray(data)) {
      const out: number[] = new Array(count * size);
      for (let r = 0; r < count; r++) {
        for (let j = 0; j < size; j++) out[r * size + j] = data[indices[r] * size + j];
      }
      return out as T;
    }
    return gatherFlat(data, size, indices) as T;
  }
  const nested = data as NestedArray[];
  return Array.from(indices, (i) => deepCopy(nested[i])) as T;
}

/** A new typed array of the same type holding rows `indices` of `values` (rows of `size`). */
function gatherFlat<A extends Exclude<FlatArray, number[]>>(values: A, size: number, indices: ArrayLike<number>): A {
  const Ctor = values.constructor as new (length: number) => A;
  const out = new Ctor(indices.length * size);
  for (let r = 0; r < indices.length; r++) {
    const from = indices[r] * size;
    out.set(values.subarray(from, from + size) as ArrayLike<number>, r * size);
  }
  return out;
}

function deepCopy(value: NestedArray): NestedArray {
  return Array.isArray(value) ? value.map(deepCopy) : value;
}

/**
 * One class label per sample, for stratification: y given as labels (shape [n] or [n, 1])
 * or as one-hot rows (each row all zeros but a single 1, whose position is the class).
 * Labels must be finite; they need not be integers (classes are compared by value).
 */
export function classLabels(y: Rows, n: number, argument: string): Float64Array {
  const size = rowSizeFor(y, n, argument);
  const labels = new Float64Array(n);
  const values: ArrayLike<number> | null = y instanceof Tensor ? y.data : isFlat(y) ? flatValues(y) : null;
  const rowOf = (i: number): ArrayLike<number> => {
    if (values !== null) return size === 1 ? [values[i]] : Array.prototype.slice.call(values, i * size, (i + 1) * size);
    const row = (y as NestedArray[])[i];
    const flat: number[] = [];
    const walk = (v: NestedArray): void => { if (Array.isArray(v)) v.forEach(walk); else flat.push(v); };
    walk(row);
    return flat;
  };
  for (let i = 0; i < n; i++) {
    const row = rowOf(i);
    if (size === 1) {
      if (!Number.isFinite(row[0])) throw new ValueError(`${argument}: label ${row[0]} at sample ${i} is not a finite number`);
      labels[i] = row[0];
      continue;
    }
    let hot = -1;
    for (let j = 0; j < size; j++) {
      if (row[j] === 1 && hot === -1) hot = j;
      else if (row[j] !== 0) { hot = -2; break; }
    }
    if (hot < 0) {
      throw new ValueError(`${argument}: stratifying needs class labels or one-hot rows; row ${i} of shape ${formatShape([size])} is not one-hot (values ${Array.from(row).slice(0, 8).join(', ')}${size > 8 ? ', …' : ''})`);
    }
    labels[i] = hot;
  }
  return labels;
}

/**
 * Sample indices grouped by class, classes in ascending order of label, each group in
 * ascending index order.
 */
export function groupByClass(labels: ArrayLike<number>): number[][] {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const members = groups.get(labels[i]);
    if (members) members.push(i);
    else groups.set(labels[i], [i]);
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, members]) => members);
}
