/**
 * One training benchmark in its own process, so that its peak memory (maxRSS) is its own.
 * Usage: node --import tsx bench/train-worker.ts <framework> <model> <samples>
 *   framework: wasm | wasm-plain | reference | tfjs-wasm
 *   model:     mlp (784-512-256-10 relu) | regularized (+ L2 1e-3, batch norm, dropout 0.3)
 * Prints one JSON line: { framework, model, samples, seconds, samplesPerSecond, maxRssMB }.
 * Data: real MNIST digits from the mnist package, Adam, batch 128, one untimed warm-up epoch.
 * One thread everywhere (bench/threads.ts compares threads).
 */

import * as nn from 'wasmnn';

const [framework, modelName, samplesArg] = process.argv.slice(2);
const samples = Number(samplesArg);
const BATCH = 128;
const WARMUP = 512;

const { train } = await nn.data.loadMnist({ trainSize: Math.max(samples, WARMUP), testSize: 0, seed: 7 });

async function timeOurs(relaxed: boolean, backend: 'wasm' | 'reference'): Promise<number> {
  await nn.setBackend(backend, { relaxed, threads: 1 }); // this table compares one thread to one thread
  const l2 = () => nn.regularizers.l2(1e-3);
  const regularized = modelName === 'regularized';
  const layers = regularized
    ? [
        nn.layers.dense({ units: 512, activation: 'relu', kernelRegularizer: l2(), inputShape: [784] }),
        nn.layers.batchNormalization(),
        nn.layers.dropout({ rate: 0.3 }),
        nn.layers.dense({ units: 256, activation: 'relu', kernelRegularizer: l2() }),
        nn.layers.batchNormalization(),
        nn.layers.dropout({ rate: 0.3 }),
        nn.layers.dense({ units: 10, activation: 'softmax' }),
      ]
    : [
        nn.layers.dense({ units: 512, activation: 'relu', inputShape: [784] }),
        nn.layers.dense({ units: 256, activation: 'relu' }),
        nn.layers.dense({ units: 10, activation: 'softmax' }),
      ];
  const model = nn.sequential(layers, { seed: 1 });
  model.compile({ optimizer: nn.optimizers.adam(), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const rows = (n: number): nn.data.Pixels => ({ pixels: train.x.pixels.subarray(0, n * 784), scale: train.x.scale });
  const x = rows(samples), y = train.y.subarray(0, samples);
  await model.fit(rows(WARMUP), train.y.subarray(0, WARMUP), { epochs: 1, batchSize: BATCH, verbose: 0 });
  const start = performance.now();
  await model.fit(x, y, { epochs: 1, batchSize: BATCH, verbose: 0 });
  return (performance.now() - start) / 1000;
}

async function timeTfjs(): Promise<number> {
  const tf = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend('wasm');
  const regularized = modelName === 'regularized';
  const l2 = () => tf.regularizers.l2({ l2: 1e-3 });
  const layers = regularized
    ? [
        tf.layers.dense({ units: 512, activation: 'relu', kernelRegularizer: l2(), inputShape: [784] }),
        tf.layers.batchNormalization(),
        tf.layers.dropout({ rate: 0.3 }),
        tf.layers.dense({ units: 256, activation: 'relu', kernelRegularizer: l2() }),
        tf.layers.batchNormalization(),
        tf.layers.dropout({ rate: 0.3 }),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ]
    : [
        tf.layers.dense({ units: 512, activation: 'relu', inputShape: [784] }),
        tf.layers.dense({ units: 256, activation: 'relu' }),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ];
  const model = tf.sequential({ layers });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  // TensorFlow.js takes floats: the pixels as v/255.
  const floats = (n: number): Float32Array => Float32Array.from(train.x.pixels.subarray(0, n * 784), (v) => v / 255);
  const xw = tf.tensor2d(floats(WARMUP), [WARMUP, 784]), yw = tf.tensor1d(train.y.subarray(0, WARMUP));
  const x = tf.tensor2d(floats(samples), [samples, 784]), y = tf.tensor1d(train.y.subarray(0, samples));
  await model.fit(xw, yw, { epochs: 1, batchSize: BATCH, verbose: 0 });
  const start = performance.now();
  await model.fit(x, y, { epochs: 1, batchSize: BATCH, verbose: 0 });
  return (performance.now() - start) / 1000;
}

const seconds =
  framework === 'tfjs-wasm' ? await timeTfjs()
  : framework === 'reference' ? await timeOurs(false, 'reference')
  : await timeOurs(framework !== 'wasm-plain', 'wasm');
console.log(JSON.stringify({
  framework, model: modelName, samples, seconds,
  samplesPerSecond: samples / seconds,
  maxRssMB: process.resourceUsage().maxRSS / 1024,
}));
