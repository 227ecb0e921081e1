/**
 * A labelled image set stored as four IDX files, the way MNIST and Fashion-MNIST ship:
 *
 *   train-images-idx3-ubyte   uint8 [nTrain, h, w]   pixels 0..255
 *   train-labels-idx1-ubyte   uint8 [nTrain]         labels 0..numClasses-1
 *   t10k-images-idx3-ubyte    uint8 [nTest, h, w]
 *   t10k-labels-idx1-ubyte    uint8 [nTest]
 *
 * each plain or gzip (the same name plus `.gz`). The files are read with readIdx, checked to
 * agree with each other, and each part subset as every loader subsets (dataset.ts): the first
 * trainSize of a seeded permutation of the training file, then the first testSize of one of
 * the test file. Pixels stay bytes, with scale 1/255 (Pixels). Node only: in a browser, fetch
 * the files and pass their bytes to readIdx.
 */

import { Random } from '../random.js';
import { ConfigError, DataError, ValueError, formatShape } from '../errors.js';
import { requireInteger } from '../arguments.js';
import { readIdxWith, gunzipNode, type Idx } from './idx.js';
import { shuffledIndices, takeRowsInPlace, type ImageDataset } from './dataset.js';

/** The four standard file names, without the optional `.gz`. */
export const IDX_FILE_NAMES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'] as const;

export interface IdxSetOptions {
  /** Directory holding the four files. */
  dir: string;
  /** Training samples, taken at random from the training files (default: all). */
  trainSize?: number;
  /** Test samples, taken at random from the test files (default: all). */
  testSize?: number;
  /** Seed of the permutations that pick the samples (default 0). */
  seed?: number;
}

/** Who is loading what: names the caller in messages and says where the files come from. */
export interface IdxSetSource {
  /** The public function, e.g. 'loadFashionMnist'. */
  caller: string;
  /** How a user gets the files, appended to a missing-file message. */
  howToGet: string;
  /** Labels must lie in 0..numClasses-1. */
  numClasses: number;
}

/** Reads, checks and subsets the four files in `options.dir`. */
export async function loadIdxQuadruple(options: IdxSetOptions, source: IdxSetSource): Promise<{ train: ImageDataset; test: ImageDataset }> {
  const { caller } = source;
  const { dir, trainSize, testSize, seed = 0 } = options;
  if (typeof dir !== 'string' || dir === '') throw new ValueError(`${caller}: dir must be a directory path, got ${dir === '' ? 'an empty string' : typeof dir}`);
  if (trainSize !== undefined) requireInteger(caller, 'trainSize', trainSize, 0);
  if (testSize !== undefined) requireInteger(caller, 'testSize', testSize, 0);
  requireInteger(caller, 'seed', seed);
  if (typeof process === 'undefined' || typeof process.versions?.node !== 'string') {
    throw new ConfigError(`${caller}: reading files from dir needs Node; in a browser, fetch the four files and pass each one's bytes to nn.data.readIdx`);
  }
  const paths = await findFiles(dir, source);
  const random = new Random(seed);
  // One part at a time, so only one file's pixels are held as bytes at once.
  const train = await loadPart(paths[0], paths[1], trainSize, 'trainSize', random, source);
  const test = await loadPart(paths[2], paths[3], testSize, 'testSize', random, source);
  if (formatShape(train.sampleShape) !== formatShape(test.sampleShape)) {
    throw new DataError(`${caller}: the training images are ${formatShape(train.sampleShape)} but the test images are ${formatShape(test.sampleShape)}; expected the same size`);
  }
  return { train, test };
}

/** The path of each of the four files, plain or `.gz`; a DataError naming every missing one. */
async function findFiles(dir: string, source: IdxSetSource): Promise<string[]> {
  // getBuiltinModule, not import(): a call bundlers for the browser do not try to resolve.
  const { access } = process.getBuiltinModule('node:fs/promises');
  const { join } = process.getBuiltinModule('node:path');
  const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);
  const paths: string[] = [];
  const missing: string[] = [];
  for (const name of IDX_FILE_NAMES) {
    const plain = join(dir, name), gzip = `${plain}.gz`;
    if (await exists(gzip)) paths.push(gzip);
    else if (await exists(plain)) paths.push(plain);
    else missing.push(name);
  }
  if (missing.length > 0) {
    const all = IDX_FILE_NAMES.map((name) => `${name}.gz`).join(', ');
    throw new DataError(
      `${source.caller}: ${dir} lacks ${missing.join(', ')} (plain or .gz). ` +
        `It needs four IDX files, plain or gzip: ${all}. ${source.howToGet}`,
    );
  }
  return paths;
}

/** One part (train or test): its images and labels checked against each other, then subset. */
async function loadPart(imagesPath: string, labelsPath: string, size: number | undefined, sizeName: string, random: Random, source: IdxSetSource): Promise<ImageDataset> {
  const { caller, numClasses } = source;
  const labels = await readFile(labelsPath, caller);
  if (!(labels.data instanceof Uint8Array) || labels.shape.length !== 1) {
    throw new DataError(`${caller}: ${labelsPath}: expected uint8 labels of shape [n], found ${labels.data.constructor.name} of shape ${formatShape(labels.shape)}`);
  }
  const bad = labels.data.findIndex((label) => label >= numClasses);
  if (bad !== -1) throw new DataError(`${caller}: ${labelsPath}: label ${labels.data[bad]} at index ${bad} is outside 0..${numClasses - 1}`);
  const n = labels.shape[0];
  const images = await readFile(imagesPath, caller);
  if (!(images.data instanceof Uint8Array) || images.shape.length !== 3 || images.shape[0] !== n) {
    throw new DataError(`${caller}: ${imagesPath}: expected uint8 images of shape [${n}, height, width] to match the ${n} labels of ${labelsPath}, found ${images.data.constructor.name} of shape ${formatShape(images.shape)}`);
  }
  if (size !== undefined && size > n) throw new ValueError(`${caller}: ${sizeName} must be an integer in [0, ${n}] (the samples in ${imagesPath}), got ${size}`);
  // The decoded images are ours alone: reorder them in place rather than copy them.
  return takeRowsInPlace(images.data, labels.data, shuffledIndices(n, random), size ?? n, images.shape.slice(1), numClasses);
}

async function readFile(path: string, caller: string): Promise<Idx> {
  const { readFile } = process.getBuiltinModule('node:fs/promises');
  return readIdxWith(await readFile(path), gunzipNode, `${caller}: ${path}`);
}
