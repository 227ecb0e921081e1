/**
 * Turning user data (Tensors, Float32Arrays, nested arrays, Pixels) into row matrices for
 * training, and checking it first: shapes against the model, NaN/Infinity, labels against
 * the loss. Every problem is a typed error naming the argument, what was expected and what
 * was found. Rows are copied into the model's batch buffers one batch at a time (gatherRows).
 */

import { sizeOf, type TensorLike } from '../tensor.js';
import { readValues, type ShapedValues } from '../data/rows.js';
import { checkPixels, isPixels, type Pixels } from '../data/pixels.js';
import type { Kernels, Storage } from '../backend/kernels.js';
import type { LossName } from '../losses.js';
import { ShapeError, ValueError, formatShape } from '../errors.js';

/** What a model takes as inputs: float data, or bytes with their scale. */
export type ModelInput = TensorLike | Pixels;

/** Rows [offset, offset + rows) of a row-major matrix with `cols` values per row. */
export interface RowMatrix {
  /** Current values (for a Tensor, its live view: re-read after allocations). Unused with `pixels`. */
  values(): Float32Array;
  /** For bytes: the bytes and their scale, converted batch by batch; null for float data. */
  pixels: Pixels | null;
  offset: number;
  rows: number;
  cols: number;
  /** Shape of one row, e.g. [28, 28]. */
  rowShape: number[];
}

/** Throws ValueError at the first NaN or ±Infinity. */
function assertFinite(values: Float32Array, argument: string, cols: number): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new ValueError(`${argument} contains ${values[i]} at sample ${Math.floor(i / cols)}, feature ${i % cols}; expected finite numbers`);
    }
  }
}

/**
 * Model inputs, read by `readValues`, or Pixels: n samples of `inputShape`. A flat
 * Float32Array or number[], or Pixels, is accepted when its length is a multiple of the
 * sample size.
 */
export function toInputs(data: ShapedValues | Pixels, inputShape: number[], argument: string, layerName: string): RowMatrix {
  const cols = sizeOf(inputShape);
  if (isPixels(data)) {
    checkPixels(data, argument);
    const length = data.pixels.length;
    if (cols === 0 || length % cols !== 0) {
      throw new ShapeError(`${layerName}: expected input of shape ${formatShape([null, ...inputShape])}, got ${argument} of ${length} pixels, not a multiple of ${cols}`);
    }
    const noFloats = (): Float32Array => new Float32Array(0);
    return { values: noFloats, pixels: data, offset: 0, rows: length / cols, cols, rowShape: [...inputShape] };
  }
  const { shape, values } = data;
  let rows: number;
  const sampleShape = shape.slice(1);
  if (shape.length === 1) {
    // A flat array: consecutive runs of `cols` values are the samples.
    if (cols === 0 || shape[0] % cols !== 0) {
      throw new ShapeError(`${layerName}: expected input of shape ${formatShape([null, ...inputShape])}, got a flat ${argument} of length ${shape[0]}, not a multiple of ${cols}`);
    }
    rows = shape[0] / cols;
  } else if (sampleShape.length === inputShape.length && sampleShape.every((d, i) => d === inputShape[i])) {
    rows = shape[0];
  } else {
    throw new ShapeError(`${layerName}: expected input of shape ${formatShape([null, ...inputShape])}, got ${argument} of shape ${formatShape([null, ...sampleShape])}`);
  }
  const matrix: RowMatrix = { values, pixels: null, offset: 0, rows, cols, rowShape: [...inputShape] };
  assertFinite(values(), argument, cols);
  return matrix;
}

/**
 * Targets checked against the loss. Sparse losses take one integer label per sample in
 * [0, classes); the others take rows of `outputSize` values (one-hot for categorical).
 */
