/**
 * The model the thread and scaling benchmarks train: 784-h1-h2-10, relu, softmax output,
 * Adam 1e-3, sparse categorical cross-entropy (784-512-256-10 unless told otherwise); its
 * cost in flops, the FLOP model of bench/README.md; and the time of an epoch on 1 and 2 threads.
 */

import * as nn from 'wasmnn';
import { median } from './timing.js';

export const INPUTS = 784;
export const CLASSES = 10;

/** The wasmnn model, compiled, seeded. */
export function oursMlp(hidden: number[] = [512, 256]): nn.Sequential {
  const layers = hidden.map((units, i) => nn.layers.dense({ units, activation: 'relu', ...(i === 0 ? { inputShape: [INPUTS] } : {}) }));
  const model = nn.sequential([...layers, nn.layers.dense({ units: CLASSES, activation: 'softmax' })], { seed: 1 });
  model.compile({ optimizer: nn.optimizers.adam(), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/**
 * Flops of one training step on `batch` samples: per dense layer of n inputs and m outputs,
 * forward 2·b·n·m (z = x·W), backward 2·b·n·m for dW and 2·b·n·m for dx (none for the first
 * layer, whose dx nobody needs). Bias, activations, loss and Adam are O(b·m + n·m) and left out:
 * that is the model, and what it leaves out shows where it misses.
 */
export function stepFlops(batch: number, hidden: number[] = [512, 256]): number {
  const sizes = [INPUTS, ...hidden, CLASSES];
  let flops = 0;
  for (let l = 0; l + 1 < sizes.length; l++) flops += (l === 0 ? 4 : 6) * batch * sizes[l] * sizes[l + 1];
  return flops;
}

/**
 * Seconds of one epoch of `model` on (x, y), on 1 and on 2 threads, epochs alternating, over
 * `rounds` rounds: the median of each, or with `statistic: 'fastest'` the fastest (on a
 * shared machine, the closest to what the cores do when nothing else runs on them).
 */
export async function epochSeconds(
  model: nn.Sequential, x: nn.data.Pixels, y: Float32Array, batchSize: number, rounds: number, statistic: 'median' | 'fastest' = 'median',
): Promise<[number, number]> {
  const times = await epochTimes(model, x, y, batchSize, rounds);
  const pick = statistic === 'median' ? median : (t: number[]) => Math.min(...t);
  return [pick(times[0]), pick(times[1])];
}

/** Seconds of each epoch on 1 and on 2 threads, `rounds` rounds, the two alternating within a round. */
export async function epochTimes(model: nn.Sequential, x: nn.data.Pixels, y: Float32Array, batchSize: number, rounds: number): Promise<[number[], number[]]> {
  const times: [number[], number[]] = [[], []];
  for (let r = 0; r < rounds; r++) {
    for (const threads of [1, 2]) {
      await nn.setThreads(threads);
      const t0 = performance.now();
      await model.fit(x, y, { epochs: 1, batchSize, verbose: 0 });
      times[threads - 1].push((performance.now() - t0) / 1000);
    }
  }
  return times;
}
