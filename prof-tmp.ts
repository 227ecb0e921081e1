import * as nn from './src/index.js';
await nn.ready();
const { train } = await nn.data.loadMnist({ trainSize: 4096, testSize: 0, seed: 7 });
async function time(name: string, mk: () => any[]) {
  const model = nn.sequential(mk(), { seed: 1 });
  model.compile({ optimizer: nn.optimizers.adam(), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  await model.fit(train.x.subarray(0, 512*784), train.y.subarray(0, 512), { epochs: 1, batchSize: 128, verbose: 0 });
  const t = performance.now();
  await model.fit(train.x, train.y, { epochs: 1, batchSize: 128, verbose: 0 });
  const s = (performance.now() - t) / 1000;
  console.log(name, (4096 / s).toFixed(0), 'samples/s');
}
const L = nn.layers;
const l2 = () => nn.regularizers.l2(1e-3);
await time('mlp', () => [L.dense({ units: 512, activation: 'relu', inputShape: [784] }), L.dense({ units: 256, activation: 'relu' }), L.dense({ units: 10, activation: 'softmax' })]);
await time('l2', () => [L.dense({ units: 512, activation: 'relu', inputShape: [784], kernelRegularizer: l2() }), L.dense({ units: 256, activation: 'relu', kernelRegularizer: l2() }), L.dense({ units: 10, activation: 'softmax' })]);
await time('bn', () => [L.dense({ units: 512, activation: 'relu', inputShape: [784] }), L.batchNormalization(), L.dense({ units: 256, activation: 'relu' }), L.batchNormalization(), L.dense({ units: 10, activation: 'softmax' })]);
await time('dropout', () => [L.dense({ units: 512, activation: 'relu', inputShape: [784] }), L.dropout({ rate: 0.3 }), L.dense({ units: 256, activation: 'relu' }), L.dropout({ rate: 0.3 }), L.dense({ units: 10, activation: 'softmax' })]);
await time('mlp', () => [L.dense({ units: 512, activation: 'relu', inputShape: [784] }), L.dense({ units: 256, activation: 'relu' }), L.dense({ units: 10, activation: 'softmax' })]);
