/**
 * wasmnn: the public API, and nothing else.
 *
 *   import * as nn from 'wasmnn';
 *   await nn.ready();
 *   const model = nn.sequential([
 *     nn.layers.dense({ units: 64, activation: 'relu', inputShape: [20] }),
 *     nn.layers.dense({ units: 10, activation: 'softmax' }),
 *   ], { seed: 42 });
 */

import { kernels } from './backend/backend.js';
import type { MemoryStats } from './backend/kernels.js';

export { ready, setBackend, setThreads, getBackend, getBackendInfo, type BackendName, type BackendInfo, type ReadyOptions } from './backend/backend.js';
export type { MemoryStats } from './backend/kernels.js';
export { Tensor, tensor, zeros, tidy, keep, type TensorLike, type NumericArray, type NestedArray } from './tensor.js';
export * as random from './random-tensors.js';
export { Sequential, sequential, type SequentialOptions, type CompileOptions, type FitOptions, type EvaluateOptions } from './model/sequential.js';
export { setSeed } from './random.js';
export { History, type TrainingParams } from './callbacks/history.js';
export type { Callback, Logs, TrainingModel } from './callbacks/callback.js';
export * as layers from './layers/index.js';
export * as optimizers from './optimizers/index.js';
export * as regularizers from './regularizers.js';
export * as metrics from './metrics/index.js';
export * as initializers from './initializers.js';
export * as data from './data-api.js';
export * as callbacks from './callbacks-api.js';
export * as cluster from './cluster/index.js';
export { loadModel, fromArtifacts, modelJson, serialization, type LoadOptions, type SaveOptions, type ModelArtifacts, type Serialized } from './io/index.js';
export { WasmnnError, ShapeError, ValueError, ConfigError, ModelFormatError, AliasError, BackendError, DisposedError, MemoryLimitError, NonFiniteLossError, DataError, type InterruptedHistory } from './errors.js';

/** Memory of the active backend: bytes in use, bytes reserved, live allocations. */
export function memoryStats(): MemoryStats {
  return kernels().memoryStats();
}
