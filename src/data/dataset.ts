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
import { BYTE_SCALE, type Pixels } from './pixels.js';

/** Samples as flat rows: x holds n × prod(sampleShape) values, y holds n labels. */
export interface Dataset<X = Float32Array> {
  x: X;
  y: Float32Array;
  n: number;
  sampleShape: number[];
  numClasses: number;
}

/** An image set as the loaders return it: x stays bytes, v/255 once fit gathers a batch. */
export type ImageDataset = Dataset<Pixels>;

/** A seeded permutation of 0..count-1; its first `size` entries are a random subset of that size. */
export function shuffledIndices(count: number, random: Random): Int32Array {
  return random.shuffle(Int32Array.from({ length: count }, (_, i) => i));
}

/**
 * Rows `indices` of (x, y), in that order, as a new ImageDataset: the pixel bytes (0..255,
 * as IDX files store them) are copied as they are, with scale 1/255.
 */
export function takeRows(x: Uint8Array, y: ArrayLike<number>, indices: ArrayLike<number>, sampleShape: number[], numClasses: number): ImageDataset {
  const size = sizeOf(sampleShape);
  const outX = new Uint8Array(indices.length * size), outY = new Float32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i] * size;
    outX.set(x.subarray(from, from + size), i * size);
    outY[i] = y[indices[i]];
  }
  return { x: { pixels: outX, scale: BYTE_SCALE }, y: outY, n: indices.length, sampleShape, numClasses };
}

/**
 * Rows `indices` (a permutation of 0..n-1, or its prefix) of (x, y) as an ImageDataset,
 * reordering the n rows of x in place instead of copying them: the caller gives up x (a
 * decoded file nobody else holds). Row i becomes row indices[i], following each cycle of the
 * permutation with one row of scratch, so a full set costs no second copy of its bytes.
 * A prefix of the permutation keeps only its rows (copied out of the reordered bytes).
 */
export function takeRowsInPlace(x: Uint8Array, y: ArrayLike<number>, order: Int32Array, size: number, sampleShape: number[], numClasses: number): ImageDataset {
  const rowSize = sizeOf(sampleShape);
  const n = order.length;
  const placed = new Uint8Array(n), scratch = new Uint8Array(rowSize);
  for (let start = 0; start < n; start++) {
    if (placed[start]) continue;
    // The cycle start ← order[start] ← order[order[start]] ← … ← start.
    scratch.set(x.subarray(start * rowSize, (start + 1) * rowSize));
    let to = start;
    for (let from = order[to]; from !== start; to = from, from = order[to]) {
      x.copyWithin(to * rowSize, from * rowSize, (from + 1) * rowSize);
      placed[to] = 1;
    }
    x.set(scratch, to * rowSize);
    placed[to] = 1;
  }
  const outY = Float32Array.from(order.subarray(0, size), (i) => y[i]);
  const pixels = size === n ? x : x.slice(0, size * rowSize);
  return { x: { pixels, scale: BYTE_SCALE }, y: outY, n: size, sampleShape, numClasses };
}
