/**
 * The optimizer base class: what SGD, RMSprop, Adam and AdamW share.
 *
 * `applyGradients(weights)` takes one step: for every trainable weight it runs one fused
 * kernel (Kernels.sgdUpdate, rmspropUpdate, adamUpdate) that reads ∂loss/∂w from
 * `weight.grad` and updates the weight and the optimizer's state in a single pass.
 * The gradient must already hold everything to follow, penalty gradients included (the
 * model adds them before calling this).
 *
 * State (velocity, mean square, first and second moments) is allocated on the first step
 * a weight is seen, on the weight's own backend, and reused on every later step, so a
 * training step allocates nothing once the first one is done. `dispose()` frees it.
 */

import type { Kernels, Storage } from '../backend/kernels.js';
import type { Weight } from '../core/weight.js';
import type { Tensor } from '../tensor.js';
import type { BufferPool } from '../core/buffer-pool.js';
import { ShapeError, ValueError, formatShape } from '../errors.js';
import { requireFinite } from '../arguments.js';

/** The state buffers of one weight, with the backend they came from. */
interface WeightState {
  kernels: Kernels;
  buffers: Storage[];
}

export abstract class Optimizer {
  /** Keras class name: 'SGD', 'RMSprop', 'Adam', 'AdamW'. */
  abstract readonly className: string;
  /** Number of steps taken (calls to applyGradients). Adam's step t is iterations + 1. */
  iterations = 0;
  /**
   * The model compiled with this optimizer. Its state (moments, velocities) is kept per weight
   * of that model, so one optimizer cannot serve two models: compile refuses a second one.
   */
  owner: object | null = null;
  private rate: number;
  private readonly state = new Map<Tensor, WeightState>();

  constructor(learningRate: number, where: string) {
    requireFinite(where, 'learningRate', learningRate);
    if (!(learningRate > 0)) throw new ValueError(`${where}: learningRate must be > 0, got ${learningRate}`);
    this.rate = learningRate;
  }

  /**
   * The step size. Settable at any time (ReduceLROnPlateau and schedules do): the next
   * step uses the new value. Setting 0 is allowed and stops SGD, RMSprop and Adam from
   * moving the weights (SGD with momentum still coasts on its velocity, as in Keras).
   */
  get learningRate(): number {
    return this.rate;
  }

  set learningRate(value: number) {
    requireFinite(this.className, 'learningRate', value);
    if (value < 0) throw new ValueError(`${this.className}: learningRate must be ≥ 0, got ${value}`);
    this.rate = value;
  }

  /**
   * One optimization step over `weights`; weights with `trainable: false` are skipped. With
   * `kept`, each update also writes the values it replaces (the weight, then its state) into
   * buffers of that pool, in the same pass, so that `undo` can put them back. Every trainable
   * weight is updated; returns the first whose new values are not all finite (each update
   * checks what it writes, in the same pass), or null.
   */
  applyGradients(weights: readonly Weight[], kept: BufferPool | null = null): Weight | null {
    const step = this.iterations + 1;
    let nonFinite: Weight | null = null;
    for (const [i, weight] of weights.entries()) {
      if (!weight.trainable) continue;
      const { value, grad } = weight;
      if (grad === null) throw new ValueError(`${this.className}: trainable weight '${weight.name}' has no gradient (grad is null)`);
      if (grad.size !== value.size) {
        throw new ShapeError(`${this.className}: gradient of '${weight.name}' has shape ${formatShape(grad.shape)}, expected ${formatShape(value.shape)}`);
      }
      const state = this.stateOf(value);
      const keep = kept === null ? null : keptBuffers(kept, i, 1 + state.length, value.size);
      const finite = this.update(value.backend, value.storage, grad.storage, state, value.size, step, keep);
      if (!finite) nonFinite ??= weight;
    }
    this.iterations = step;
    return nonFinite;
  }

