/**
 * Kernel benchmark: single-threaded gemm throughput (GFLOP/s = 2·M·N·K / seconds) for the
 * products a dense network trains with, in the three forms backprop uses:
 *
 *   NN  C = A·B     forward        (A stored M×K, B stored K×N)
 *   TN  C = Aᵀ·B    dW = Xᵀ·dY     (A stored K×M)
 *   NT  C = A·Bᵀ    dX = dY·Wᵀ     (B stored N×K)
 *
 * for the reference backend (plain TypeScript, small shapes only), our wasm kernels (plain
 * SIMD and relaxed SIMD) and TensorFlow.js's wasm backend (XNNPACK, one thread). Each
 * figure is the median of several timed calls after a warm-up: V8 first runs wasm in its
 * baseline compiler and swaps in optimized code only after some calls.
 */

import * as tf from '@tensorflow/tfjs';
import * as tfwasm from '@tensorflow/tfjs-backend-wasm';
import type { Kernels, Storage } from '../src/backend/kernels.js';
import { ReferenceKernels } from '../src/backend/reference.js';
import { loadWasmKernels } from '../src/backend/wasm.js';
import { Random } from '../src/random.js';

/** One product: op(A) is M×K, op(B) is K×N. */
interface Shape {
  M: number;
  K: number;
  N: number;
}

type Form = 'NN' | 'TN' | 'NT';

const SHAPES: Shape[] = [
  { M: 128, K: 784, N: 512 }, // batch 128 through Dense(512) on MNIST
  { M: 128, K: 512, N: 256 },
  { M: 128, K: 256, N: 10 }, // the classifier head
  { M: 512, K: 512, N: 512 },
  { M: 1024, K: 1024, N: 1024 },
];
const FORMS: Form[] = ['NN', 'TN', 'NT'];
/** The reference backend runs ~0.15 GFLOP/s: only shapes up to this many flops. */
const REFERENCE_MAX_FLOPS = 2 * 128 * 784 * 512;

/** Timing budget per cell: warm up for WARMUP_MS (at least 2 calls), then time calls. */
const WARMUP_MS = 250;
const MEASURE_MS = 700;
const MIN_RUNS = 3;
const MAX_RUNS = 25;

const flops = (s: Shape): number => 2 * s.M * s.N * s.K;

/** Median seconds of one call of `run`, after warming it up. */
function timeMedian(run: () => void, minRuns = MIN_RUNS): number {
  const warmStart = performance.now();
  let warmCalls = 0;
  while (warmCalls < 2 || performance.now() - warmStart < WARMUP_MS) {
    run();
    warmCalls++;
    if (performance.now() - warmStart > 4 * WARMUP_MS) break; // slow kernels: a call or two is enough
  }
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minRuns || (times.length < MAX_RUNS && performance.now() - start < MEASURE_MS)) {
    const t0 = performance.now();
    run();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((x, y) => x - y);
  const mid = times.length >> 1;
  return times.length % 2 === 1 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
}

function randomValues(random: Random, length: number): Float32Array {
  const values = new Float32Array(length);
  for (let i = 0; i < length; i++) values[i] = random.next() * 2 - 1;
  return values;
}

/** Inputs for one shape: A stored M×K (NN, NT) or K×M (TN); B stored K×N or N×K (NT). */
function inputs(shape: Shape, form: Form): { a: Float32Array; aShape: [number, number]; b: Float32Array; bShape: [number, number] } {
  const random = new Random(shape.M * 31 + shape.K * 7 + shape.N);
  const { M, K, N } = shape;
  return {
    a: randomValues(random, M * K),
    aShape: form === 'TN' ? [K, M] : [M, K],
    b: randomValues(random, K * N),
    bShape: form === 'NT' ? [N, K] : [K, N],
  };
}

/** GFLOP/s of kernels.gemm on one shape and form. */
function benchOurs(kernels: Kernels, shape: Shape, form: Form, minRuns = MIN_RUNS): number {
  const { a, b } = inputs(shape, form);
  const A: Storage = kernels.alloc(a.length), B: Storage = kernels.alloc(b.length), C: Storage = kernels.alloc(shape.M * shape.N);
  A.view().set(a);
  B.view().set(b);
  const transA = form === 'TN', transB = form === 'NT';
  const seconds = timeMedian(() => kernels.gemm(transA, transB, shape.M, shape.N, shape.K, A, B, C, false), minRuns);
  kernels.free(A);
  kernels.free(B);
  kernels.free(C);
  return flops(shape) / seconds / 1e9;
}

/** GFLOP/s of tf.matMul on the wasm backend, reading the result back as a user would. */
function benchTfjs(shape: Shape, form: Form): number {
  const { a, aShape, b, bShape } = inputs(shape, form);
  const A = tf.tensor2d(a, aShape), B = tf.tensor2d(b, bShape);
  const seconds = timeMedian(() => {
    const C = tf.matMul(A, B, form === 'TN', form === 'NT');
    C.dataSync();
    C.dispose();
  });
  A.dispose();
  B.dispose();
  return flops(shape) / seconds / 1e9;
}

const fmt = (x: number | null): string => (x === null ? '—' : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const ratio = (x: number, y: number): string => `${(x / y).toFixed(2)}×`;

/** Runs the benchmark and returns (and prints) a markdown table. */
export async function runKernelBench(): Promise<string> {
  // tfjs-wasm: force its single-threaded SIMD build so the comparison is one core to one core.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  tfwasm.setThreadsCount(1);
  await tf.setBackend('wasm');
  await tf.ready();
  const tfjsSimd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');

  const reference = new ReferenceKernels();
  const plain = await loadWasmKernels({ relaxed: false, threads: 1 });
  const relaxed = await loadWasmKernels({ relaxed: true, threads: 1 });
  const relaxedName = relaxed.relaxed ? 'wasm relaxed' : 'wasm relaxed (unsupported: plain)';

  const header = `| (M,K,N) | form | reference | wasm plain | ${relaxedName} | tfjs-wasm | plain/tfjs | relaxed/tfjs |`;
  const lines = [
    `gemm GFLOP/s, single thread, median of ${MIN_RUNS}-${MAX_RUNS} runs after warm-up ` +
      `(node ${process.versions.node}, tfjs-wasm ${tf.version.tfjs}, SIMD ${String(tfjsSimd)}, threads ${tfwasm.getThreadsCount()})`,
    '',
    header,
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  console.log(lines.join('\n'));
  for (const shape of SHAPES) {
    for (const form of FORMS) {
      const ref = flops(shape) <= REFERENCE_MAX_FLOPS ? benchOurs(reference, shape, form, 1) : null;
      const p = benchOurs(plain, shape, form);
      const r = benchOurs(relaxed, shape, form);
      const t = benchTfjs(shape, form);
      const line = `| (${shape.M},${shape.K},${shape.N}) | ${form} | ${fmt(ref)} | ${fmt(p)} | ${fmt(r)} | ${fmt(t)} | ${ratio(p, t)} | ${ratio(r, t)} |`;
      console.log(line);
      lines.push(line);
    }
  }
  return lines.join('\n');
}
