/**
 * Fashion-MNIST (Zalando Research): 70,000 28×28 grayscale photos of clothing in 10 classes,
 * 60,000 for training and 10,000 for testing, 6,000 and 1,000 per class. Its files and
 * shapes are those of the MNIST digits, but the task is harder (a shirt and a T-shirt look
 * alike), so a dense network has more room to overfit.
 *
 *   const { train, test, classNames } = await nn.data.loadFashionMnist({ trainSize: 5000, seed: 1 });
 *   model.fit(train.x, train.y, ...)     // x: { pixels: n×784 bytes, scale: 1/255 }, y: n labels 0..9
 *   classNames[train.y[0]]               // 'Ankle boot', ...
 *
 * The files are the four gzip IDX files in /usr/share/datasets/fashion-mnist, where Debian's
 * `dataset-fashion-mnist` package installs them, or in any `dir`. Node only.
 */

import { checkOptions } from '../options.js';
import { IDX_FILE_NAMES, loadIdxQuadruple } from './idx-dataset.js';
import type { ImageDataset } from './dataset.js';

/** The class names, indexed by label. */
export const FASHION_MNIST_CLASS_NAMES: readonly string[] = Object.freeze([
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
]);

/** Where Debian's dataset-fashion-mnist package puts the files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export interface FashionMnistOptions {
  /** Directory holding the four IDX files (default /usr/share/datasets/fashion-mnist). */
  dir?: string;
  /** Training samples, a seeded random subset of the 60,000 (default: all 60,000). */
  trainSize?: number;
  /** Test samples, a seeded random subset of the 10,000 (default: all 10,000). */
  testSize?: number;
  /** Seed of the permutations that pick and order the samples (default 0). */
  seed?: number;
}

/** The training and test parts, as loadMnist returns them, plus the name of each class. */
export interface FashionMnist {
  train: ImageDataset;
  test: ImageDataset;
  classNames: string[];
}

/** Reads Fashion-MNIST from `dir` and takes the seeded subsets; a DataError names any missing file. */
export async function loadFashionMnist(options: FashionMnistOptions = {}): Promise<FashionMnist> {
  checkOptions<FashionMnistOptions>('loadFashionMnist', options, { dir: 'string', trainSize: 'number', testSize: 'number', seed: 'number' });
  const dir = options.dir ?? FASHION_MNIST_DIR;
  const howToGet =
    `On Debian or Ubuntu, \`apt-get install dataset-fashion-mnist\` puts them in ${FASHION_MNIST_DIR}; ` +
    `or download ${IDX_FILE_NAMES.map((name) => `${name}.gz`).join(', ')} from github.com/zalandoresearch/fashion-mnist into a directory and pass it as dir.`;
  const { train, test } = await loadIdxQuadruple({ ...options, dir }, { caller: 'loadFashionMnist', howToGet, numClasses: FASHION_MNIST_CLASS_NAMES.length });
  return { train, test, classNames: [...FASHION_MNIST_CLASS_NAMES] };
}
