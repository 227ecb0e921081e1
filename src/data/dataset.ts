/**
 * A labelled data set as flat rows, and the seeded subset every loader takes of one:
 *
 *   order  = a seeded Fisher–Yates permutation of 0..count-1
 *   subset = rows order[0], order[1], …, order[size-1]
 *
 * so the same seed picks the same samples in the same order, and a smaller size picks a
 * prefix of what a larger one picks.
 */

import type { Random } from '../random.js';
import { sizeOf } from '../tensor.js';

/** Samples as flat rows: x holds n × prod(sampleShape) floats, y holds n labels. */
export interface Dataset {
  x: Float32Array;
  y: Float32Array;
  n: number;
  sampleShape: number[];
  numClasses: number;
}

/** A seeded permutation of 0..count-1; its first `size` entries are a random subset of that size. */
export function shuffledIndices(count: number, random: Random): Int32Array {
  return random.shuffle(Int32Array.from({ length: count }, (_, i) => i));
}

/** Pixel byte v -> v/255 in [0, 1], rounded once to float32: one table lookup per pixel. */
const PIXEL_VALUE = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/**
 * Rows `indices` of (x, y), in that order, as a new Dataset. x holds floats, copied as they
 * are, or bytes (0..255 pixels, as IDX files store them), which become v/255.
 */
export function takeRows(x: Float32Array | Uint8Array, y: ArrayLike<number>, indices: ArrayLike<number>, sampleShape: number[], numClasses: number): Dataset {
  const size = sizeOf(sampleShape);
  const outX = new Float32Array(indices.length * size), outY = new Float32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i] * size, to = i * size;
    if (x instanceof Float32Array) outX.set(x.subarray(from, from + size), to);
    else for (let k = 0; k < size; k++) outX[to + k] = PIXEL_VALUE[x[from + k]];
    outY[i] = y[indices[i]];
  }
  return { x: outX, y: outY, n: indices.length, sampleShape, numClasses };
}
