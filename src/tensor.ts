/**
 * Tensor: a shape and a run of float32 values living in a backend's memory.
 *
 * On the wasm backend the values sit in WebAssembly linear memory, where the kernels can
 * reach them by offset. `data` returns a Float32Array view over them, rebuilt after memory
 * growth, so read `t.data` afresh rather than keeping an old view across allocations.
 *
 * Who owns what. A tensor you receive — from `tensor`, `zeros`, `reshape`, `predict`,
 * `getWeights`, `kmeans` — is yours: `dispose()` it when done, or create it inside
 * `nn.tidy(() => ...)`, which disposes every tensor made inside it except the ones it
 * returns (as TensorFlow.js's `tf.tidy`). A model's weights belong to the model: they are
 * freed by `model.dispose()`, never by `tidy`.
 *
 * Beside the model, a user needs a few operations on tensors: the predicted class
 * (`argMax`), rows by index or by range (`take`, `slice`: a k-fold split, `x[:50000]`), a new
 * shape (`reshape`), and `sum` and `mean`. They are here as plain loops, and this is not a
 * tensor library: TensorFlow.js has the rest (`tf.tensor(t.data, t.shape)` moves a tensor
 * over). Every method that returns a Tensor returns a new one, which the caller owns and
 * frees with `dispose()`. There is one dtype, float32, so integers (class indices from
 * `argMax`, labels) are stored as floats, exact up to 2²⁴.
 */

import type { Kernels, Storage } from './backend/kernels.js';
import { kernels } from './backend/backend.js';
import { readNested, type NestedArray } from './core/nested.js';
import { DisposedError, ShapeError, ValueError, formatShape } from './errors.js';

export type { NestedArray };
/** Typed arrays that tensor(), fit, evaluate and predict read (one float32 copy, except Float32Array). */
export type NumericArray = Float32Array | Float64Array | Int32Array | Uint8Array;
/** Data that tensor(), fit, evaluate and predict accept: labels may be Int32Array or Uint8Array. */
export type TensorLike = Tensor | NumericArray | NestedArray;

export class Tensor {
  readonly shape: readonly number[];
  /** Number of elements: the product of the shape. */
  readonly size: number;
  private disposed = false;

  /** Wraps `storage` (at least `size` floats) of `backend`. Use `tensor()` to create one. */
  constructor(shape: readonly number[], readonly storage: Storage, readonly backend: Kernels) {
    checkShape(shape, 'Tensor');
    this.shape = Object.freeze([...shape]);
    this.size = sizeOf(shape);
    if (storage.length < this.size) throw new ShapeError(`Tensor: storage holds ${storage.length} values, shape ${formatShape(shape)} needs ${this.size}`);
    scopes.at(-1)?.add(this);
  }

  get rank(): number {
    return this.shape.length;
  }

  /** A Float32Array over the values (a view, not a copy: writes reach the tensor). */
  get data(): Float32Array {
    this.assertLive();
    const view = this.storage.view();
    return view.length === this.size ? view : view.subarray(0, this.size);
  }

