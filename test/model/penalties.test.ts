import { describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';

/** Fraction of first-layer kernel weights with |w| < 1e-3 after training with `regularizer`. */
async function nearZeroFraction(regularizer: () => nn.layers.Regularizer): Promise<number> {
  await nn.setBackend('wasm', { relaxed: false });
  const { train } = await nn.data.loadMnist({ trainSize: 2000, testSize: 0, seed: 3 });
  const model = nn.sequential([
    nn.layers.dense({ units: 32, activation: 'relu', inputShape: [784], kernelRegularizer: regularizer() }),
    nn.layers.dense({ units: 10, activation: 'softmax' }),
  ], { seed: 5 });
  model.compile({ optimizer: nn.optimizers.sgd({ learningRate: 0.05 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const history = await model.fit(train.x, train.y, { epochs: 6, batchSize: 32, verbose: 0 });
  expect(history.history.regularization_loss).toHaveLength(6);
  const w = model.weights()[0].value.data;
  let small = 0;
  for (const v of w) if (Math.abs(v) < 1e-3) small++;
  model.dispose();
  return small / w.length;
}

describe('L1 drives weights to zero, L2 only shrinks them', () => {
  it('L1 leaves a large fraction of first-layer weights near zero, L2 does not', async () => {
    const l1 = await nearZeroFraction(() => nn.regularizers.l1(1e-3));
    const l2 = await nearZeroFraction(() => nn.regularizers.l2(1e-3));
    const none = await nearZeroFraction(() => nn.regularizers.l2(0));
    const message = `fraction of |w| < 1e-3: L1 ${(100 * l1).toFixed(1)}%, L2 ${(100 * l2).toFixed(1)}%, none ${(100 * none).toFixed(1)}%`;
    console.log(message);
    // measured (seeded): L1 17.6%, L2 1.1%, no penalty 1.1%
    expect(l1, message).toBeGreaterThan(0.1);
    expect(l2, message).toBeLessThan(0.05);
    expect(l1, message).toBeGreaterThan(5 * l2);
  });

  it('the reported loss includes the penalty, and History records it alone', async () => {
    await nn.setBackend('wasm');
    const model = nn.sequential([nn.layers.dense({ units: 2, inputShape: [2], kernelRegularizer: nn.regularizers.l2(0.5) })], { seed: 1 });
    model.compile({ optimizer: nn.optimizers.sgd({ learningRate: 1e-30 }), loss: 'mse' });
    model.setWeights([new Float32Array([1, 2, 3, 4]), new Float32Array([0, 0])]);
    const h = await model.fit([[0, 0]], [[0, 0]], { epochs: 1, verbose: 0 });
    // data loss 0 (zero input, zero bias, zero target); penalty 0.5·(1+4+9+16) = 15
    expect(h.history.regularization_loss[0]).toBeCloseTo(15, 5);
    expect(h.history.loss[0]).toBeCloseTo(15, 5);
    expect(model.evaluate([[0, 0]], [[0, 0]]).loss).toBeCloseTo(15, 5);
  });
});
