/**
 * Weight initializers, as Keras defines them. All draw from a seeded `Random`, so the same
 * seed gives the same weights (docs/DESIGN.md, "Randomness").
 *
 * The variance-scaling family keeps the variance of activations (or of gradients) about
 * the same from layer to layer. With fanIn and fanOut from `computeFans`:
 *
 * | name          | distribution                   | scale                               |
 * |---------------|--------------------------------|-------------------------------------|
 * | glorotUniform | uniform(-limit, limit)         | limit  = sqrt(6 / (fanIn + fanOut)) |
 * | glorotNormal  | truncated normal               | stddev = sqrt(2 / (fanIn + fanOut)) |
 * | heUniform     | uniform(-limit, limit)         | limit  = sqrt(6 / fanIn)            |
 * | heNormal      | truncated normal               | stddev = sqrt(2 / fanIn)            |
 * | lecunUniform  | uniform(-limit, limit)         | limit  = sqrt(3 / fanIn)            |
 * | lecunNormal   | truncated normal               | stddev = sqrt(1 / fanIn)            |
 *
 * A uniform(-limit, limit) has variance limit²/3, so each uniform row has the same target
 * variance as the normal row below it (2/(fanIn+fanOut), 2/fanIn, 1/fanIn).
 *
 * Truncated normal: draws beyond two standard deviations are redrawn (Keras and TF.js).
 * Cutting the tails shrinks the standard deviation by the factor 0.87962566103423978 (the
 * stddev of a standard normal truncated to [-2, 2]), so Keras draws with
 * stddev / 0.87962566103423978 and the result has the target stddev. TensorFlow.js does not
 * divide, so its normal variants come out 12% narrower than Keras's; we follow Keras.
 */

import type { Random } from './random.js';
import { sizeOf } from './tensor.js';
import { ConfigError, ShapeError, formatShape } from './errors.js';

/** Draws the initial values of a weight of `shape` (row-major) from `random`. */
export type Initializer = ((shape: number[], random: Random) => Float32Array) & {
  /** Serialized class name, as TensorFlow.js registers it: 'GlorotUniform', 'Zeros', ... */
  readonly className: string;
  /** Keras config: `{ seed: null }` for the random ones (they draw from the model seed), `{}` for constants. */
  getConfig(): Record<string, unknown>;
};

/** Stddev of a standard normal truncated to [-2, 2]; dividing by it restores the stddev. */
export const TRUNCATED_NORMAL_STDDEV = 0.87962566103423978;

/**
 * fanIn and fanOut as Keras computes them: a 2-D kernel [in, out] has fanIn = in and
 * fanOut = out; a convolution kernel [...receptive field, in, out] multiplies both by the
 * receptive-field size; a vector [n] has fanIn = fanOut = n; a scalar has 1 and 1.
 */
export function computeFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  let receptiveField = 1;
  for (const d of shape.slice(0, -2)) receptiveField *= d;
  return { fanIn: shape[shape.length - 2] * receptiveField, fanOut: shape[shape.length - 1] * receptiveField };
}

type FanMode = 'fanIn' | 'fanAvg';

/**
 * Variance scaling: target variance = scale / n, n = fanIn or (fanIn + fanOut)/2 (at least
 * 1, as Keras); uniform with limit sqrt(3·variance), or truncated normal with stddev
 * sqrt(variance)/0.8796…
 */
function varianceScaling(className: string, scale: number, mode: FanMode, distribution: 'uniform' | 'truncatedNormal'): Initializer {
  const init = (shape: number[], random: Random): Float32Array => {
    const { fanIn, fanOut } = computeFans(checkShape(shape, className));
    const variance = scale / Math.max(1, mode === 'fanIn' ? fanIn : (fanIn + fanOut) / 2);
    const out = new Float32Array(sizeOf(shape));
    if (distribution === 'uniform') {
      const limit = Math.sqrt(3 * variance);
      for (let i = 0; i < out.length; i++) out[i] = random.uniform(-limit, limit);
    } else {
      const stddev = Math.sqrt(variance) / TRUNCATED_NORMAL_STDDEV;
      for (let i = 0; i < out.length; i++) out[i] = random.truncatedNormal(0, stddev);
    }
    return out;
  };
  return Object.assign(init, { className, getConfig: () => ({ seed: null }) });
}