  /** The values as nested arrays of the tensor's shape (a copy). */
  toArray(): NestedArray {
    const data = this.data;
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.shape.length) return data[offset];
      const stride = sizeOf(this.shape.slice(dim + 1));
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[dim]; i++) out.push(build(dim + 1, offset + i * stride));
      return out;
    };
    return build(0, 0);
  }

  /** A copy with a new shape of the same size; one dimension may be -1 (inferred). */
  reshape(shape: readonly number[]): Tensor {
    this.assertLive(); // the copy below reads the storage directly, not through `data`
    const resolved = resolveShape(shape, this.size);
    const out = new Tensor(resolved, this.backend.alloc(this.size), this.backend);
    this.backend.copy(this.storage, out.storage, this.size);
    return out;
  }

  /**
   * The sum of the values, over all of them (a scalar, shape []) or along `axis` (that
   * dimension removed; negative counts from the end), summed in float64.
   */
  sum(axis?: number): Tensor {
    return this.reduce('sum', axis, sumAlong);
  }

  /** The mean: sum / count, over all values or along `axis` (as `sum`). NaN for no values. */
  mean(axis?: number): Tensor {
    return this.reduce('mean', axis, (x, start, n, stride) => sumAlong(x, start, n, stride) / n);
  }

  /**
   * The index of the largest value along `axis` (default -1, the last: for predictions
   * [n, classes], the class of each sample, shape [n]). Ties go to the first, and NaN counts
   * as the largest, as in NumPy. TF.js's `argMax` defaults to axis 0; Keras code writes
   * `np.argmax(p, axis=-1)`, which this default follows.
   */
  argMax(axis = -1): Tensor {
    if (this.rank === 0) throw new ShapeError('argMax: expected a tensor of rank ≥ 1, got a scalar (shape [])');
    const a = this.axisIndex('argMax', axis);
    if (this.shape[a] === 0) throw new ShapeError(`argMax: axis ${axis} of shape ${formatShape(this.shape)} is empty; there is no largest value`);
    return this.reduce('argMax', axis, argMaxAlong);
  }

  /**
   * Rows `indices` (along the first axis, in that order, repeats allowed) as a new tensor of
   * shape [indices.length, ...shape.slice(1)]: `x.take(fold.train)` for a kFold fold.
   * TF.js calls it `gather`.
   */
  take(indices: ArrayLike<number> | Tensor): Tensor {
    this.assertLive();
    if (this.rank === 0) throw new ShapeError('take: expected a tensor with a first axis to take rows from, got a scalar (shape [])');
    if (indices instanceof Tensor && indices.rank !== 1) throw new ShapeError(`take: indices must be a list (rank 1), got a tensor of shape ${formatShape(indices.shape)}`);
    // A copy of tensor indices: the allocation below may grow memory and detach their view.
    const rows = indices instanceof Tensor ? indices.data.slice() : indices;
    const n = this.shape[0];
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (!Number.isInteger(r) || r < 0 || r >= n) throw new ValueError(`take: index ${r} at position ${i} is not an integer in [0, ${n - 1}]`);
    }
    const rowSize = sizeOf(this.shape.slice(1));
    const out = new Tensor([rows.length, ...this.shape.slice(1)], this.backend.alloc(rows.length * rowSize), this.backend);
    const src = this.data, dst = out.data; // read after the allocation, which may grow memory
    for (let i = 0; i < rows.length; i++) dst.set(src.subarray(rows[i] * rowSize, (rows[i] + 1) * rowSize), i * rowSize);
    return out;
  }

  /**
   * Rows [start, start + size) along the first axis, copied: `x.slice(0, 50000)` is Python's
   * `x[:50000]` and `x.slice(50000)` is `x[50000:]`. size -1 (the default) takes every row
   * from start, as TF.js's `slice`.
   */
  slice(start: number, size = -1): Tensor {
    this.assertLive();
    if (this.rank === 0) throw new ShapeError('slice: expected a tensor with a first axis to slice, got a scalar (shape [])');
    const n = this.shape[0];
    if (!Number.isInteger(start) || start < 0 || start > n) throw new ValueError(`slice: start must be an integer in [0, ${n}], got ${start}`);
    const count = size === -1 ? n - start : size;
    if (!Number.isInteger(count) || count < 0 || start + count > n) {
      throw new ValueError(`slice: size must be -1 or an integer in [0, ${n - start}] (rows ${start}..${n - 1} remain), got ${size}`);
    }
    const rowSize = sizeOf(this.shape.slice(1));
    const out = new Tensor([count, ...this.shape.slice(1)], this.backend.alloc(count * rowSize), this.backend);
    out.data.set(this.data.subarray(start * rowSize, (start + count) * rowSize));
    return out;
  }

  /** Checks an axis in [-rank, rank) and returns it counted from 0. */
  private axisIndex(where: string, axis: number): number {
    if (!Number.isInteger(axis) || axis < -this.rank || axis >= this.rank) {
      throw new ValueError(`${where}: axis must be an integer in [${-this.rank}, ${this.rank - 1}] for shape ${formatShape(this.shape)}, got ${axis}`);
    }
    return axis < 0 ? axis + this.rank : axis;
  }

  /**
   * out[o, i] = f(x[o, 0, i], ..., x[o, n-1, i]), with the tensor seen as [outer, n, inner]
   * around `axis` (the shape without that axis), or over every value when axis is undefined.
   */
  private reduce(where: string, axis: number | undefined, f: (x: Float32Array, start: number, n: number, stride: number) => number): Tensor {
    this.assertLive();
    const a = axis === undefined ? null : this.axisIndex(where, axis);
    const n = a === null ? this.size : this.shape[a];
    const inner = a === null ? 1 : sizeOf(this.shape.slice(a + 1));
    const outer = a === null ? 1 : sizeOf(this.shape.slice(0, a));
    const shape = a === null ? [] : this.shape.filter((_, d) => d !== a);
    const out = new Tensor(shape, this.backend.alloc(outer * inner), this.backend);
    const x = this.data, y = out.data; // read after the allocation, which may grow memory
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) y[o * inner + i] = f(x, o * n * inner + i, n, inner);
    }
    return out;
  }

  /** Returns the memory to the backend. The tensor cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.backend.free(this.storage);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  toString(): string {
    return `Tensor ${formatShape(this.shape)}`;
  }

  private assertLive(): void {
    if (this.disposed) throw new DisposedError(`Tensor ${formatShape(this.shape)} was disposed: its memory is returned and it can no longer be read`);
  }
}

/** Σ_j x[start + j·stride], j < n, in float64. */
function sumAlong(x: Float32Array, start: number, n: number, stride: number): number {
  let sum = 0;
  for (let j = 0; j < n; j++) sum += x[start + j * stride];
  return sum;
}

