/**
 * Behaviour pin: a seeded run of the regularized model (dense + L2, batch norm, dropout, Adam,
 * shuffling, a validation split and a short last batch) must give the same final weights, bit
 * for bit, on every backend, as it did when this test was written. A refactor that changes
 * any arithmetic, any random stream or the order of any floating-point sum fails here.
 *
 * The relaxed-SIMD build is left out: whether relaxed_madd fuses depends on the CPU, so its
 * bits may differ between machines (that is what `relaxed: false` is for).
 *
 * The digests were recorded before the model code was split into step / epoch loop / model.
 * Regenerate them only for a change that is meant to alter the numbers, and say why.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { Random } from '../../src/random.js';
import { useBackend } from '../helpers/backends.js';

const GOLDEN: Record<string, { weights: string; loss: number[] }> = {
  reference: {
    weights: 'fe7120e67469010a74628b03fb4b86ca9935944fb2c71c740ccab1cd9693fcc0',
    loss: [2.9448225766532907, 2.61936332040092, 2.4520175819468357, 2.5256338818351844],
  },
  'wasm-plain': {
    weights: 'c3b2154fb0f740de68d224eaf3fc90e164d359cadf1abc962d71e6a949f78de1',
    loss: [2.9448227440137855, 2.619362138393273, 2.4520157156374984, 2.5256320158112726],
  },
};

function data(): { x: number[][]; y: number[] } {
  const random = new Random(123);
  const x: number[][] = [], y: number[] = [];
  for (let i = 0; i < 203; i++) {
    const row = Array.from({ length: 20 }, () => random.normal(0, 1));
    x.push(row);
    y.push(Math.abs(Math.floor(row[0] * 3 + row[1] * 2)) % 10);
  }
  return { x, y };
}

async function run(): Promise<{ weights: string; loss: number[] }> {
  const { x, y } = data();
  const r = nn.regularizers;
  const model = nn.sequential([
    nn.layers.dense({ units: 32, activation: 'relu', inputShape: [20], kernelRegularizer: r.l2(1e-3) }),
    nn.layers.batchNormalization(),
    nn.layers.dropout({ rate: 0.3 }),
    nn.layers.dense({ units: 16, activation: 'relu', kernelRegularizer: r.l2(1e-3) }),
    nn.layers.batchNormalization(),
    nn.layers.dropout({ rate: 0.3 }),
    nn.layers.dense({ units: 10, activation: 'softmax' }),
  ], { seed: 2024 });
  model.compile({ optimizer: nn.optimizers.adam({ learningRate: 3e-3 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const history = await model.fit(x, y, { epochs: 4, batchSize: 16, validationSplit: 0.2, verbose: 0 });
  const hash = createHash('sha256');
  for (const t of model.getWeights()) {
    hash.update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    t.dispose();
  }
  model.dispose();
  return { weights: hash.digest('hex'), loss: history.history.loss as number[] };
}

describe('a seeded regularized run gives the recorded weights, bit for bit', () => {
  const cases: [string, () => Promise<void>][] = [
    ['reference', () => useBackend('reference')],
    ['wasm-plain', () => useBackend('wasm', false)],
  ];
  for (const [name, select] of cases) {
    it(name, async () => {
      await select();
      const result = await run();
      if (process.env.WASMNN_PRINT_GOLDEN) console.log(name, JSON.stringify(result));
      expect(result.weights).toBe(GOLDEN[name].weights);
      expect(result.loss).toEqual(GOLDEN[name].loss);
    });
  }
});
