/**
 * Threads, side by side in one run: 1 against 2 threads of wasmnn, and TensorFlow.js's wasm
 * backend with its threads (threaded SIMD build), on
 *   - gemm (1024,1024,1024) in the three forms, both builds, and the small (128,256,10);
 *   - training 784-512-256-10 (Adam) at batch 128 and 512, on real MNIST digits;
 *   - predict on 10,000 digits at batch 1024.
 * Ours: 1 and 2 threads alternate call by call (gemm) or epoch by epoch (training), in this
 * process, so a busy machine slows both alike; figures are medians. TensorFlow.js runs in a
 * child process (bench/tfjs-worker.ts), since its threads are set up once per process.
 */

import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as nn from 'wasmnn';
import { loadWasmKernels, type WasmKernels } from '../src/backend/wasm.js';
import type { Storage } from '../src/backend/kernels.js';
import { Random } from '../src/random.js';
import { epochTimes, oursMlp } from './mlp.js';
import { loadAverage, median } from './timing.js';

const here = dirname(fileURLToPath(import.meta.url));

type Form = 'NN' | 'TN' | 'NT';

/** Operands of one product, filled from a seeded generator. */
function operands(k: WasmKernels, m: number, kk: number, n: number): { a: Storage; b: Storage; c: Storage } {
  const random = new Random(m + 3 * n);
  const a = k.alloc(m * kk), b = k.alloc(kk * n), c = k.alloc(m * n);
  for (const s of [a, b]) {
    const v = s.view();
    for (let i = 0; i < v.length; i++) v[i] = random.next() * 2 - 1;
  }
  return { a, b, c };
}

/** Median GFLOP/s on 1 and on 2 threads, calls alternating, `calls` each after a warm-up. */
function gemmOneVsTwo(one: WasmKernels, two: WasmKernels, m: number, kk: number, n: number, form: Form, calls: number): [number, number] {
  const o1 = operands(one, m, kk, n), o2 = operands(two, m, kk, n);
  const transA = form === 'TN', transB = form === 'NT';
  const time = (k: WasmKernels, o: { a: Storage; b: Storage; c: Storage }): number => {
    const t0 = performance.now();
    k.gemm(transA, transB, m, n, kk, o.a, o.b, o.c, false);
    return (performance.now() - t0) / 1000;
  };
  for (let i = 0; i < 3; i++) { time(one, o1); time(two, o2); }
  const t1: number[] = [], t2: number[] = [];
  for (let i = 0; i < calls; i++) { t1.push(time(one, o1)); t2.push(time(two, o2)); }
  for (const o of [o1, o2]) for (const s of [o.a, o.b, o.c]) (o === o1 ? one : two).free(s);
  const flops = 2 * m * kk * n;
  return [flops / median(t1) / 1e9, flops / median(t2) / 1e9];
}

interface TfjsResult {
  threads: number;
  gemmGflops: number;
  trainingSamplesPerSecond: Record<string, number>;
  predictSeconds: number;
}

function runTfjs(threads: number, samples: number): TfjsResult {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(here, 'tfjs-worker.ts'), String(threads), String(samples)], {
    cwd: join(here, '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').pop()!) as TfjsResult;
}

/**
 * Samples/s of one epoch on 1 and on 2 threads (medians of `rounds`, epochs alternating), and
 * the speedup as the median of each round's ratio: a round's two epochs run seconds apart, so
 * the ratio of a pair is less disturbed by the machine's other work than the ratio of medians.
 */
async function trainOneVsTwo(x: nn.data.Pixels, y: Float32Array, batchSize: number, rounds: number): Promise<[number, number, number]> {
  const model = oursMlp();
  await model.fit(x, y, { epochs: 1, batchSize, verbose: 0 }); // warm-up: TurboFan, Adam state
  const [t1, t2] = await epochTimes(model, x, y, batchSize, rounds);
  model.dispose();
  return [y.length / median(t1), y.length / median(t2), median(t1.map((t, i) => t / t2[i]))];
}

/** Seconds of predict on all of x at batch 1024, on 1 and 2 threads, alternating. */
async function predictOneVsTwo(x: nn.data.Pixels, rounds: number): Promise<[number, number]> {
  const model = oursMlp();
  const times: [number[], number[]] = [[], []];
  for (let r = 0; r <= rounds; r++) {
    for (const threads of [1, 2]) {
      await nn.setThreads(threads);
      const t0 = performance.now();
      model.predict(x, { batchSize: 1024 }).dispose();
      if (r > 0) times[threads - 1].push((performance.now() - t0) / 1000); // round 0 warms up
    }
  }
  model.dispose();
  return [median(times[0]), median(times[1])];
}

