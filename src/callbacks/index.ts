/**
 * Callbacks: the protocol (`Callback`, `History`, the progress bar) and the built-in
 * callbacks, as `nn.callbacks.earlyStopping(...)` etc.
 */
export { EarlyStopping, earlyStopping, type EarlyStoppingArgs } from './early-stopping.js';
export { ReduceLROnPlateau, reduceLROnPlateau, type ReduceLROnPlateauArgs } from './reduce-lr-on-plateau.js';
export { LearningRateScheduler, learningRateScheduler, type LearningRateSchedulerArgs, type Schedule } from './learning-rate-scheduler.js';
export { lambda, type LambdaArgs } from './lambda.js';
export { CSVLogger, csvLogger, type CSVLoggerArgs } from './csv-logger.js';
export type { Callback, Logs, TrainingModel, TrainingRecord } from './callback.js';
