/** Data: datasets that load offline, the IDX reader, synthetic sets, splits, k-fold, one-hot encoding. */
export { loadMnist, MNIST_SIZE, type Dataset, type ImageDataset, type MnistOptions } from './mnist.js';
export { BYTE_SCALE, pixelsToFloat32, type Pixels } from './pixels.js';
export { loadFashionMnist, FASHION_MNIST_CLASS_NAMES, FASHION_MNIST_DIR, type FashionMnist, type FashionMnistOptions } from './fashion-mnist.js';
export { readIdx, MAX_IDX_RANK, MAX_IDX_DATA_BYTES, type Idx, type IdxData } from './idx.js';
export * as synthetic from './synthetic.js';
export { toCategorical } from './categorical.js';
export { trainTestSplit, type TrainTestSplit, type TrainTestSplitOptions } from './split.js';
export { kFold, stratifiedKFold, type Fold, type KFoldOptions } from './kfold.js';
export type { Rows, FlatArray } from './rows.js';
