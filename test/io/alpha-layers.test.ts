/**
 * LeakyReLU and ELU layers (activations with their own α) save in the TensorFlow.js layers
 * format: they load back identically, and TensorFlow.js loads them and predicts the same.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { useBackend } from '../helpers/backends.js';

describe('LeakyReLU and ELU in the TensorFlow.js layers format', () => {
  const x = [[0.5, -1, 2], [-3, 0.1, 0.2], [1, 1, -1]];
  const build = (eluAlpha = 0.5) => nn.sequential([
    nn.layers.dense({ units: 4, inputShape: [3] }),
    nn.layers.leakyReLU({ alpha: 0.1 }),
    nn.layers.elu({ alpha: eluAlpha }),
    nn.layers.dense({ units: 2, activation: 'softmax' }),
  ], { seed: 3 });

  it('round-trips α and predicts bit for bit', async () => {
    await useBackend('wasm', false);
    const model = build();
    const copy = nn.fromArtifacts(model.toArtifacts());
    expect(copy.layers.map((l) => l.className)).toEqual(['Dense', 'LeakyReLU', 'ELU', 'Dense']);
    expect(copy.layers[1].getConfig()).toMatchObject({ alpha: 0.1 });
    expect(copy.layers[2].getConfig()).toMatchObject({ alpha: 0.5 });
    expect(Array.from(copy.predict(x).data)).toEqual(Array.from(model.predict(x).data));
    model.dispose();
    copy.dispose();
  });

  it('loads in TensorFlow.js, which predicts the same within 1e-5', async () => {
    await useBackend('wasm', false);
    await tf.setBackend('cpu');
    const model = build(1); // TensorFlow.js's ELU layer takes only α = 1
    const theirs = await tf.loadLayersModel(tf.io.fromMemory(model.toArtifacts() as never));
    const predicted = theirs.predict(tf.tensor(x)) as tf.Tensor;
    const expected = Array.from(model.predict(x).data);
    Array.from(await predicted.data()).forEach((v, i) => {
      expect(Math.abs(v - expected[i])).toBeLessThan(1e-5);
    });
    predicted.dispose();
    theirs.dispose();
    model.dispose();
  });
});