const f1 = (x: number): string => x.toFixed(1);
const f2 = (x: number): string => `${x.toFixed(2)}×`;

/** Runs everything; prints and returns the markdown tables. */
export async function runThreadsBench(options: { samples?: number; tfjsSamples?: number; rounds?: number; trainingRounds?: number } = {}): Promise<string> {
  const samples = options.samples ?? 8192, tfjsSamples = options.tfjsSamples ?? 2048, rounds = options.rounds ?? 3;
  const trainingRounds = options.trainingRounds ?? 7;
  const loadBefore = loadAverage();
  const lines: string[] = [];
  const print = (...more: string[]): void => {
    for (const line of more) console.log(line);
    lines.push(...more);
  };

  print('', `## Threads (load average ${loadBefore} at the start, 2 cores)`, '', '### gemm GFLOP/s, 1 and 2 threads (calls alternating; medians)', '',
    '| build | (M,K,N) | form | 1 thread | 2 threads | 2 / 1 |', '|---|---|---|---:|---:|---:|');
  for (const relaxed of [false, true]) {
    const one = await loadWasmKernels({ relaxed, threads: 1 });
    const two = await loadWasmKernels({ relaxed, threads: 2 });
    for (const [m, kk, n, calls] of [[1024, 1024, 1024, 9], [128, 256, 10, 301], [32, 64, 10, 1001]] as const) {
      for (const form of ['NN', 'TN', 'NT'] as const) {
        const [g1, g2] = gemmOneVsTwo(one, two, m, kk, n, form, calls);
        print(`| ${relaxed ? 'relaxed' : 'plain'} | (${m},${kk},${n}) | ${form} | ${f1(g1)} | ${f1(g2)} | ${f2(g2 / g1)} |`);
      }
    }
    one.dispose();
    two.dispose();
  }

  await nn.setBackend('wasm', { threads: 2 });
  const { train } = await nn.data.loadMnist({ trainSize: 10_000, testSize: 0, seed: 7 });
  const x: nn.data.Pixels = { pixels: train.x.pixels.subarray(0, samples * 784), scale: train.x.scale };
  const y = train.y.subarray(0, samples);
  const ours: Record<number, [number, number, number]> = {};
  for (const batch of [128, 512]) ours[batch] = await trainOneVsTwo(x, y, batch, trainingRounds);
  const predict = await predictOneVsTwo(train.x, rounds);
  const tfjs = runTfjs(2, tfjsSamples);

  print('', `### Training 784-512-256-10 (Adam, relaxed build), samples/s; TensorFlow.js wasm with ${tfjs.threads} threads (its threaded SIMD build)`, '',
    '| batch | ours 1 thread | ours 2 threads | 2 / 1 | tfjs-wasm threads | ours 2 threads / tfjs |', '|---:|---:|---:|---:|---:|---:|');
  for (const batch of [128, 512]) {
    const [s1, s2, speedup] = ours[batch];
    const t = tfjs.trainingSamplesPerSecond[batch];
    print(`| ${batch} | ${s1.toFixed(0)} | ${s2.toFixed(0)} | ${f2(speedup)} | ${t.toFixed(0)} | ${f2(s2 / t)} |`);
  }
  print('', '### Inference: predict on 10,000 digits, batch 1024 (seconds)', '',
    '| ours 1 thread | ours 2 threads | 2 / 1 speedup | tfjs-wasm threads | tfjs / ours 2 threads |', '|---:|---:|---:|---:|---:|',
    `| ${predict[0].toFixed(3)} | ${predict[1].toFixed(3)} | ${f2(predict[0] / predict[1])} | ${tfjs.predictSeconds.toFixed(3)} | ${f2(tfjs.predictSeconds / predict[1])} |`);
  print('', `tfjs-wasm gemm (1024,1024,1024) NN with ${tfjs.threads} threads: ${f1(tfjs.gemmGflops)} GFLOP/s.`,
    `Ours: ${samples} training samples per epoch, medians of ${trainingRounds} (2 / 1: the median of the ${trainingRounds} paired ratios); predict: medians of ${rounds}; tfjs: ${tfjsSamples}. Load average at the end: ${loadAverage()}.`);
  return lines.join('\n');
}