/** The first j < n with x[start + j·stride] largest (a NaN wins, as in NumPy). */
function argMaxAlong(x: Float32Array, start: number, n: number, stride: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) {
    const v = x[start + j * stride], b = x[start + best * stride];
    if (Number.isNaN(b)) break;
    if (v > b || Number.isNaN(v)) best = j;
  }
  return best;
}

/** Throws ShapeError unless `shape` is an array of non-negative integers. */
export function checkShape(shape: readonly number[], where: string): void {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ShapeError(`${where}: shape ${Array.isArray(shape) ? formatShape(shape) : String(shape)} must be an array of non-negative integers`);
  }
}

/** The tensors created in each open `tidy`, innermost last. */
const scopes: Set<Tensor>[] = [];

/**
 * Runs `fn` and then disposes every tensor created while it ran, except those it returns
 * (a Tensor, or Tensors in a returned array or plain object), which move to the enclosing
 * scope. `fn` must be synchronous: an async function's tensors would outlive the scope.
 */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new ValueError(`tidy: expected a function, got ${typeof fn}`);
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } finally {
    scopes.pop();
  }
  if (result instanceof Promise) {
    for (const t of scope) t.dispose();
    throw new ValueError('tidy: fn must be synchronous (it returned a Promise); dispose tensors yourself in async code');
  }
  const returned = new Set<Tensor>();
  const collect = (value: unknown): void => {
    if (value instanceof Tensor) returned.add(value);
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) Object.values(value).forEach(collect);
  };
  collect(result);
  for (const t of scope) {
    if (returned.has(t)) scopes.at(-1)?.add(t);
    else t.dispose();
  }
  return result;
}

/** Keeps `t` out of the enclosing `tidy` scopes: it lives until disposed. Returns t. */
export function keep(t: Tensor): Tensor {
  for (const scope of scopes) scope.delete(t);
  return t;
}

export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

function resolveShape(shape: readonly number[], size: number): number[] {
  const inferred = shape.filter((d) => d === -1).length;
  for (const d of shape) {
    if (d !== -1 && !(Number.isInteger(d) && d >= 0)) throw new ShapeError(`shape ${formatShape(shape)}: dimensions must be non-negative integers`);
  }
  if (inferred > 1) throw new ShapeError(`shape ${formatShape(shape)}: at most one dimension may be -1`);
  const known = sizeOf(shape.filter((d) => d !== -1));
  const out = shape.map((d) => (d === -1 ? (known === 0 ? 0 : size / known) : d));
  if (sizeOf(out) !== size || out.some((d) => !Number.isInteger(d))) {
    throw new ShapeError(`shape ${formatShape(shape)} does not fit ${size} values`);
  }
  return out;
}

/**
 * Creates a tensor on the active backend from a Float32Array, a number[] or nested arrays.
 * Without `shape`, a flat array becomes rank 1 and nested arrays keep their nesting.
 */
export function tensor(values: TensorLike, shape?: readonly number[]): Tensor {
  if (values instanceof Tensor) {
    return shape === undefined ? values.reshape(values.shape) : values.reshape(shape);
  }
  let flat: Float32Array;
  let natural: number[];
  if (values instanceof Float32Array) {
    flat = values;
    natural = [values.length];
  } else if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    throw new ValueError(`tensor: expected numbers, got a ${values.constructor.name}; convert it first, e.g. Float32Array.from(values, Number)`);
  } else if (ArrayBuffer.isView(values)) {
    flat = Float32Array.from(values as unknown as ArrayLike<number>);
    natural = [flat.length];
  } else {
    ({ shape: natural, data: flat } = readNested(values, 'tensor'));
  }
  let finalShape = natural;
  if (shape !== undefined) {
    finalShape = [...shape];
    for (const d of finalShape) {
      if (!(Number.isInteger(d) && d >= 0)) throw new ShapeError(`tensor: shape ${formatShape(shape)} must hold non-negative integers`);
    }
    if (sizeOf(finalShape) !== flat.length) {
      throw new ShapeError(`tensor: shape ${formatShape(shape)} needs ${sizeOf(finalShape)} values, got ${flat.length}`);
    }
  }
  const backend = kernels();
  const t = new Tensor(finalShape, backend.alloc(flat.length), backend);
  t.data.set(flat);
  return t;
}

/** A zero-filled tensor of the given shape on the active backend. */
export function zeros(shape: readonly number[]): Tensor {
  checkShape(shape, 'zeros');
  const backend = kernels();
  return new Tensor(shape, backend.alloc(sizeOf(shape)), backend);
}
