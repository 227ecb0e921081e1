/**
 * k-means benchmark: milliseconds per Lloyd iteration on the 10,000 MNIST digits (784
 * features), k = 10, one thread, for our wasm backend (relaxed and plain builds) and the
 * reference backend.
 *
 * One iteration is the assignment step (an NT gemm, 10,000×784 by 784×10, and the argmin)
 * plus the update step (a TN gemm, 10×10,000 by 10,000×784, and the division). Set-up
 * (copying and centring the data) and the k-means++ seeding are left out by timing the
 * same seeded run twice, stopped after 1 and after 1 + ITERATIONS iterations (tol 0), and
 * dividing the difference by ITERATIONS. bench/README.md measures scikit-learn this way too.
 *
 * Times are the process's CPU time (user + system), not wall-clock time: on an idle machine
 * the two agree for a single-threaded run, and on a shared one CPU time is not inflated by
 * waiting for a core.
 */

import * as nn from '../src/index.js';

/** Iterations timed per measurement (the digits take over 40 to converge from seed 0). */
const ITERATIONS = 30;
/** Measurements per backend; the median is reported. */
const REPEATS = 5;

/** CPU seconds used by this process so far. */
function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** CPU seconds of one seeded run of at most `maxIter` iterations, and how many it ran. */
function timeRun(x: Float32Array, maxIter: number): { seconds: number; iterations: number } {
  const start = cpuSeconds();
  const result = nn.cluster.kmeans(x, { k: 10, shape: [x.length / 784, 784], seed: 0, tol: 0, maxIter });
  const seconds = cpuSeconds() - start;
  result.centroids.dispose();
  return { seconds, iterations: result.iterations };
}

/** Median milliseconds per iteration over `repeats` differential measurements. */
function msPerIteration(x: Float32Array, iterations: number, repeats: number): number {
  timeRun(x, 2); // warm-up: V8 optimizes the kernels and loops after their first calls
  const samples: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const one = timeRun(x, 1);
    const many = timeRun(x, 1 + iterations);
    samples.push((1000 * (many.seconds - one.seconds)) / (many.iterations - one.iterations));
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}

/** Runs the benchmark; returns (and prints) a markdown table. */
export async function runKMeansBench(): Promise<string> {
  const { train } = await nn.data.loadMnist({ trainSize: 10_000, testSize: 0, seed: 1 });
  const backends: { label: string; set: () => Promise<void>; iterations: number; repeats: number }[] = [
    { label: 'wasm relaxed', set: () => nn.setBackend('wasm', { relaxed: true, threads: 1 }), iterations: ITERATIONS, repeats: REPEATS },
    { label: 'wasm plain', set: () => nn.setBackend('wasm', { relaxed: false, threads: 1 }), iterations: ITERATIONS, repeats: REPEATS },
    { label: 'reference', set: () => nn.setBackend('reference'), iterations: 2, repeats: 1 },
  ];
  const x = nn.data.pixelsToFloat32(train.x); // once, outside the timed runs
  const lines = ['| backend | ms per iteration (CPU) | iterations/s |', '|---|---:|---:|'];
  for (const backend of backends) {
    await backend.set();
    const ms = msPerIteration(x, backend.iterations, backend.repeats);
    lines.push(`| ${backend.label} | ${ms.toFixed(1)} | ${(1000 / ms).toFixed(1)} |`);
  }
  const table = lines.join('\n');
  console.log(`\n## k-means (Lloyd), 10,000 MNIST digits × 784 features, k = 10, one thread\n\n${table}\n`);
  return table;
}
