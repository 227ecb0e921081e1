/** Data: datasets that load offline, splits, k-fold, one-hot encoding. */
export { loadMnist, MNIST_SIZE, type Dataset, type MnistOptions } from './mnist.js';
export { toCategorical } from './categorical.js';
export { trainTestSplit, type TrainTestSplit, type TrainTestSplitOptions } from './split.js';
export { kFold, stratifiedKFold, type Fold, type KFoldOptions } from './kfold.js';
export type { Rows, FlatArray } from './rows.js';
