/** The layers, as `nn.layers.dense(...)` etc. One file per layer, each with its equations. */
export { Layer, type BuildContext, type LayerArgs, type WeightOptions } from './layer.js';
export type { Batch } from '../core/batch.js';
export type { Weight, Regularizer } from '../core/weight.js';
export { Dense, dense, type DenseArgs } from './dense.js';
export { Activation, activation, type ActivationArgs } from './activation.js';
export { LeakyReLU, leakyReLU, type LeakyReLUArgs } from './leaky-relu.js';
export { ELU, elu, type ELUArgs } from './elu.js';
export { Flatten, flatten } from './flatten.js';
export { Dropout, dropout, type DropoutArgs } from './dropout.js';
export { BatchNormalization, batchNormalization, type BatchNormalizationArgs } from './batchnorm.js';
