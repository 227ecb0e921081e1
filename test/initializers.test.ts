// Initializers: seeded statistics (bounds, variance within a stated bound of the target),
// determinism, Keras's fans and the truncated-normal correction factor, name lookup.
import { describe, expect, it } from 'vitest';
import {
  TRUNCATED_NORMAL_STDDEV, computeFans, getInitializer, glorotNormal, glorotUniform, heNormal, heUniform,
  lecunNormal, lecunUniform, ones, zeros, type Initializer,
} from '../src/initializers.js';
import { Random } from '../src/random.js';
import { ConfigError, ShapeError } from '../src/errors.js';

function stats(values: Float32Array): { mean: number; variance: number; maxAbs: number } {
  let sum = 0, maxAbs = 0;
  for (const v of values) {
    sum += v;
    maxAbs = Math.max(maxAbs, Math.abs(v));
  }
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return { mean, variance: squares / (values.length - 1), maxAbs };
}

// A [300, 200] kernel: fanIn 300, fanOut 200, 60,000 draws.
const SHAPE = [300, 200];
const FAN_IN = 300, FAN_AVG_DENOMINATOR = 500;

describe('initializer statistics (seeded)', () => {
  // 60,000 draws: the sample variance's relative standard error is sqrt((kurtosis-1)/n),
  // 0.4% for a uniform and under 0.5% for the truncated normal, so ±3% is over 6 errors.
  const VARIANCE_TOLERANCE = 0.03;

  const uniformCases: [string, Initializer, number][] = [
    ['glorotUniform', glorotUniform, Math.sqrt(6 / FAN_AVG_DENOMINATOR)],
    ['heUniform', heUniform, Math.sqrt(6 / FAN_IN)],
    ['lecunUniform', lecunUniform, Math.sqrt(3 / FAN_IN)],
  ];
  it.each(uniformCases)('%s stays within ±limit and has variance limit²/3', (_name, init, limit) => {
    const values = init(SHAPE, new Random(7));
    expect(values.length).toBe(60_000);
    const { mean, variance, maxAbs } = stats(values);
    expect(maxAbs).toBeLessThanOrEqual(Math.fround(limit));
    expect(maxAbs).toBeGreaterThan(0.999 * limit); // fills the whole interval
    expect(Math.abs(variance / (limit * limit / 3) - 1)).toBeLessThan(VARIANCE_TOLERANCE);
    expect(Math.abs(mean)).toBeLessThan(4 * Math.sqrt(variance / values.length));
  });

  const normalCases: [string, Initializer, number][] = [
    ['glorotNormal', glorotNormal, Math.sqrt(2 / FAN_AVG_DENOMINATOR)],
    ['heNormal', heNormal, Math.sqrt(2 / FAN_IN)],
    ['lecunNormal', lecunNormal, Math.sqrt(1 / FAN_IN)],
  ];
  it.each(normalCases)('%s is cut at 2 drawn stddevs and has the target stddev', (_name, init, stddev) => {
    const values = init(SHAPE, new Random(11));
    const { mean, variance, maxAbs } = stats(values);
    const drawn = stddev / 0.87962566103423978;
    expect(maxAbs).toBeLessThanOrEqual(Math.fround(2 * drawn));
    expect(maxAbs).toBeGreaterThan(0.99 * 2 * drawn); // the tails reach the cut
    expect(Math.abs(variance / (stddev * stddev) - 1)).toBeLessThan(VARIANCE_TOLERANCE);
    expect(Math.abs(mean)).toBeLessThan(4 * Math.sqrt(variance / values.length));
  });

  it('same seed, same values; another seed, other values', () => {
    for (const init of [glorotUniform, heNormal]) {
      expect(init([30, 7], new Random(3))).toEqual(init([30, 7], new Random(3)));
      expect(init([30, 7], new Random(3))).not.toEqual(init([30, 7], new Random(4)));
    }
  });

  it('zeros and ones', () => {
    expect([...zeros([2, 3], new Random(1))]).toEqual([0, 0, 0, 0, 0, 0]);
    expect([...ones([4], new Random(1))]).toEqual([1, 1, 1, 1]);
    expect(zeros([0, 5], new Random(1)).length).toBe(0);
  });

  it('rejects a malformed shape', () => {
    expect(() => glorotUniform([2, -1], new Random(1))).toThrow(ShapeError);
    expect(() => zeros([1.5], new Random(1))).toThrow(/Zeros: shape must be an array of non-negative integers, got \[1.5\]/);
  });
});

describe('fans and the truncation factor', () => {
  it('computes fans as Keras does', () => {
    expect(computeFans([784, 128])).toEqual({ fanIn: 784, fanOut: 128 });
    expect(computeFans([3, 3, 16, 32])).toEqual({ fanIn: 144, fanOut: 288 }); // receptive field 9
    expect(computeFans([10])).toEqual({ fanIn: 10, fanOut: 10 });
    expect(computeFans([])).toEqual({ fanIn: 1, fanOut: 1 });
  });

  it('0.8796… is the stddev of a standard normal truncated to [-2, 2]', () => {
    // Var = 1 - 2·2·φ(2)/(Φ(2) - Φ(-2)); the mass comes from Simpson's rule on φ.
    const phi = (x: number): number => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
    const steps = 2000, h = 4 / steps;
    let mass = phi(-2) + phi(2);
    for (let i = 1; i < steps; i++) mass += (i % 2 ? 4 : 2) * phi(-2 + i * h);
    mass *= h / 3;
    const stddev = Math.sqrt(1 - (4 * phi(2)) / mass);
    expect(stddev).toBeCloseTo(TRUNCATED_NORMAL_STDDEV, 10);
  });
});

describe('getInitializer', () => {
  it('accepts camelCase, snake_case and class names, or a function', () => {
    expect(getInitializer('glorotUniform')).toBe(glorotUniform);
    expect(getInitializer('glorot_uniform')).toBe(glorotUniform);
    expect(getInitializer('he_normal')).toBe(heNormal);
    expect(getInitializer('lecun_uniform')).toBe(lecunUniform);
    expect(getInitializer('leCunNormal')).toBe(lecunNormal); // TF.js's spelling
    expect(getInitializer('HeUniform')).toBe(heUniform);
    expect(getInitializer('LecunNormal')).toBe(lecunNormal); // Keras 3's class name
    expect(getInitializer('zeros')).toBe(zeros);
    expect(getInitializer('Ones')).toBe(ones);
    expect(getInitializer(heUniform)).toBe(heUniform);
  });

  it('class names are the ones TensorFlow.js registers', () => {
    expect([glorotUniform, glorotNormal, heUniform, heNormal, lecunUniform, lecunNormal, zeros, ones].map((i) => i.className))
      .toEqual(['GlorotUniform', 'GlorotNormal', 'HeUniform', 'HeNormal', 'LeCunUniform', 'LeCunNormal', 'Zeros', 'Ones']);
  });

  it('unknown names throw a ConfigError listing the valid ones', () => {
    expect(() => getInitializer('orthogonal')).toThrow(ConfigError);
    expect(() => getInitializer('orthogonal')).toThrow(/"orthogonal".*glorotUniform, glorot_uniform,.*he_normal/);
    expect(() => getInitializer('toString')).toThrow(ConfigError);
  });
});
