/**
 * The playground's data, built from a config alone (the model seed plays no part):
 *
 *   2-D sets   training: the first trainSize points of blobs/spirals with seed 0;
 *              validation: 600 points of the same set with seed 1 (fixed).
 *   digits     the 10,000 digits of web/generated/ (two gzipped IDX files read by readIdx),
 *              split once with seed 0 into 1,000 test, 1,000 validation and 8,000 training
 *              digits, stratified; training takes the first trainSize of those 8,000.
 *
 * Training sets are prefixes of one fixed ordering, so a larger set holds the smaller one and
 * "training-set size" changes nothing else.
 */

import * as nn from 'wasmnn';
import {
  DIGIT_SIDE, DIGITS_TEST, DIGITS_TRAIN_MAX, DIGITS_VALIDATION, PLANE_CLASSES, PLANE_VALIDATION, type PlaygroundConfig,
} from './config.js';

const PIXELS = DIGIT_SIDE * DIGIT_SIDE;

/** Samples as flat float rows and their labels. */
interface Samples {
  x: Float32Array;
  y: Float32Array;
  n: number;
}

export interface PreparedData {
  train: Samples;
  validation: Samples;
  /** Digits only: the held-out test set the grid and the confusion matrix show. */
  test: Samples | null;
  /** Values per sample: 2, or 784. */
  features: number;
  classes: number;
}

/** The digits as stored: pixel bytes (n × 784) and labels, in the package's order. */
export interface DigitBytes {
  pixels: Uint8Array;
  labels: Uint8Array;
}

/** The digits split once (seed 0): test, validation and the training pool, still as bytes. */
export interface DigitSplit {
  test: DigitBytes;
  validation: DigitBytes;
  pool: DigitBytes;
}

/** The data of `config` for a 2-D set. */
export function planeData(config: PlaygroundConfig): PreparedData {
  const make = config.dataset === 'blobs' ? nn.data.synthetic.blobs : nn.data.synthetic.spirals;
  const train = make({ n: config.trainSize, classes: PLANE_CLASSES, noise: config.noise, seed: 0 });
  const validation = make({ n: PLANE_VALIDATION, classes: PLANE_CLASSES, noise: config.noise, seed: 1 });
  return {
    train: { x: train.x, y: train.y, n: train.n },
    validation: { x: validation.x, y: validation.y, n: validation.n },
    test: null,
    features: 2,
    classes: PLANE_CLASSES,
  };
}

/** Reads the two IDX files (gzipped or plain) into bytes, checking that they belong together. */
export async function readDigits(images: Uint8Array, labels: Uint8Array): Promise<DigitBytes> {
  const [imageFile, labelFile] = await Promise.all([nn.data.readIdx(images), nn.data.readIdx(labels)]);
  const [n, rows, cols] = imageFile.shape;
  if (rows !== DIGIT_SIDE || cols !== DIGIT_SIDE || labelFile.shape[0] !== n || !(imageFile.data instanceof Uint8Array) || !(labelFile.data instanceof Uint8Array)) {
    throw new nn.DataError(`digits: expected uint8 images [n, 28, 28] and n uint8 labels, got ${imageFile.shape.join('×')} and ${labelFile.shape.join('×')}`);
  }
  return { pixels: imageFile.data, labels: labelFile.data };
}

/** The fixed three-way split of the digits (stratified, seed 0). */
export function splitDigits(all: DigitBytes): DigitSplit {
  const options = { seed: 0, stratify: true, rowSize: PIXELS };
  const first = nn.data.trainTestSplit(all.pixels, all.labels, { ...options, testSize: DIGITS_TEST });
  const second = nn.data.trainTestSplit(first.xTrain, first.yTrain, { ...options, testSize: DIGITS_VALIDATION });
  return {
    test: { pixels: first.xTest, labels: first.yTest },
    validation: { pixels: second.xTest, labels: second.yTest },
    pool: { pixels: second.xTrain, labels: second.yTrain },
  };
}

/** The data of `config` for the digits: the first trainSize of the pool, pixels as v/255. */
export function digitsData(config: PlaygroundConfig, split: DigitSplit): PreparedData {
  const n = Math.min(config.trainSize, DIGITS_TRAIN_MAX, split.pool.labels.length);
  return {
    train: toSamples(split.pool, n),
    validation: toSamples(split.validation, split.validation.labels.length),
    test: toSamples(split.test, split.test.labels.length),
    features: PIXELS,
    classes: 10,
  };
}

/** Pixel byte k -> k/255, as MNIST is usually scaled. */
const PIXEL_VALUE = Float32Array.from({ length: 256 }, (_, k) => k / 255);

function toSamples(bytes: DigitBytes, n: number): Samples {
  const x = new Float32Array(n * PIXELS);
  for (let i = 0; i < x.length; i++) x[i] = PIXEL_VALUE[bytes.pixels[i]];
  return { x, y: Float32Array.from(bytes.labels.subarray(0, n)), n };
}
