/**
 * Peak memory of training on the full Fashion-MNIST: 60,000 28×28 images, the 784-512-256-10
 * relu MLP, Adam, batch 128, one epoch. Run it under GNU time for the peak RSS:
 *
 *   /usr/bin/time -v node --import tsx bench/memory.ts [--threads N] [--epochs E]
 *
 * The images stay bytes (47 MB); fit converts each batch to float32 as it gathers it.
 * Prints one JSON line: threads, seconds, final loss and accuracy, the backend's memoryStats
 * and process.memoryUsage() at the end, and maxRSS as Node sees it (resourceUsage).
 */

import * as nn from 'wasmnn';

const option = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};

await nn.ready({ threads: option('--threads', 2) });
const { train } = await nn.data.loadFashionMnist({ testSize: 0 });
const model = nn.sequential([
  nn.layers.dense({ units: 512, activation: 'relu', inputShape: [784] }),
  nn.layers.dense({ units: 256, activation: 'relu' }),
  nn.layers.dense({ units: 10, activation: 'softmax' }),
], { seed: 1 });
model.compile({ optimizer: nn.optimizers.adam(), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
const start = performance.now();
const history = await model.fit(train.x, train.y, { epochs: option('--epochs', 1), batchSize: 128, verbose: 0 });
const seconds = (performance.now() - start) / 1000;
const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);
const usage = process.memoryUsage();
console.log(JSON.stringify({
  samples: train.n,
  threads: nn.getBackendInfo().threads,
  seconds: Number(seconds.toFixed(1)),
  loss: history.history.loss.at(-1),
  accuracy: history.history.accuracy.at(-1),
  backendMB: { inUse: mb(nn.memoryStats().bytesInUse), reserved: mb(nn.memoryStats().bytesReserved) },
  processMB: { rss: mb(usage.rss), heapUsed: mb(usage.heapUsed), arrayBuffers: mb(usage.arrayBuffers), external: mb(usage.external) },
  maxRssMB: mb(process.resourceUsage().maxRSS * 1024),
}));
