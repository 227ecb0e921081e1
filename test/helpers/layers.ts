/** Running one layer on its own, for layer tests. */
import type { Kernels, Storage } from '../../src/backend/kernels.js';
import type { Layer } from '../../src/layers/layer.js';
import type { Batch } from '../../src/core/batch.js';
import { Random } from '../../src/random.js';

export function buildLayer(layer: Layer, kernels: Kernels, inputShape: number[], seed = 1, index = 0): Layer {
  layer.build(inputShape, { kernels, random: new Random(seed), seed, index });
  return layer;
}

export function batchOf(kernels: Kernels, values: ArrayLike<number>, rows: number, cols: number): Batch {
  const storage: Storage = kernels.alloc(rows * cols);
  const view = storage.view();
  for (let i = 0; i < rows * cols; i++) view[i] = values[i];
  return { storage, rows, cols };
}

export function randomValues(random: Random, n: number, scale = 1): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = random.uniform(-scale, scale);
  return out;
}

/** Σ_i r_i·y_i over the first rows·cols values of a batch. */
export function dot(r: ArrayLike<number>, y: Batch): number {
  const v = y.storage.view();
  let s = 0;
  for (let i = 0; i < y.rows * y.cols; i++) s += r[i] * v[i];
  return s;
}

export function copyOut(b: Batch): Float64Array {
  return Float64Array.from(b.storage.view().subarray(0, b.rows * b.cols));
}
