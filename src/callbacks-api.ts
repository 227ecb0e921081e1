/**
 * `nn.callbacks`: the callbacks of src/callbacks/ together with `modelCheckpoint`, which saves
 * models and so lives in src/io/. Part of the public API, like index.ts.
 */
export * from './callbacks/index.js';
export { ModelCheckpoint, modelCheckpoint, type ModelCheckpointArgs } from './io/model-checkpoint.js';
