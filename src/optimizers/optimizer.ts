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

  /** One optimization step over `weights`; weights with `trainable: false` are skipped. */
  applyGradients(weights: readonly Weight[]): void {
    const step = this.iterations + 1;
    for (const weight of weights) {
      if (!weight.trainable) continue;
      const { value, grad } = weight;
      if (grad === null) throw new ValueError(`${this.className}: trainable weight '${weight.name}' has no gradient (grad is null)`);
      if (grad.size !== value.size) {
        throw new ShapeError(`${this.className}: gradient of '${weight.name}' has shape ${formatShape(grad.shape)}, expected ${formatShape(value.shape)}`);
      }
      const kernels = value.backend;
      this.update(kernels, value.storage, grad.storage, this.stateOf(value), value.size, step);
    }
    this.iterations = step;
  }

  /**
   * Copies the state (every buffer, and the step count) into `pool`, so that `restoreState`
   * can undo a step whose update turned out not to be finite.
   */
  saveState(pool: BufferPool, weights: readonly Weight[]): void {
    // State is made on first use; make it now, so that what is saved covers this step.
    for (const w of weights) if (w.trainable) this.stateOf(w.value);
    this.savedIterations = this.iterations;
    this.savedEntries = this.state.size;
    let entry = 0;
    for (const [value, { kernels, buffers }] of this.state) {
      for (const [b, buffer] of buffers.entries()) kernels.copy(buffer, pool.get(stateKey(entry, b), 1, value.size).storage, value.size);
      entry++;
    }
  }

  /** Puts back the state saved by `saveState`; state first created since then is freed. */
  restoreState(pool: BufferPool): void {
    let entry = 0;
    for (const [value, { kernels, buffers }] of this.state) {
      if (entry >= this.savedEntries) {
        for (const buffer of buffers) kernels.free(buffer);
        this.state.delete(value);
        continue;
      }
      for (const [b, buffer] of buffers.entries()) kernels.copy(pool.get(stateKey(entry, b), 1, value.size).storage, buffer, value.size);
      entry++;
    }
    this.iterations = this.savedIterations;
  }

  private savedIterations = 0;
  private savedEntries = 0;

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

  /** Applies the update to w (n values) from g, with `state` as allocated for this weight. */
  protected abstract update(kernels: Kernels, w: Storage, g: Storage, state: Storage[], n: number, step: number): void;

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

const STATE_KEYS: string[][] = [];
/**
 * The pool key of buffer b of the weight at `entry`: one key per (weight, buffer), so the
 * copy of each keeps one size whatever optimizer saves next (cached: saving runs every step).
 */
function stateKey(entry: number, b: number): string {
  STATE_KEYS[entry] ??= [];
  STATE_KEYS[entry][b] ??= `optimizer state ${entry}.${b}`;
  return STATE_KEYS[entry][b];
}
