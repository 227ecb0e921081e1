// A TypeScript program against the declarations that ship in the package: strict, and with
// skipLibCheck off, so the .d.ts files themselves are checked too. The `@ts-expect-error`
// lines fail the compile if the types were loose enough (`any`) to accept them.
import * as nn from 'wasmnn';

/** Two classes on two rings (radius 0.3 and 0.9), from a formula: no randomness needed. */
function rings(n: number): { x: number[][]; y: number[] } {
  const x: number[][] = [], y: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % 2, angle = (i * 2.399) % (2 * Math.PI), radius = label === 0 ? 0.3 : 0.9;
    x.push([radius * Math.cos(angle), radius * Math.sin(angle)]);
    y.push(label);
  }
  return { x, y };
}

await nn.ready();
const { x, y } = rings(200);
const model: nn.Sequential = nn.sequential([
  nn.layers.dense({ units: 16, activation: 'relu', inputShape: [2] }),
  nn.layers.dense({ units: 2, activation: 'softmax' }),
], { seed: 3 });
model.compile({ optimizer: nn.optimizers.adam({ learningRate: 0.05 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
const history: nn.History = await model.fit(x, y, { epochs: 30, batchSize: 20, verbose: 0 });
const losses: number[] = history.history.loss;
const accuracy: number = model.evaluate(x, y).accuracy;
const backend: nn.BackendName = nn.getBackend();
console.log(JSON.stringify({ backend, accuracy, firstLoss: losses[0], lastLoss: losses[losses.length - 1] }));

/** Never called: each line must be a type error. */
export function misuses(): void {
  // @ts-expect-error: units is a number
  nn.layers.dense({ units: '16' });
  // @ts-expect-error: verbose is 0, 1 or 2
  void model.fit(x, y, { verbose: 3 });
  // @ts-expect-error: there is no such backend
  void nn.setBackend('webgpu');
  // @ts-expect-error: ready() takes no arguments
  void nn.ready('wasm');
  // @ts-expect-error: evaluate needs the targets too
  model.evaluate(x);
  const error: nn.WasmnnError = new nn.BackendError('the errors are exported as classes');
  void error;
}
