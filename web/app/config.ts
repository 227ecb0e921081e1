/**
 * What one run of the playground is: every setting a control changes, with the defaults of
 * each data set. The page reads it from the controls; the worker (and the Node side of the
 * speed test) builds the data and the model from it alone, so the same config trains the
 * same way everywhere.
 */

export type DatasetName = 'blobs' | 'spirals' | 'digits';
type ActivationChoice = 'relu' | 'tanh' | 'sigmoid';
type OptimizerChoice = 'adam' | 'sgd' | 'rmsprop' | 'adamw';

export interface PlaygroundConfig {
  /** The data: two 2-D sets drawn from formulas, or the MNIST digits. */
  dataset: DatasetName;
  /** Training samples (a prefix of a fixed, seeded ordering, so a larger set contains a smaller one). */
  trainSize: number;
  /** Standard deviation of the Gaussian noise on each coordinate of the 2-D sets. */
  noise: number;
  /** Units of each hidden layer, first to last; [] is logistic regression. */
  hidden: number[];
  /** Activation of every hidden layer. */
  activation: ActivationChoice;
  /** Dropout rate after each hidden layer (same length as `hidden`; 0 means no dropout layer). */
  dropout: number[];
  /** Factor λ of the L1 penalty λ·Σ|w| on every kernel (0: none). */
  l1: number;
  /** Factor λ of the L2 penalty λ·Σw² on every kernel (0: none). */
  l2: number;
  /** Batch normalization between each hidden layer's product and its activation. */
  batchNorm: boolean;
  optimizer: OptimizerChoice;
  learningRate: number;
  /** Samples per gradient step. */
  batchSize: number;
  /** Passes over the training set. */
  epochs: number;
  /** Early stopping on validation loss after this many epochs without improvement; 0: off. */
  patience: number;
  /** Seed of the model: initial weights, shuffling, dropout masks. */
  seed: number;
}

/** Classes of the 2-D sets (their points go round the classes, so every class is as large). */
export const PLANE_CLASSES = 3;
/** Points of the fixed validation set of the 2-D sets. */
export const PLANE_VALIDATION = 600;
/** Digits held out for validation, and for the test (grid and confusion matrix). */
export const DIGITS_VALIDATION = 1000;
export const DIGITS_TEST = 1000;
/** Side of a digit image, in pixels. */
export const DIGIT_SIDE = 28;
/** Digits left for training: 10,000 minus the two held-out sets. */
export const DIGITS_TRAIN_MAX = 8000;

const COMMON = {
  activation: 'relu', l1: 0, l2: 0, batchNorm: false, optimizer: 'adam', patience: 0, seed: 1,
} as const;

/** The defaults of each data set: a 2-D set that a wide network overfits, and digits that train in seconds. */
export const DEFAULTS: Record<DatasetName, PlaygroundConfig> = {
  spirals: { ...COMMON, dataset: 'spirals', trainSize: 100, noise: 0.05, hidden: [64, 64], dropout: [0, 0], learningRate: 0.01, batchSize: 16, epochs: 200 },
  blobs: { ...COMMON, dataset: 'blobs', trainSize: 50, noise: 0.5, hidden: [32, 32], dropout: [0, 0], learningRate: 0.01, batchSize: 16, epochs: 200 },
  digits: { ...COMMON, dataset: 'digits', trainSize: 2000, noise: 0, hidden: [128], dropout: [0], learningRate: 0.001, batchSize: 32, epochs: 20 },
};

/** Choices offered by the controls (even training-set sizes and batch sizes, so no batch has one sample, which batch norm refuses). */
export const CHOICES = {
  trainSize: { plane: [30, 50, 100, 200, 500, 1000, 2000], digits: [250, 500, 1000, 2000, 4000, DIGITS_TRAIN_MAX] },
  noise: [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.35, 0.5],
  units: [2, 4, 8, 16, 32, 64, 128, 256],
  dropout: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8],
  penalty: [0, 1e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1],
  learningRate: [1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1],
  batchSize: [8, 16, 32, 64, 128, 256],
  epochs: [1, 5, 10, 20, 30, 60, 100, 200, 300, 1000],
  patience: [0, 2, 5, 10, 20, 50],
  maxHiddenLayers: 4,
};

/** A key that is equal for two configs exactly when they train identically. */
export function configKey(config: PlaygroundConfig): string {
  return JSON.stringify(config, Object.keys(config).sort());
}

/** A short line for a run: data, network and whatever regularizes it. */
export function describeConfig(config: PlaygroundConfig): string {
  const parts = [`${config.dataset} n=${config.trainSize}`];
  const network = config.hidden.length === 0 ? 'no hidden layer' : `${config.hidden.join('-')} ${config.activation}`;
  parts.push(config.batchNorm ? `${network} +BN` : network);
  const rates = config.dropout.filter((r) => r > 0);
  if (rates.length > 0) parts.push(`dropout ${config.dropout.join('/')}`);
  if (config.l1 > 0) parts.push(`L1 ${config.l1}`);
  if (config.l2 > 0) parts.push(`L2 ${config.l2}`);
  parts.push(`${config.optimizer} ${config.learningRate}`, `batch ${config.batchSize}`);
  if (config.patience > 0) parts.push(`patience ${config.patience}`);
  parts.push(`seed ${config.seed}`);
  return parts.join(' · ');
}
