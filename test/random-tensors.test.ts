// nn.random.normal, uniform and int: seeded, reproducible, with the moments and ranges they promise.

import { beforeAll, describe, expect, it } from 'vitest';
import * as nn from '../src/index.js';

beforeAll(async () => {
  await nn.setBackend('wasm');
});

/** Mean and (population) standard deviation of the values, and the values, freeing the tensor. */
function stats(t: nn.Tensor): { mean: number; std: number; values: Float32Array } {
  const values = t.data.slice();
  t.dispose();
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
  return { mean, std, values };
}

describe('nn.random', () => {
  it('normal: shape, and mean and stddev within 4 standard errors (n = 40,000)', () => {
    const { mean, std, values } = stats(nn.random.normal([200, 200], { mean: 3, stddev: 2, seed: 1 }));
    expect(values.length).toBe(40_000);
    // The standard error of the mean is σ/√n = 0.01; of the std about σ/√(2n) ≈ 0.007.
    expect(Math.abs(mean - 3)).toBeLessThan(0.04);
    expect(Math.abs(std - 2)).toBeLessThan(0.03);
  });

  it('uniform: values in [min, max), spread evenly over ten bins', () => {
    const { values, mean } = stats(nn.random.uniform([20_000], { min: -1, max: 3, seed: 2 }));
    const bins = new Array(10).fill(0);
    expect(values.every((v) => v >= -1 && v < 3)).toBe(true);
    for (const v of values) bins[Math.floor(((v + 1) / 4) * 10)]++;
    // Each bin expects 2000 with a standard deviation of √(2000·0.9) ≈ 42.
    for (const count of bins) expect(Math.abs(count - 2000)).toBeLessThan(200);
    expect(Math.abs(mean - 1)).toBeLessThan(0.04);
    // Default [0, 1): a value that float32 would round up to 1 is drawn again.
    const unit = stats(nn.random.uniform([10_000], { seed: 3 })).values;
    expect(Math.max(...unit)).toBeLessThan(1);
    expect(Math.min(...unit)).toBeGreaterThanOrEqual(0);
  });

  it('int: integers in [min, max), every one of them drawn', () => {
    const { values } = stats(nn.random.int([5000], { min: -2, max: 8, seed: 4 }));
    const counts = new Map<number, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2, 3, 4, 5, 6, 7]);
    for (const c of counts.values()) expect(Math.abs(c - 500)).toBeLessThan(100);
    expect(stats(nn.random.int([3], { max: 1, seed: 5 })).values).toEqual(new Float32Array([0, 0, 0]));
  });

  it('the same seed gives the same tensor, another seed another', () => {
    for (const draw of [
      (seed: number) => nn.random.normal([50], { seed }),
      (seed: number) => nn.random.uniform([50], { seed }),
      (seed: number) => nn.random.int([50], { max: 1000, seed }),
    ]) {
      const a = stats(draw(9)).values, b = stats(draw(9)).values, c = stats(draw(10)).values;
      expect(b).toEqual(a);
      expect(c).not.toEqual(a);
    }
  });

  it('without a seed, draws follow setSeed: the same script repeats, and setSeed changes it', () => {
    const run = (): Float32Array[] => [stats(nn.random.normal([20])).values, stats(nn.random.int([20], { max: 5 })).values];
    nn.setSeed(123);
    const first = run();
    nn.setSeed(123);
    expect(run()).toEqual(first);
    nn.setSeed(124);
    expect(run()[0]).not.toEqual(first[0]);
    // Successive unseeded draws differ from each other.
    expect(first[0]).not.toEqual(stats(nn.random.normal([20])).values);
  });

  it('bad shapes and options are typed errors naming the function and the value', () => {
    expect(() => nn.random.normal([2, -1])).toThrow(nn.ShapeError);
    expect(() => nn.random.normal([2, -1])).toThrow(/random\.normal: shape \[2, -1\]/);
    expect(() => nn.random.normal([2], { stddev: -1 })).toThrow(/random\.normal: stddev must be ≥ 0, got -1/);
    expect(() => nn.random.normal([2], { stdev: 1 } as never)).toThrow(/unknown option 'stdev'; did you mean 'stddev'/);
    expect(() => nn.random.normal([2], { seed: 1.5 })).toThrow(/seed must be an integer/);
    expect(() => nn.random.uniform([2], { min: 1, max: 1 })).toThrow(/random\.uniform: expected min < max/);
    expect(() => nn.random.uniform([2], { maxval: 3 } as never)).toThrow(nn.ConfigError);
    expect(() => nn.random.int([2], {} as never)).toThrow(/random\.int: max is required/);
    expect(() => nn.random.int([2], { max: 0 })).toThrow(/random\.int: max must be an integer in \[1, 16777216\], got 0/);
    expect(() => nn.random.int([2], { max: 2.5 })).toThrow(nn.ConfigError);
    expect(() => nn.random.int([2], { max: 2 ** 25 })).toThrow(nn.ValueError);
  });
});
