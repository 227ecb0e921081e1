/**
 * A histogram of weights with a bin centred on 0, so that what L1 does (many weights at or
 * next to exactly 0) shows as one tall bar, and what L2 does (every weight shrunk in
 * proportion) shows as a narrower bell:
 *
 *   limit = max|w|,  width = 2·limit/bins (bins odd),  bin(w) = ⌊(w + limit)/width⌋ (the top edge in the last bin)
 */

import type { WeightHistogram } from './protocol.js';

export const BINS = 41;

export function weightHistogram(name: string, shape: number[], values: Float32Array, bins = BINS): WeightHistogram {
  let limit = 0, sum = 0;
  for (const v of values) {
    limit = Math.max(limit, Math.abs(v));
    sum += v;
  }
  const mean = values.length > 0 ? sum / values.length : 0;
  let squares = 0, nearZero = 0;
  limit = limit > 0 ? limit : 1; // all zeros: one bar in the middle of [-1, 1]
  const width = (2 * limit) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    counts[Math.min(bins - 1, Math.floor((v + limit) / width))]++;
    squares += (v - mean) ** 2;
    if (Math.abs(v) < 0.01 * limit) nearZero++;
  }
  const n = Math.max(values.length, 1);
  return { name, shape, limit, counts, std: Math.sqrt(squares / n), nearZero: nearZero / n };
}