  /**
   * Undoes the last `applyGradients(weights, kept)`: puts back every trainable weight and its
   * state from `kept`, and the step count. The model is then exactly as before that step.
   */
  undo(weights: readonly Weight[], kept: BufferPool): void {
    for (const [i, weight] of weights.entries()) {
      if (!weight.trainable) continue;
      const { value } = weight;
      const state = this.stateOf(value);
      const saved = keptBuffers(kept, i, 1 + state.length, value.size);
      value.backend.copy(saved[0], value.storage, value.size);
      for (const [j, buffer] of state.entries()) value.backend.copy(saved[1 + j], buffer, value.size);
    }
    this.iterations -= 1;
  }

  /** Hyperparameters, with the names the factory takes: `sgd(opt.getConfig())` rebuilds it. */
  abstract getConfig(): Record<string, unknown>;

  /** Frees every state buffer. The optimizer can still be used: state is rebuilt lazily. */
  dispose(): void {
    for (const { kernels, buffers } of this.state.values()) for (const b of buffers) kernels.free(b);
    this.state.clear();
  }

  /**
   * The state buffers each weight gets, each the weight's size, named as TensorFlow.js names
   * them in a saved model ('<weight>/m', '<weight>/v' for Adam): SGD with momentum has one,
   * Adam two, plain SGD none.
   */
  abstract readonly stateNames: readonly string[];

  /**
   * Copies of the state of one weight, in `stateNames` order; null before the weight's first
   * step (the state starts at 0 then). Saving a model with its optimizer reads this.
   */
  getStateValues(weight: Weight): Float32Array[] | null {
    const entry = this.state.get(weight.value);
    return entry ? entry.buffers.map((b) => b.view().slice(0, weight.value.size)) : null;
  }

  /** Sets the state of one weight (loading a model with its optimizer), one array per state name. */
  setStateValues(weight: Weight, values: readonly Float32Array[]): void {
    if (values.length !== this.stateNames.length || values.some((v) => v.length !== weight.value.size)) {
      throw new ShapeError(`${this.className}: the state of '${weight.name}' is ${this.stateNames.length} arrays of ${weight.value.size} values (${this.stateNames.join(', ')}), got ${values.length} of ${values.map((v) => v.length).join(', ')}`);
    }
    const buffers = this.stateOf(weight.value);
    for (let i = 0; i < values.length; i++) buffers[i].view().set(values[i]);
  }

  /**
   * Applies the update to w (n values) from g, with `state` as allocated for this weight,
   * writing the values it replaces into `kept` when given (Kernels' optimizer section);
   * returns whether every new value of w is finite.
   */
  protected abstract update(kernels: Kernels, w: Storage, g: Storage, state: Storage[], n: number, step: number, kept: readonly Storage[] | null): boolean;

  /** The state of one weight, zero-filled on first use. */
  private stateOf(value: Tensor): Storage[] {
    let entry = this.state.get(value);
    if (entry === undefined) {
      const kernels = value.backend;
      entry = { kernels, buffers: this.stateNames.map(() => kernels.alloc(value.size)) };
      this.state.set(value, entry);
    }
    return entry.buffers;
  }
}

const KEPT_KEYS: string[][] = [];
/** One array, refilled by every keptBuffers call, so that a training step allocates none. */
const KEPT: Storage[] = [];
/**
 * The `count` buffers of n values in `pool` that keep what the update of the i-th weight
 * replaces: one key per (weight, buffer), cached. The array returned is reused by the next
 * call; the update reads it at once.
 */
function keptBuffers(pool: BufferPool, i: number, count: number, n: number): readonly Storage[] {
  KEPT_KEYS[i] ??= [];
  const keys = KEPT_KEYS[i];
  KEPT.length = count;
  for (let j = 0; j < count; j++) {
    keys[j] ??= `kept ${i}.${j}`;
    KEPT[j] = pool.get(keys[j], 1, n).storage;
  }
  return KEPT;
}
