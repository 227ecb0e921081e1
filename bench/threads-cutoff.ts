/**
 * Where threads start to pay: time per gemm call with 2 threads against 1 thread, for
 * products from a few kflop to tens of Mflop, with the split forced on every size
 * (`parallelMinFlops = 0`). The smallest size from which 2 threads win for good is the
 * cut-off PARALLEL_MIN_FLOPS in src/backend/threads.ts.
 *
 *   npx tsx bench/threads-cutoff.ts [--relaxed] [--calls 200]
 *
 * Both backends are threads builds over shared memory; one has no workers. The calls
 * alternate between them, so that a busy machine slows both alike. The fastest call of each
 * is what the cores do when nothing else runs on them (on a shared machine the median mostly
 * measures the other programs).
 */

import { loadWasmKernels, type WasmKernels } from '../src/backend/wasm.js';
import { Random } from '../src/random.js';
import { median, loadAverage } from './timing.js';

/** Products (m, k, n) of training shapes and squares, small to large. */
const SHAPES: [number, number, number][] = [
  [16, 16, 16], [32, 32, 32], [16, 64, 64], [48, 48, 48], [64, 64, 64], [32, 128, 64], [128, 64, 64], [96, 96, 96],
  [128, 128, 64], [128, 128, 128], [64, 256, 128], [128, 256, 10], [160, 160, 160], [128, 256, 128], [192, 192, 192],
  [128, 256, 256], [256, 256, 256], [128, 512, 256], [320, 320, 320], [128, 784, 512], [512, 512, 512],
];

/** Seconds of one call. */
function timeCall(k: WasmKernels, m: number, kk: number, n: number, operands: ReturnType<typeof allocate>): number {
  const { a, b, c } = operands;
  const t0 = performance.now();
  k.gemm(false, false, m, n, kk, a, b, c, false);
  return (performance.now() - t0) / 1000;
}

function allocate(k: WasmKernels, m: number, kk: number, n: number): { a: ReturnType<WasmKernels['alloc']>; b: ReturnType<WasmKernels['alloc']>; c: ReturnType<WasmKernels['alloc']> } {
  const random = new Random(m * 7 + n);
  const a = k.alloc(m * kk), b = k.alloc(kk * n), c = k.alloc(m * n);
  a.view().forEach((_, i, v) => { v[i] = random.next() * 2 - 1; });
  b.view().forEach((_, i, v) => { v[i] = random.next() * 2 - 1; });
  return { a, b, c };
}

export interface CutoffRow {
  shape: [number, number, number];
  flops: number;
  /** Fastest call on 1 and on 2 threads: what the cores do when nothing else runs on them. */
  best: [number, number];
  /** Median call on 1 and on 2 threads: what this run saw, load included. */
  median: [number, number];
}

/**
 * Times `calls` gemm calls per shape on 1 and on 2 threads, alternating call by call so that
 * both see the same load; prints a markdown table of the fastest and the median call.
 */
export async function runCutoffBench(relaxed: boolean, calls: number): Promise<CutoffRow[]> {
  const one = await loadWasmKernels({ relaxed, threads: 1 });
  const two = await loadWasmKernels({ relaxed, threads: 2 });
  two.parallelMinFlops = 0;
  const rows: CutoffRow[] = [];
  const load = loadAverage();
  for (const [m, kk, n] of SHAPES) {
    const o1 = allocate(one, m, kk, n), o2 = allocate(two, m, kk, n);
    const flops = 2 * m * kk * n;
    // Fewer calls for big products: about 2 s per shape at most on an idle machine.
    const count = Math.max(9, Math.min(calls, Math.floor(2e10 / flops)));
    for (let i = 0; i < 5; i++) { timeCall(one, m, kk, n, o1); timeCall(two, m, kk, n, o2); } // warm up (TurboFan)
    const t1: number[] = [], t2: number[] = [];
    for (let i = 0; i < count; i++) {
      t1.push(timeCall(one, m, kk, n, o1));
      t2.push(timeCall(two, m, kk, n, o2));
    }
    rows.push({ shape: [m, kk, n], flops, best: [Math.min(...t1), Math.min(...t2)], median: [median(t1), median(t2)] });
  }
  one.dispose();
  two.dispose();
  const us = (t: number): string => (t * 1e6).toFixed(1);
  const lines = [
    `Load average before/after: ${load} / ${loadAverage()} (2 cores). ${relaxed ? 'relaxed' : 'plain'} build, NN, up to ${calls} calls per shape and thread count.`,
    '',
    '| (M,K,N) | flops | fastest 1 thread (µs) | fastest 2 threads (µs) | speedup (fastest) | median 1 / 2 threads (µs) | speedup (median) |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| (${r.shape.join(',')}) | ${r.flops.toExponential(2)} | ${us(r.best[0])} | ${us(r.best[1])} | ${(r.best[0] / r.best[1]).toFixed(2)}× | ${us(r.median[0])} / ${us(r.median[1])} | ${(r.median[0] / r.median[1]).toFixed(2)}× |`),
  ];
  console.log(lines.join('\n'));
  return rows;
}

/**
 * The round trip of a wake-up: the main thread stores a number and notifies, a worker blocked
 * in Atomics.wait wakes, stores it back and notifies, the main thread (blocked likewise) wakes.
 * Returns the fastest and the median of `rounds` round trips, in seconds. This is the least a
 * split gemm pays before the worker starts on its block.
 */
export async function wakeRoundTrip(rounds: number): Promise<{ best: number; median: number }> {
  const { Worker } = await import('node:worker_threads');
  const cell = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(`
    const { workerData: cell, parentPort } = require('node:worker_threads');
    parentPort.postMessage('ready');
    for (let seen = 0; ; ) {
      Atomics.wait(cell, 0, seen);
      seen = Atomics.load(cell, 0);
      if (seen < 0) break;
      Atomics.store(cell, 1, seen);
      Atomics.notify(cell, 1);
    }`, { eval: true, workerData: cell });
  await new Promise((resolve) => worker.once('message', resolve));
  const times: number[] = [];
  for (let i = 1; i <= rounds; i++) {
    const t0 = performance.now();
    Atomics.store(cell, 0, i);
    Atomics.notify(cell, 0);
    while (Atomics.load(cell, 1) !== i) Atomics.wait(cell, 1, i - 1);
    times.push((performance.now() - t0) / 1000);
  }
  Atomics.store(cell, 0, -1);
  Atomics.notify(cell, 0);
  await worker.terminate();
  return { best: Math.min(...times), median: median(times) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const callsAt = process.argv.indexOf('--calls');
  const trip = await wakeRoundTrip(2000);
  console.log(`Wake-up round trip (Atomics.notify → wait → notify back), load ${loadAverage()}: fastest ${(trip.best * 1e6).toFixed(1)} µs, median ${(trip.median * 1e6).toFixed(1)} µs\n`);
  await runCutoffBench(process.argv.includes('--relaxed'), callsAt > 0 ? Number(process.argv[callsAt + 1]) : 200);
}
