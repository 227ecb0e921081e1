/**
 * What the thread and scaling benchmarks share: a median, and the load average to print
 * beside every figure (the machine may be shared: a ratio measured in one run, with the
 * load it ran under, means more than an absolute figure).
 */

import { loadavg } from 'node:os';

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The 1-minute load average, e.g. "1.93". */
export function loadAverage(): string {
  return loadavg()[0].toFixed(2);
}
