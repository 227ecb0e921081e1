import { describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { ConfigError, ValueError } from '../../src/errors.js';

const { noise, blobs, spirals } = nn.data.synthetic;

function counts(y: Float32Array, classes: number): number[] {
  const out = new Array(classes).fill(0);
  for (const label of y) out[label]++;
  return out;
}

/** Fraction of points whose nearest class center is their own class's. */
function nearestCenterAccuracy({ x, y, n, numClasses }: nn.data.Dataset): number {
  let right = 0;
  for (let i = 0; i < n; i++) {
    let best = -1, bestDistance = Infinity;
    for (let c = 0; c < numClasses; c++) {
      const angle = (2 * Math.PI * c) / numClasses;
      const distance = (x[2 * i] - Math.cos(angle)) ** 2 + (x[2 * i + 1] - Math.sin(angle)) ** 2;
      if (distance < bestDistance) [best, bestDistance] = [c, distance];
    }
    if (best === y[i]) right++;
  }
  return right / n;
}

describe('synthetic.noise: normal inputs, uniform random labels', () => {
  it('has the shapes asked for, N(0, 1) inputs and labels spread over every class', () => {
    const data = noise({ n: 2000, seed: 3 });
    expect(data.sampleShape).toEqual([20]); // the defaults: 20 features, 10 classes
    expect(data.numClasses).toBe(10);
    expect([data.n, data.x.length, data.y.length]).toEqual([2000, 40000, 2000]);
    const mean = data.x.reduce((a, v) => a + v, 0) / data.x.length;
    const variance = data.x.reduce((a, v) => a + (v - mean) ** 2, 0) / data.x.length;
    // 40,000 draws: the mean's sd is 0.005 and the variance's about 0.007.
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    for (const label of data.y) expect(Number.isInteger(label) && label >= 0 && label < 10).toBe(true);
    // 2000 uniform labels over 10 classes: 200 each, sd ≈ 13.4.
    for (const count of counts(data.y, 10)) expect(Math.abs(count - 200)).toBeLessThan(60);
  });

  it('is seeded: the same seed gives the same bits, another seed other data', () => {
    const a = noise({ n: 50, features: 3, classes: 4, seed: 9 });
    expect(noise({ n: 50, features: 3, classes: 4, seed: 9 })).toEqual(a);
    expect(noise({ n: 50, features: 3, classes: 4, seed: 10 }).x).not.toEqual(a.x);
    expect(a.sampleShape).toEqual([3]);
    expect(Math.max(...a.y)).toBeLessThan(4);
  });
});

describe('synthetic.blobs: Gaussians around points on the unit circle', () => {
  it('without noise, every point sits on its class center (cos 2πc/k, sin 2πc/k); classes go round', () => {
    const { x, y, sampleShape, numClasses } = blobs({ n: 10, classes: 3, noise: 0 });
    expect(sampleShape).toEqual([2]);
    expect(numClasses).toBe(3);
    expect(Array.from(y)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2, 0]);
    for (let i = 0; i < 10; i++) {
      const angle = (2 * Math.PI * y[i]) / 3;
      expect([x[2 * i], x[2 * i + 1]]).toEqual([Math.fround(Math.cos(angle)), Math.fround(Math.sin(angle))]);
    }
  });

  it('with low noise the classes are (nearly) separable, with high noise they are not', () => {
    const low = blobs({ n: 3000, classes: 5, noise: 0.1, seed: 1 });
    expect(counts(low.y, 5)).toEqual([600, 600, 600, 600, 600]);
    // Neighbouring centers are 2·sin(π/5) = 1.18 apart, 5.9 standard deviations at noise 0.1.
    expect(nearestCenterAccuracy(low)).toBeGreaterThanOrEqual(0.995);
    // The spread around class 0's center (1, 0) is the noise level.
    let sx = 0, sxx = 0, m = 0;
    for (let i = 0; i < low.n; i++) if (low.y[i] === 0) { sx += low.x[2 * i]; sxx += low.x[2 * i] ** 2; m++; }
    expect(sx / m).toBeCloseTo(1, 1);
    expect(Math.sqrt(sxx / m - (sx / m) ** 2)).toBeCloseTo(0.1, 2);
    expect(nearestCenterAccuracy(blobs({ n: 3000, classes: 5, noise: 1, seed: 1 }))).toBeLessThan(0.7);
  });

  it('is seeded, and fit accepts it as it is', async () => {
    const data = blobs({ n: 300, seed: 4 });
    expect(blobs({ n: 300, seed: 4 })).toEqual(data);
    expect(blobs({ n: 300, seed: 5 }).x).not.toEqual(data.x);
    await nn.setBackend('reference');
    const model = nn.sequential([nn.layers.dense({ units: 3, activation: 'softmax', inputShape: [2] })], { seed: 1 });
    model.compile({ optimizer: nn.optimizers.adam({ learningRate: 0.05 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    await model.fit(data.x, data.y, { epochs: 10, batchSize: 32, verbose: 0 });
    // Three blobs around the unit circle are linearly separable: softmax regression gets them.
    expect(model.evaluate(data.x, data.y).accuracy).toBeGreaterThanOrEqual(0.98);
    model.dispose();
  });
});

describe('synthetic.spirals: interleaved arms', () => {
  it('without noise, point (r cos θ, r sin θ) has θ = 2πc/k + 3π·r with r in [0, 1)', () => {
    const { x, y, n } = spirals({ n: 600, classes: 3, noise: 0, seed: 2 });
    expect(counts(y, 3)).toEqual([200, 200, 200]);
    let radiusSum = 0;
    for (let i = 0; i < n; i++) {
      const r = Math.hypot(x[2 * i], x[2 * i + 1]);
      radiusSum += r;
      expect(r).toBeLessThan(1);
      if (r < 1e-3) continue; // the angle of a point this close to 0 is lost to float32 rounding
      const expected = (2 * Math.PI * y[i]) / 3 + 3 * Math.PI * r;
      const off = Math.atan2(x[2 * i + 1], x[2 * i]) - expected;
      const wrapped = off - 2 * Math.PI * Math.round(off / (2 * Math.PI));
      expect(Math.abs(wrapped)).toBeLessThan(1e-3);
    }
    // r = t ~ Uniform[0, 1): mean 1/2, sd of the mean of 600 draws ≈ 0.012.
    expect(radiusSum / n).toBeCloseTo(0.5, 1);
  });

  it('is seeded, two-dimensional, and adds noise of the level asked for', () => {
    const clean = spirals({ n: 400, seed: 6, noise: 0 });
    const noisy = spirals({ n: 400, seed: 6, noise: 0.2 });
    expect(spirals({ n: 400, seed: 6, noise: 0.2 })).toEqual(noisy);
    expect(noisy.sampleShape).toEqual([2]);
    expect(noisy.numClasses).toBe(3);
    // Same seed: the same t draws, so noisy - clean is the noise alone, sd 0.2 per coordinate.
    let sum = 0;
    for (let i = 0; i < clean.x.length; i++) sum += (noisy.x[i] - clean.x[i]) ** 2;
    expect(Math.sqrt(sum / clean.x.length)).toBeCloseTo(0.2, 1);
  });
});

describe('synthetic: bad options are ValueErrors naming the option', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => noise({ n: 0 }), /^noise: n must be a positive integer, got 0$/],
    [() => noise({} as { n: number }), /^noise: n must be a positive integer, got undefined$/],
    [() => noise({ n: 5, features: 2.5 }), /^noise: features must be a positive integer, got 2\.5$/],
    [() => noise({ n: 5, classes: 1 }), /^noise: classes must be an integer ≥ 2, got 1$/],
    [() => noise({ n: 5, seed: Number.NaN }), /^noise: seed must be an integer, got NaN$/],
    [() => blobs({ n: 5, noise: -0.1 }), /^blobs: noise must be ≥ 0, got -0\.1$/],
    [() => blobs({ n: 5, noise: Infinity }), /^blobs: noise must be a finite number, got Infinity$/],
    [() => spirals({ n: -3 }), /^spirals: n must be a positive integer, got -3$/],
  ];
  for (const [call, message] of cases) {
    it(String(message), () => {
      expect(call).toThrow(ValueError);
      expect(call).toThrow(message);
    });
  }
  it('a string where a number belongs is a ConfigError, not coerced', () => {
    const call = () => spirals({ n: 5, classes: '3' as unknown as number });
    expect(call).toThrow(ConfigError);
    expect(call).toThrow(/^spirals: classes must be a number, got the string "3"$/);
  });
});
