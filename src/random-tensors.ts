/**
 * Random tensors, as `nn.random.*` (TensorFlow's `tf.random.normal` and `tf.random.uniform`):
 *
 *   nn.random.normal([1000, 20])                  x ~ N(mean, stddev²), default N(0, 1)
 *   nn.random.uniform([3, 3], { min: -1 })        x ~ U[min, max), default U[0, 1)
 *   nn.random.int([1000], { max: 10 })            x ~ U{min, …, max-1}, default min 0
 *
 * With a `seed`, the values are drawn from `new Random(seed)` (random.ts): the same seed gives
 * the same tensor on every machine and backend. Without one, the seed is the next value of the
 * stream that `setSeed` reseeds, the one models without a seed draw from; so an unseeded
 * script repeats too, and `setSeed(n)` changes every draw after it.
 *
 * There is one dtype, float32: `int` stores its integers as floats, exactly (its bounds must
 * lie within ±2²⁴), and they work as labels for sparseCategoricalCrossentropy. Each function
 * returns a new tensor on the active backend, which the caller frees with `dispose()`.
 */

import { checkOptions } from './options.js';
import { Random, nextModelSeed } from './random.js';
import { requireFinite, requireInteger } from './arguments.js';
import { type Tensor, checkShape, zeros } from './tensor.js';
import { ValueError } from './errors.js';

export interface NormalOptions {
  /** Mean of the distribution (default 0). */
  mean?: number;
  /** Standard deviation, ≥ 0 (default 1). */
  stddev?: number;
  /** Seed of the draw (default: the next of setSeed's stream). */
  seed?: number;
}

export interface UniformOptions {
  /** Lower bound, included (default 0). */
  min?: number;
  /** Upper bound, excluded (default 1). */
  max?: number;
  /** Seed of the draw (default: the next of setSeed's stream). */
  seed?: number;
}

export interface IntOptions {
  /** Smallest value, included (default 0). */
  min?: number;
  /** Upper bound, excluded: values are min, …, max-1. Required. */
  max: number;
  /** Seed of the draw (default: the next of setSeed's stream). */
  seed?: number;
}

/** Integers beyond ±2²⁴ have no exact float32. */
const LARGEST_EXACT_INTEGER = 2 ** 24;

/** A tensor of `shape` whose values are draw(random), element by element in row-major order. */
function drawTensor(where: string, shape: readonly number[], seed: number | undefined, draw: (random: Random) => number): Tensor {
  checkShape(shape, where);
  const t = zeros(shape);
  const random = new Random(seed ?? nextModelSeed());
  const values = t.data;
  for (let i = 0; i < values.length; i++) values[i] = draw(random);
  return t;
}

/** Values from the normal distribution N(mean, stddev²) (Box–Muller, random.ts). */
export function normal(shape: readonly number[], options: NormalOptions = {}): Tensor {
  checkOptions<NormalOptions>('random.normal', options, { mean: 'number', stddev: 'number', seed: 'integer' });
  const { mean = 0, stddev = 1, seed } = options;
  requireFinite('random.normal', 'mean', mean);
  requireFinite('random.normal', 'stddev', stddev);
  if (stddev < 0) throw new ValueError(`random.normal: stddev must be ≥ 0, got ${stddev}`);
  return drawTensor('random.normal', shape, seed, (random) => random.normal(mean, stddev));
}

/**
 * Values from the uniform distribution on [min, max). A draw that float32 rounds up to max
 * is drawn again, so max itself never appears.
 */
export function uniform(shape: readonly number[], options: UniformOptions = {}): Tensor {
  checkOptions<UniformOptions>('random.uniform', options, { min: 'number', max: 'number', seed: 'integer' });
  const { min = 0, max = 1, seed } = options;
  requireFinite('random.uniform', 'min', min);
  requireFinite('random.uniform', 'max', max);
  if (!(Math.fround(min) < max)) throw new ValueError(`random.uniform: expected min < max (as float32), got min ${min} and max ${max}`);
  return drawTensor('random.uniform', shape, seed, (random) => {
    for (;;) {
      const value = Math.fround(random.uniform(min, max));
      if (value < max) return value;
    }
  });
}

/** Integers drawn uniformly from min, …, max-1, stored as float32: `tf.random.uniform(..., dtype=tf.int32)`. */
export function int(shape: readonly number[], options: IntOptions): Tensor {
  checkOptions<IntOptions>('random.int', options, { min: 'integer', max: 'integer', seed: 'integer' });
  if (options?.max === undefined) throw new ValueError('random.int: max is required (values are min, …, max-1), e.g. random.int([1000], { max: 10 })');
  const { min = 0, max, seed } = options;
  requireInteger('random.int', 'min', min, -LARGEST_EXACT_INTEGER, LARGEST_EXACT_INTEGER);
  requireInteger('random.int', 'max', max, min + 1, LARGEST_EXACT_INTEGER);
  return drawTensor('random.int', shape, seed, (random) => min + random.int(max - min));
}
