/**
 * One-hot encoding, as Keras's `to_categorical`:
 *
 *   onehot[i, c] = 1 if labels[i] = c, else 0        (i < n, c < numClasses)
 *
 * so that argmax(onehot[i]) = labels[i]. Categorical cross-entropy wants targets in this
 * form; sparse categorical cross-entropy takes the labels directly.
 */

import { Tensor, tensor } from '../tensor.js';
import { ShapeError, ValueError, formatShape } from '../errors.js';

/**
 * Class labels -> a Tensor of shape [n, numClasses] on the active backend (call
 * `await nn.ready()` first). `labels` may be an array, a typed array, or a Tensor of shape
 * [n] or [n, 1]. `numClasses` defaults to max(label) + 1. Every label must be an integer in
 * [0, numClasses); anything else (negative, fractional, NaN, too large) is a ValueError
 * naming its index.
 */
export function toCategorical(labels: number[] | Float32Array | Float64Array | Int32Array | Uint8Array | Tensor, numClasses?: number): Tensor {
  let values: ArrayLike<number>;
  if (labels instanceof Tensor) {
    const [n, ...rest] = labels.shape;
    if (labels.rank === 0 || labels.rank > 2 || (rest.length === 1 && rest[0] !== 1)) {
      throw new ShapeError(`toCategorical: labels must have shape [n] or [n, 1], got ${formatShape(labels.shape)}`);
    }
    values = labels.data.slice(0, n); // a copy: tensor() below may grow memory and detach views
  } else if (Array.isArray(labels) || ArrayBuffer.isView(labels)) {
    values = labels;
  } else {
    throw new ValueError(`toCategorical: labels must be an array, a typed array or a Tensor, got ${labels === null ? 'null' : typeof labels}`);
  }
  const n = values.length;
  if (numClasses !== undefined && !(Number.isInteger(numClasses) && numClasses >= 1)) {
    throw new ValueError(`toCategorical: numClasses must be a positive integer, got ${numClasses}`);
  }
  // Check every label before using any of them (the max of bad labels would mislead).
  for (let i = 0; i < n; i++) {
    const label = values[i];
    if (typeof label !== 'number' || !Number.isInteger(label) || label < 0 || (numClasses !== undefined && label >= numClasses)) {
      const range = numClasses === undefined ? 'a non-negative integer' : `an integer in [0, ${numClasses - 1}]`;
      throw new ValueError(`toCategorical: label ${String(label)} at index ${i} is not ${range}`);
    }
  }
  let classes = numClasses;
  if (classes === undefined) {
    if (n === 0) throw new ValueError('toCategorical: cannot infer numClasses from 0 labels; pass numClasses');
    classes = 0;
    for (let i = 0; i < n; i++) classes = Math.max(classes, values[i] + 1);
  }
  const onehot = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) onehot[i * classes + values[i]] = 1;
  return tensor(onehot, [n, classes]);
}
