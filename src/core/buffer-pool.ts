/**
 * Named buffers of `rows × cols` floats that grow only when a larger batch arrives.
 *
 * Layers keep their outputs and gradients here, and the model its input, target and
 * loss-gradient batches: each buffer is sized for the largest batch seen and handed out
 * narrower for a short last batch, so a training step allocates nothing in steady state.
 */

import type { Kernels, Storage } from '../backend/kernels.js';
import type { Batch } from './batch.js';

export class BufferPool {
  private readonly pool = new Map<string, { storage: Storage; capacity: number }>();

  constructor(private readonly getKernels: () => Kernels) {}

  /** A Batch view of buffer `key` with room for rows × cols (reallocated only to grow). */
  get(key: string, rows: number, cols: number): Batch {
    const needed = Math.max(rows * cols, 1);
    let entry = this.pool.get(key);
    if (entry === undefined || entry.capacity < needed) {
      if (entry) this.getKernels().free(entry.storage);
      entry = { storage: this.getKernels().alloc(needed), capacity: needed };
      this.pool.set(key, entry);
    }
    return { storage: entry.storage, rows, cols };
  }

  disposeAll(): void {
    for (const entry of this.pool.values()) this.getKernels().free(entry.storage);
    this.pool.clear();
  }
}
