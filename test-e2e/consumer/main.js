// Bundled by Vite for the browser (test-e2e/package.e2e.ts): wasmnn from node_modules, its
// .wasm kernels emitted as assets and fetched from the bundle. Trains a small seeded model.
import * as nn from 'wasmnn';

const status = document.getElementById('status');

/** Two classes on two rings (radius 0.3 and 0.9), from a formula. */
function rings(n) {
  const x = [], y = [];
  for (let i = 0; i < n; i++) {
    const label = i % 2, angle = (i * 2.399) % (2 * Math.PI), radius = label === 0 ? 0.3 : 0.9;
    x.push([radius * Math.cos(angle), radius * Math.sin(angle)]);
    y.push(label);
  }
  return { x, y };
}

async function main() {
  await nn.ready();
  const { x, y } = rings(200);
  const model = nn.sequential([
    nn.layers.dense({ units: 16, activation: 'relu', inputShape: [2] }),
    nn.layers.dense({ units: 2, activation: 'softmax' }),
  ], { seed: 3 });
  model.compile({ optimizer: nn.optimizers.adam({ learningRate: 0.05 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const history = await model.fit(x, y, { epochs: 30, batchSize: 20, verbose: 0 });
  const { accuracy } = model.evaluate(x, y);
  const loss = history.history.loss;
  document.getElementById('result').textContent = JSON.stringify({
    backend: nn.getBackendInfo(), accuracy, firstLoss: loss[0], lastLoss: loss[loss.length - 1],
  });
  status.textContent = 'done';
}

main().catch((error) => {
  status.textContent = `error: ${error}`;
});
