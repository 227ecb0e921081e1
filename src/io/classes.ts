/**
 * fromConfig of every regularizer, initializer and optimizer, registered by class name.
 * Each reads exactly the options `getConfig` writes (plus the ones Keras and TensorFlow.js
 * write for the same thing), so `getConfig → fromConfig → getConfig` gives the same JSON.
 *
 * Class names are Keras's. Where TensorFlow.js differs, files are written so both read them:
 * - Regularizers: Keras has L1, L2 and L1L2; TensorFlow.js registers only L1L2, so every
 *   penalty is written as L1L2 with the absent factor 0 (the same penalty, computed by the
 *   same kernel).
 * - Initializers: GlorotUniform, GlorotNormal, HeUniform, HeNormal, Zeros and Ones are spelled
 *   alike in both. The LeCun ones are not (Keras LecunNormal, TensorFlow.js LeCunNormal), so
 *   they are written as the VarianceScaling both understand; TensorFlow.js itself writes every
 *   variance-scaling initializer that way, and those read back as the named one.
 * - Optimizers: TensorFlow.js names its RMSprop 'RMSProp' (rho as 'decay') and SGD with
 *   momentum 'Momentum' ('useNesterov'); both are read.
 */

import { L1, L1L2, L2, type Regularizer } from '../regularizers.js';
import { glorotNormal, glorotUniform, heNormal, heUniform, lecunNormal, lecunUniform, ones, zeros, type Initializer } from '../initializers.js';
import { Adam, AdamW, RMSprop, SGD, type Optimizer } from '../optimizers/index.js';
import { ConfigError } from '../errors.js';
import { ClassRegistry, type Serialized } from './registry.js';
import type { ConfigReader, FixedOption } from './config-reader.js';

export const regularizerClasses = new ClassRegistry<Regularizer>('regularizer');
export const initializerClasses = new ClassRegistry<Initializer>('initializer');
export const optimizerClasses = new ClassRegistry<Optimizer>('optimizer');

// ---- regularizers ------------------------------------------------------------------------

/** L1 {l1} or L2 {l2} as the L1L2 {l1, l2} that Keras and TensorFlow.js both read. */
function asL1L2({ config }: Serialized): Serialized {
  return { className: 'L1L2', config: { l1: config.l1 ?? 0, l2: config.l2 ?? 0 } };
}

// Defaults as Keras's classes: L1 and L2 0.01, L1L2 0 for an absent factor.
regularizerClasses.register('L1', (r) => {
  const l1 = r.number('l1', 0.01);
  r.done();
  return new L1(l1);
}, { toKeras: asL1L2 });
regularizerClasses.register('L2', (r) => {
  const l2 = r.number('l2', 0.01);
  r.done();
  return new L2(l2);
}, { toKeras: asL1L2 });
regularizerClasses.register('L1L2', (r) => {
  const l1 = r.number('l1', 0), l2 = r.number('l2', 0);
  r.done();
  return new L1L2(l1, l2);
});

// ---- initializers ------------------------------------------------------------------------

/** Random initializers take no seed of their own: they draw from the model seed. */
function readNoSeed(r: ConfigReader): void {
  if (r.integerOrNull('seed') !== null) {
    throw new ConfigError(`${r.where}: a seeded initializer is not supported; wasmnn initializes every layer from the model seed`);
  }
}

/** The variance-scaling form of each named initializer: scale, mode, distribution. */
const VARIANCE_SCALING = new Map<Initializer, { scale: number; mode: string; distribution: string }>([
  [glorotUniform, { scale: 1, mode: 'fan_avg', distribution: 'uniform' }],
  [glorotNormal, { scale: 1, mode: 'fan_avg', distribution: 'truncated_normal' }],
  [heUniform, { scale: 2, mode: 'fan_in', distribution: 'uniform' }],
  [heNormal, { scale: 2, mode: 'fan_in', distribution: 'truncated_normal' }],
  [lecunUniform, { scale: 1, mode: 'fan_in', distribution: 'uniform' }],
  [lecunNormal, { scale: 1, mode: 'fan_in', distribution: 'truncated_normal' }],
]);

for (const [init, form] of VARIANCE_SCALING) {
  const read = (r: ConfigReader): Initializer => {
    readNoSeed(r);
    r.done();
    return init;
  };
  const isLeCun = init === lecunNormal || init === lecunUniform;
  const asVarianceScaling = (): Serialized => ({ className: 'VarianceScaling', config: { ...form, seed: null } });
  initializerClasses.register(init.className, read, isLeCun ? { toKeras: asVarianceScaling } : {});
  if (isLeCun) initializerClasses.register(init.className.replace('LeCun', 'Lecun'), read); // Keras's spelling
}
for (const init of [zeros, ones]) {
  initializerClasses.register(init.className, (r) => {
    r.done();
    return init;
  });
}

