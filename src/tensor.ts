/**
 * Tensor: a shape and a run of float32 values living in a backend's memory.
 *
 * On the wasm backend the values sit in WebAssembly linear memory, where the kernels can
 * reach them by offset. `data` returns a Float32Array view over them, rebuilt after memory
 * growth, so read `t.data` afresh rather than keeping an old view across allocations.
 */

import type { Kernels, Storage } from './backend/kernels.js';
import { kernels } from './backend/backend.js';
import { readNested, type NestedArray } from './core/nested.js';
import { DisposedError, ShapeError, ValueError, formatShape } from './errors.js';

export type { NestedArray };
export type TensorLike = Tensor | Float32Array | NestedArray;

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

/** Throws ShapeError unless `shape` is an array of non-negative integers. */
function checkShape(shape: readonly number[], where: string): void {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ShapeError(`${where}: shape ${Array.isArray(shape) ? formatShape(shape) : String(shape)} must be an array of non-negative integers`);
  }
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
