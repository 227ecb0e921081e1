// A seeded training run shared by the Node side and the browser side of the end-to-end test
// (plain JavaScript, so the page can import it without a build step). `nn` is the wasmnn
// module: src/ in Node, dist/src/index.js in the browser.

/** Two interleaved spirals, from a formula (no randomness), as rows of [x, y]. */
function spirals(n) {
  const x = [], y = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2, r = (i / n) * 1.0, t = r * 6 + c * Math.PI;
    x.push([r * Math.cos(t), r * Math.sin(t)]);
    y.push(c);
  }
  return { x, y };
}

export async function runScenario(nn, relaxed) {
  await nn.setBackend('wasm', { relaxed });
  const { x, y } = spirals(200);
  const model = nn.sequential([
    nn.layers.dense({ units: 32, activation: 'relu', inputShape: [2], kernelRegularizer: nn.regularizers.l2(1e-3) }),
    nn.layers.batchNormalization(),
    nn.layers.dropout({ rate: 0.2 }),
    nn.layers.dense({ units: 2, activation: 'softmax' }),
  ], { seed: 2024 });
  model.compile({ optimizer: nn.optimizers.adam({ learningRate: 0.01 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const history = await model.fit(x, y, { epochs: 5, batchSize: 32, validationSplit: 0.2, verbose: 0 });
  const weights = model.getWeights().map((t) => {
    const values = Array.from(t.data);
    t.dispose();
    return values;
  });
  const info = nn.getBackendInfo();
  model.dispose();
  return { info, loss: history.history.loss, valAccuracy: history.history.val_accuracy, weights };
}

/**
 * Inference through gemms big enough to be split across threads (2·128·256·512 flops and
 * more), on inputs from a formula: the outputs must be the same bits for any thread count.
 */
export async function runThreadedScenario(nn, threads) {
  await nn.setBackend('wasm', { relaxed: false, threads });
  const model = nn.sequential([
    nn.layers.dense({ units: 512, activation: 'relu', inputShape: [256] }),
    nn.layers.dense({ units: 300, activation: 'tanh' }),
    nn.layers.dense({ units: 10, activation: 'softmax' }),
  ], { seed: 7 });
  const x = new Float32Array(128 * 256).map((_, i) => Math.sin(i * 0.37) * 0.5);
  const y = model.predict(nn.tensor(x, [128, 256]), { batchSize: 128 });
  const outputs = Array.from(y.data);
  y.dispose();
  const info = nn.getBackendInfo();
  model.dispose();
  return { info, outputs };
}