function constant(className: string, value: number): Initializer {
  const init = (shape: number[], _random: Random): Float32Array =>
    new Float32Array(sizeOf(checkShape(shape, className))).fill(value);
  return Object.assign(init, { className, getConfig: () => ({}) });
}

/** Uniform in ±sqrt(6/(fanIn+fanOut)) (Glorot & Bengio 2010); Keras's Dense default. */
export const glorotUniform: Initializer = varianceScaling('GlorotUniform', 1, 'fanAvg', 'uniform');
/** Truncated normal, stddev sqrt(2/(fanIn+fanOut)). */
export const glorotNormal: Initializer = varianceScaling('GlorotNormal', 1, 'fanAvg', 'truncatedNormal');
/** Uniform in ±sqrt(6/fanIn) (He et al. 2015), for ReLU layers. */
export const heUniform: Initializer = varianceScaling('HeUniform', 2, 'fanIn', 'uniform');
/** Truncated normal, stddev sqrt(2/fanIn), for ReLU layers. */
export const heNormal: Initializer = varianceScaling('HeNormal', 2, 'fanIn', 'truncatedNormal');
/** Uniform in ±sqrt(3/fanIn) (LeCun 1998), for SELU/tanh layers. */
export const lecunUniform: Initializer = varianceScaling('LeCunUniform', 1, 'fanIn', 'uniform');
/** Truncated normal, stddev sqrt(1/fanIn). */
export const lecunNormal: Initializer = varianceScaling('LeCunNormal', 1, 'fanIn', 'truncatedNormal');
/** All zeros (Keras's bias default). */
export const zeros: Initializer = constant('Zeros', 0);
/** All ones (batch-norm gamma and moving variance). */
export const ones: Initializer = constant('Ones', 1);

const INITIALIZERS = { glorotUniform, glorotNormal, heUniform, heNormal, lecunUniform, lecunNormal, zeros, ones };

/** camelCase names of the built-in initializers. */
export type InitializerName = keyof typeof INITIALIZERS;

/**
 * Every accepted spelling → initializer: camelCase ('glorotUniform'), Keras snake_case
 * ('glorot_uniform'), TF.js's 'leCunNormal', and the class names ('GlorotUniform',
 * Keras 3's 'LecunNormal') that saved models carry.
 */
const BY_NAME = new Map<string, Initializer>();
for (const [name, init] of Object.entries(INITIALIZERS)) {
  BY_NAME.set(name, init);
  BY_NAME.set(name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), init); // glorot_uniform
  BY_NAME.set(init.className, init);
}
BY_NAME.set('leCunUniform', lecunUniform).set('leCunNormal', lecunNormal);
BY_NAME.set('LecunUniform', lecunUniform).set('LecunNormal', lecunNormal);

/** An initializer from a name (camelCase or snake_case, or a class name) or a function. */
export function getInitializer(nameOrInitializer: InitializerName | Initializer | string): Initializer {
  if (typeof nameOrInitializer === 'function') return nameOrInitializer;
  const init = typeof nameOrInitializer === 'string' ? BY_NAME.get(nameOrInitializer) : undefined;
  if (init === undefined) {
    const valid = Object.keys(INITIALIZERS).flatMap((n) => [n, n.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)]);
    throw new ConfigError(`getInitializer: unknown initializer ${JSON.stringify(nameOrInitializer)}; expected one of ${valid.join(', ')}`);
  }
  return init;
}

function checkShape(shape: number[], className: string): number[] {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ShapeError(`${className}: shape must be an array of non-negative integers, got ${Array.isArray(shape) ? formatShape(shape) : String(shape)}`);
  }
  return shape;
}
