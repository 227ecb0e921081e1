/**
 * TensorFlow.js's wasm backend with its threads (bench/tfjs-threads.ts), in its own process:
 *   node --import tsx bench/tfjs-worker.ts <threads> <samples>
 * Prints one JSON line: the thread count tfjs reports, gemm (1024,1024,1024) GFLOP/s, training
 * samples/s of 784-512-256-10 (Adam) at batch 128 and 512 on `samples` MNIST digits, and the
 * seconds of predict on 10,000 digits at batch 1024. Medians of 3 after a warm-up.
 */

import * as nn from 'wasmnn';
import { startTfjsWasmThreads } from './tfjs-threads.js';
import { median } from './timing.js';

const threads = Number(process.argv[2]);
const samples = Number(process.argv[3]);
const reported = await startTfjsWasmThreads(threads);
const tf = await import('@tensorflow/tfjs');

function gemmGflops(): number {
  const a = tf.randomNormal([1024, 1024]), b = tf.randomNormal([1024, 1024]);
  const times: number[] = [];
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
    if (i >= 2) times.push((performance.now() - t0) / 1000);
  }
  a.dispose();
  b.dispose();
  return (2 * 1024 ** 3) / median(times) / 1e9;
}

function tfjsMlp(): import('@tensorflow/tfjs').Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 512, activation: 'relu', inputShape: [784] }),
      tf.layers.dense({ units: 256, activation: 'relu' }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

const { train } = await nn.data.loadMnist({ trainSize: 10_000, testSize: 0, seed: 7 });
// TensorFlow.js takes floats: the pixels as v/255.
const floats = Float32Array.from(train.x.pixels, (v) => v / 255);
const x = tf.tensor2d(floats.subarray(0, samples * 784), [samples, 784]), y = tf.tensor1d(train.y.subarray(0, samples));

const gemm = gemmGflops();
const training: Record<string, number> = {};
for (const batchSize of [128, 512]) {
  const model = tfjsMlp();
  await model.fit(x, y, { epochs: 1, batchSize, verbose: 0 }); // warm-up
  const times: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    await model.fit(x, y, { epochs: 1, batchSize, verbose: 0 });
    times.push((performance.now() - t0) / 1000);
  }
  training[batchSize] = samples / median(times);
  model.dispose();
}
const model = tfjsMlp();
const all = tf.tensor2d(floats, [10_000, 784]);
const predictTimes: number[] = [];
for (let r = 0; r < 4; r++) {
  const t0 = performance.now();
  const out = model.predict(all, { batchSize: 1024 }) as import('@tensorflow/tfjs').Tensor;
  out.dataSync();
  out.dispose();
  if (r > 0) predictTimes.push((performance.now() - t0) / 1000);
}
console.log(JSON.stringify({ threads: reported, gemmGflops: gemm, trainingSamplesPerSecond: training, predictSeconds: median(predictTimes) }));
process.exit(0); // tfjs's pthread workers would keep the process alive