// Keras spells modes fan_in/fan_avg, TensorFlow.js in memory fanIn/fanAvg. 'normal' is
// TensorFlow.js's (and old Keras's) name for the truncated normal.
const MODES: Record<string, string> = { fan_in: 'fan_in', fanIn: 'fan_in', fan_avg: 'fan_avg', fanAvg: 'fan_avg' };
const DISTRIBUTIONS: Record<string, string> = { uniform: 'uniform', truncated_normal: 'truncated_normal', truncatedNormal: 'truncated_normal', normal: 'truncated_normal' };

initializerClasses.register('VarianceScaling', (r) => {
  const scale = r.number('scale', 1), mode = r.string('mode', 'fan_in'), distribution = r.string('distribution', 'truncated_normal');
  readNoSeed(r);
  r.done();
  const wanted = { scale, mode: Object.hasOwn(MODES, mode) ? MODES[mode] : mode, distribution: Object.hasOwn(DISTRIBUTIONS, distribution) ? DISTRIBUTIONS[distribution] : distribution };
  for (const [init, form] of VARIANCE_SCALING) {
    if (form.scale === wanted.scale && form.mode === wanted.mode && form.distribution === wanted.distribution) return init;
  }
  throw new ConfigError(
    `${r.where}: scale ${scale}, mode '${mode}', distribution '${distribution}' is not one of wasmnn's initializers ` +
      '(Glorot: 1, fan_avg; He: 2, fan_in; LeCun: 1, fan_in; each uniform or truncated_normal)',
  );
});

// ---- optimizers --------------------------------------------------------------------------

const isNull = (v: unknown): boolean => v === null;
const isZeroOrNull = (v: unknown): boolean => v === null || v === 0;

/**
 * What Keras 2 and 3 write in every optimizer config for features wasmnn does not have, at
 * the values that turn them off (and the name, which is only a label). Read, never written.
 */
const KERAS_OPTIMIZER_OPTIONS: Record<string, FixedOption> = {
  name: { value: 'optimizer', accepts: (v) => typeof v === 'string', write: false },
  clipnorm: { value: null, write: false },
  clipvalue: { value: null, write: false },
  globalClipnorm: { value: null, write: false },
  useEma: { value: false, write: false },
  emaMomentum: { value: 0.99, accepts: (v) => typeof v === 'number', write: false },
  emaOverwriteFrequency: { value: null, write: false },
  jitCompile: { value: false, accepts: (v) => typeof v === 'boolean', write: false },
  isLegacyOptimizer: { value: false, write: false },
  decay: { value: 0, write: false },
  lossScaleFactor: { value: null, accepts: isNull, write: false },
  gradientAccumulationSteps: { value: null, accepts: isNull, write: false },
};
/** The same, plus Keras's weight_decay = null or 0 for optimizers without decoupled decay. */
const KERAS_NO_DECAY_OPTIONS: Record<string, FixedOption> = { ...KERAS_OPTIMIZER_OPTIONS, weightDecay: { value: null, accepts: isZeroOrNull, write: false } };

optimizerClasses.register('SGD', (r) => {
  const args = { learningRate: r.number('learningRate', 0.01), momentum: r.number('momentum', 0), nesterov: r.boolean('nesterov', false) };
  r.done();
  return new SGD(args);
}, { kerasOptions: KERAS_NO_DECAY_OPTIONS });
optimizerClasses.register('Momentum', (r) => { // TensorFlow.js's SGD with momentum
  const args = { learningRate: r.number('learningRate', 0.01), momentum: r.number('momentum'), nesterov: r.boolean('useNesterov', false) };
  r.done();
  return new SGD(args);
});

optimizerClasses.register('RMSprop', (r) => {
  const args = { learningRate: r.number('learningRate', 1e-3), rho: r.number('rho', 0.9), epsilon: r.number('epsilon', 1e-7) };
  r.done();
  return new RMSprop(args);
}, { kerasOptions: { ...KERAS_NO_DECAY_OPTIONS, momentum: { value: 0, write: false }, centered: { value: false, write: false } } });
optimizerClasses.register('RMSProp', (r) => { // TensorFlow.js's spelling; its decay is rho
  const args = { learningRate: r.number('learningRate', 1e-3), rho: r.number('decay', 0.9), epsilon: r.number('epsilon', 1e-7) };
  r.fixed({ momentum: { value: 0 }, centered: { value: false } });
  r.done();
  return new RMSprop(args);
});

function readAdamArgs(r: ConfigReader) {
  return { learningRate: r.number('learningRate', 1e-3), beta1: r.number('beta1', 0.9), beta2: r.number('beta2', 0.999), epsilon: r.number('epsilon', 1e-7) };
}
const AMSGRAD_OFF: Record<string, FixedOption> = { amsgrad: { value: false, write: false } };

optimizerClasses.register('Adam', (r) => {
  const args = readAdamArgs(r);
  r.done();
  return new Adam(args);
}, { kerasOptions: { ...KERAS_NO_DECAY_OPTIONS, ...AMSGRAD_OFF } });
optimizerClasses.register('AdamW', (r) => {
  const args = { ...readAdamArgs(r), weightDecay: r.number('weightDecay', 0.004) };
  r.done();
  return new AdamW(args);
}, { kerasOptions: { ...KERAS_OPTIMIZER_OPTIONS, ...AMSGRAD_OFF } });
