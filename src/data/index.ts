/** Data: datasets that load offline, splits, cross-validation, one-hot encoding. */
export { loadMnist, MNIST_SIZE, type Dataset, type MnistOptions } from './mnist.js';
export { toCategorical } from './categorical.js';
export { trainTestSplit, type TrainTestSplit, type TrainTestSplitOptions } from './split.js';
export { kFold, stratifiedKFold, type Fold, type KFoldOptions } from './kfold.js';
export { crossValidate, type CrossValidateOptions, type CrossValidationResult, type FoldResult, type FoldSummary } from './crossval.js';
export type { Rows, FlatArray } from './rows.js';