export function toTargets(data: TensorLike, loss: LossName, outputSize: number, argument: string): RowMatrix {
  const { shape, values } = readValues(data, argument);
  const v = values();
  const rows = shape[0] ?? 0;
  const sampleShape = shape.slice(1);
  const sampleSize = sizeOf(sampleShape);
  if (loss === 'sparseCategoricalCrossentropy') {
    if (sampleSize !== 1) {
      throw new ShapeError(
        `${argument}: sparseCategoricalCrossentropy expects integer class labels of shape [n] or [n, 1], got shape ${formatShape(shape)}` +
          (sampleSize === outputSize ? '; these look one-hot: use categoricalCrossentropy, or pass the class indices' : ''),
      );
    }
    for (let i = 0; i < v.length; i++) {
      const label = v[i];
      if (!Number.isInteger(label) || label < 0 || label >= outputSize) {
        throw new ValueError(`${argument}: label ${label} at sample ${i} is not an integer in [0, ${outputSize - 1}] (the model has ${outputSize} output units)`);
      }
    }
    return { values, pixels: null, offset: 0, rows, cols: 1, rowShape: [] };
  }
  const expectsOneHot = loss === 'categoricalCrossentropy';
  const cols = shape.length === 1 && outputSize === 1 ? 1 : sampleSize;
  const effectiveRows = shape.length === 1 && outputSize === 1 ? shape[0] : rows;
  if (cols !== outputSize) {
    const hint = expectsOneHot && shape.length === 1 ? '; these look like class indices: use sparseCategoricalCrossentropy, or nn.data.toCategorical(labels, numClasses)' : '';
    throw new ShapeError(`${argument}: ${loss} expects targets of shape ${formatShape([null, outputSize])} to match the model output, got ${formatShape(shape)}${hint}`);
  }
  assertFinite(v, argument, cols);
  if (loss === 'categoricalCrossentropy' || loss === 'binaryCrossentropy') {
    // Cross-entropy targets are probabilities: outside [0, 1] the loss has no meaning and
    // its gradient pushes the wrong way.
    for (let i = 0; i < v.length; i++) {
      if (!(v[i] >= 0 && v[i] <= 1)) {
        throw new ValueError(`${argument}: ${loss} expects targets in [0, 1] (probabilities or one-hot), got ${v[i]} at sample ${Math.floor(i / cols)}, class ${i % cols}`);
      }
    }
  }
  return { values, pixels: null, offset: 0, rows: effectiveRows, cols, rowShape: [outputSize] };
}

/** Rows [start, start + count) of a matrix, without copying. */
export function sliceRows(m: RowMatrix, start: number, count: number): RowMatrix {
  return { ...m, offset: m.offset + start, rows: count };
}

/**
 * dst rows 0..count-1 = m rows indices[start .. start+count) (or rows start.. when no
 * indices). Bytes become floats here, by the kernel that gathers and scales them.
 */
export function gatherRows(kernels: Kernels, m: RowMatrix, indices: Int32Array | null, start: number, count: number, dst: Storage): void {
  if (m.pixels !== null) {
    const { pixels, scale } = m.pixels;
    kernels.gatherScaled(m.offset === 0 ? pixels : pixels.subarray(m.offset * m.cols), indices, start, count, m.cols, scale, dst);
    return;
  }
  const src = m.values(), out = dst.view(), cols = m.cols;
  if (indices === null) {
    const from = (m.offset + start) * cols;
    out.set(src.subarray(from, from + count * cols));
    return;
  }
  if (cols < SHORT_ROW) {
    // Labels and other short rows: a plain loop (a subarray and a set per row of one label
    // took 0.13 ms of a batch of 512).
    for (let r = 0; r < count; r++) {
      const from = (m.offset + indices[start + r]) * cols;
      for (let j = 0; j < cols; j++) out[r * cols + j] = src[from + j];
    }
    return;
  }
  for (let r = 0; r < count; r++) {
    const from = (m.offset + indices[start + r]) * cols;
    out.set(src.subarray(from, from + cols), r * cols);
  }
}

/** Rows shorter than this are copied value by value rather than with a subarray and a set each. */
const SHORT_ROW = 64;
