/**
 * Where threads start to pay: time per gemm call with 2 threads against 1 thread, for
 * products from a few kflop to tens of Mflop, with the split forced on every size
 * (`parallelMinFlops = 0`). The smallest size from which 2 threads win for good is the
 * cut-off PARALLEL_MIN_FLOPS in src/backend/threads.ts.
 *
 *   npx tsx bench/threads-cutoff.ts [--relaxed] [--rounds 7]
 *
 * Both backends are threads builds over shared memory; one has no workers. The calls
 * alternate between them, round after round, so that a busy machine slows both alike, and
 * each figure is the median over rounds of the mean time per call within a round.
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

/** Mean seconds per call over about `seconds` of calls. */
function timeCalls(k: WasmKernels, m: number, kk: number, n: number, seconds: number, operands: ReturnType<typeof allocate>): number {
  const { a, b, c } = operands;
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    k.gemm(false, false, m, n, kk, a, b, c, false);
    calls++;
    elapsed = (performance.now() - start) / 1000;
  } while (elapsed < seconds);
  return elapsed / calls;
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
  oneThread: number;
  twoThreads: number;
  speedup: number;
}

/** Speedup of 2 threads over 1 for each shape; prints a markdown table. */
export async function runCutoffBench(relaxed: boolean, rounds: number): Promise<CutoffRow[]> {
  const one = await loadWasmKernels({ relaxed, threads: 1 });
  const two = await loadWasmKernels({ relaxed, threads: 2 });
  two.parallelMinFlops = 0;
  const rows: CutoffRow[] = [];
  const load = loadAverage();
  for (const [m, kk, n] of SHAPES) {
    const o1 = allocate(one, m, kk, n), o2 = allocate(two, m, kk, n);
    timeCalls(one, m, kk, n, 0.05, o1); // warm up (TurboFan)
    timeCalls(two, m, kk, n, 0.05, o2);
    const t1: number[] = [], t2: number[] = [];
    for (let r = 0; r < rounds; r++) {
      t1.push(timeCalls(one, m, kk, n, 0.04, o1));
      t2.push(timeCalls(two, m, kk, n, 0.04, o2));
    }
    const a = median(t1), b = median(t2);
    rows.push({ shape: [m, kk, n], flops: 2 * m * kk * n, oneThread: a, twoThreads: b, speedup: a / b });
  }
  one.dispose();
  two.dispose();
  const lines = [
    `Load average before/after: ${load} / ${loadAverage()} (2 cores). ${relaxed ? 'relaxed' : 'plain'} build, NN, ${rounds} rounds.`,
    '',
    '| (M,K,N) | flops | 1 thread (µs) | 2 threads (µs) | speedup |',
    '|---|---:|---:|---:|---:|',
    ...rows.map((r) => `| (${r.shape.join(',')}) | ${r.flops.toExponential(2)} | ${(r.oneThread * 1e6).toFixed(1)} | ${(r.twoThreads * 1e6).toFixed(1)} | ${r.speedup.toFixed(2)}× |`),
  ];
  console.log(lines.join('\n'));
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const roundsAt = process.argv.indexOf('--rounds');
  await runCutoffBench(process.argv.includes('--relaxed'), roundsAt > 0 ? Number(process.argv[roundsAt + 1]) : 7);
}
