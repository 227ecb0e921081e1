/** Built-in callbacks, as `nn.callbacks.earlyStopping(...)` etc. */
export { EarlyStopping, earlyStopping, type EarlyStoppingArgs } from './early-stopping.js';
export { ReduceLROnPlateau, reduceLROnPlateau, type ReduceLROnPlateauArgs } from './reduce-lr-on-plateau.js';
export { ModelCheckpoint, modelCheckpoint, type ModelCheckpointArgs } from './model-checkpoint.js';
export { LearningRateScheduler, learningRateScheduler, type Schedule } from './learning-rate-scheduler.js';
export type { Callback, Logs } from '../model/callbacks.js';
