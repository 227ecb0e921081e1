/**
 * Reading nested arrays of numbers (number[][], number[][][], ...): the one place that infers
 * their shape, checks that they are rectangular and copies them into a flat Float32Array in
 * row-major order. `tensor()`, `fit` and the data helpers all read nested arrays through it.
 */

import { ShapeError, ValueError } from '../errors.js';

/** Nested arrays of numbers: number, number[], number[][], ... */
export type NestedArray = number | NestedArray[];

/** The shape of a nested array, read along its first elements (not yet checked). */
export function nestedShape(values: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  return shape;
}

/**
 * Shape and row-major float32 values of a nested array. Throws ShapeError where it is ragged
 * and ValueError where an entry is not a number, naming `argument` and the path, e.g.
 * `x[3][1]: ragged array: expected length 4, got length 3`.
 */
export function readNested(values: NestedArray, argument: string): { shape: number[]; data: Float32Array } {
  const shape = nestedShape(values);
  let size = 1;
  for (const d of shape) size *= d;
  const data = new Float32Array(size);
  let k = 0;
  const walk = (v: NestedArray, dim: number, path: string): void => {
    if (dim === shape.length) {
      if (Array.isArray(v)) throw new ShapeError(`${argument}${path}: ragged array: expected a number, got an array of ${v.length}`);
      if (typeof v !== 'number') throw new ValueError(`${argument}${path}: expected a number, got ${v === null ? 'null' : typeof v}`);
      data[k++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw new ShapeError(`${argument}${path}: ragged array: expected length ${shape[dim]}, got ${Array.isArray(v) ? `length ${v.length}` : 'a number'}`);
    }
    for (let i = 0; i < v.length; i++) walk(v[i], dim + 1, `${path}[${i}]`);
  };
  walk(values, 0, '');
  return { shape, data };
}
