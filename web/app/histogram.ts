/**
 * A histogram of weights with a bin centred on 0, so that what L1 does (many weights at or
 * next to exactly 0) shows as one tall bar, and what L2 under SGD does (every weight shrunk in
 * proportion) shows as a narrower bell:
 *
 *   limit = the 99th percentile of |w|, but at least max|w|/10
 *   width = 2·limit/bins (bins odd),  bin(w) = ⌊(w + limit)/width⌋, the few beyond ±limit in the end bins
 *
 * The range follows the bulk of the weights rather than the largest one, which after training
 * can be ten times the rest and would squeeze them all into the middle bar.
 */

import type { WeightHistogram } from './protocol.js';

export const BINS = 41;

export function weightHistogram(name: string, shape: number[], values: Float32Array, bins = BINS): WeightHistogram {
  const magnitudes = Float32Array.from(values, Math.abs).sort();
  const largest = magnitudes.at(-1) ?? 0;
  const p99 = magnitudes[Math.min(magnitudes.length - 1, Math.floor(0.99 * magnitudes.length))] ?? 0;
  const limit = Math.max(p99, largest / 10) || 1; // all zeros: one bar in the middle of [-1, 1]
  let sum = 0;
  for (const v of values) sum += v;
  const mean = values.length > 0 ? sum / values.length : 0;
  const width = (2 * limit) / bins;
  const counts = new Array<number>(bins).fill(0);
  let squares = 0, nearZero = 0;
  for (const v of values) {
    counts[Math.max(0, Math.min(bins - 1, Math.floor((v + limit) / width)))]++;
    squares += (v - mean) ** 2;
    if (Math.abs(v) < 0.01 * largest) nearZero++;
  }
  const n = Math.max(values.length, 1);
  return { name, shape, limit, largest, counts, std: Math.sqrt(squares / n), nearZero: nearZero / n };
}
