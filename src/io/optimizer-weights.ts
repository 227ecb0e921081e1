/**
 * The optimizer's state as weights of the group 'optimizer', named and ordered as
 * TensorFlow.js saves them with `includeOptimizer: true`:
 *
 *   iter                          int32 scalar: the steps taken (Adam's t is iter + 1)
 *   <layer>/<weight>/m  .../v     Adam's (and AdamW's) first and second moments
 *   <layer>/<weight>/rms          RMSprop's running mean square
 *   <layer>/<weight>/momentum     SGD's velocity
 *
 * iter first, then the first state buffer of every trainable weight in model order, then the
 * second. One difference hides under a shared name: wasmnn's SGD velocity is Keras's,
 * v ← momentum·v − lr·g, while TensorFlow.js's Momentum optimizer accumulates
 * a ← momentum·a + g and steps by −lr·a, so v = −lr·a. A TensorFlow.js file says which it
 * holds by its optimizer class, 'Momentum', and its state is converted on loading. (Its
 * RMSProp also saves '<weight>/momentum' buffers, which with momentum 0 carry nothing.)
 */

import type { Layer } from '../layers/index.js';
import type { Optimizer } from '../optimizers/index.js';
import { ModelFormatError, formatShape } from '../errors.js';
import type { NamedWeight } from './weights.js';

/** The trainable weights of `layers` under their saved names, in model order. */
function trainableWeights(layers: readonly Layer[]) {
  return layers.flatMap((layer) => layer.weights().filter((w) => w.trainable).map((weight) => ({ weight, name: `${layer.name}/${weight.name}` })));
}

/** The optimizer's state as named weights (see the file comment). */
export function optimizerWeights(layers: readonly Layer[], optimizer: Optimizer): NamedWeight[] {
  const weights = trainableWeights(layers);
  const out: NamedWeight[] = [{ spec: { name: 'iter', shape: [], dtype: 'int32', group: 'optimizer' }, values: Int32Array.of(optimizer.iterations) }];
  optimizer.stateNames.forEach((stateName, s) => {
    for (const { weight, name } of weights) {
      const state = optimizer.getStateValues(weight);
      if (state === null) continue; // not stepped yet: its state is still all zeros
      out.push({ spec: { name: `${name}/${stateName}`, shape: [...weight.value.shape], dtype: 'float32', group: 'optimizer' }, values: state[s] });
    }
  });
  return out;
}

/**
 * Puts saved optimizer weights back into `optimizer` (compiled from the same file, whose
 * optimizer class was `savedClass`). Each trainable weight has all its state buffers or
 * none (a weight never stepped); anything else is a ModelFormatError.
 */
export function restoreOptimizer(layers: readonly Layer[], optimizer: Optimizer, saved: ReadonlyMap<string, NamedWeight>, savedClass: string): void {
  const unread = new Set([...saved.values()].filter((w) => w.spec.group === 'optimizer').map((w) => w.spec.name));
  if (unread.size === 0) return;
  const iter = saved.get('iter');
  if (iter === undefined || iter.spec.shape.length !== 0 || !Number.isSafeInteger(iter.values[0]) || iter.values[0] < 0) {
    throw new ModelFormatError(`optimizer weights: 'iter' must be a scalar count of steps ≥ 0, got ${iter === undefined ? 'none' : `${formatShape(iter.spec.shape)} ${iter.values[0]}`}`);
  }
  unread.delete('iter');
  for (const { weight, name } of trainableWeights(layers)) {
    const buffers = optimizer.stateNames.map((stateName) => saved.get(`${name}/${stateName}`));
    if (buffers.every((b) => b === undefined)) continue;
    const values = buffers.map((buffer, s) => {
      const key = `${name}/${optimizer.stateNames[s]}`;
      if (buffer === undefined) throw new ModelFormatError(`optimizer weights: '${key}' is missing while other state of '${name}' is saved`);
      if (buffer.spec.group !== 'optimizer' || buffer.values.length !== weight.value.size || buffer.spec.shape.some((d, i) => d !== weight.value.shape[i])) {
        throw new ModelFormatError(`optimizer weight '${key}' must be an optimizer weight of shape ${formatShape(weight.value.shape)}, got ${formatShape(buffer.spec.shape)}`);
      }
      unread.delete(key);
      // TensorFlow.js's Momentum accumulates a = Σ momentum^k·g; wasmnn's velocity is v = −lr·a.
      return savedClass === 'Momentum' ? Float32Array.from(buffer.values, (a) => -optimizer.learningRate * a) : Float32Array.from(buffer.values);
    });
    optimizer.setStateValues(weight, values);
  }
  for (const name of unread) {
    if (savedClass === 'RMSProp' && name.endsWith('/momentum')) continue;
    throw new ModelFormatError(`optimizer weight '${name}' belongs to no state of ${optimizer.className} (${optimizer.stateNames.join(', ') || 'none'}) of a trainable weight`);
  }
  optimizer.iterations = iter.values[0];
}
