/**
 * Weight values as bytes, the TensorFlow.js way: the manifest lists each weight's name,
 * shape and dtype in order, and the binary data holds their values back to back, little-
 * endian, with nothing between them. A weight of shape [a, b] in float32 takes 4·a·b bytes
 * at the offset where the previous weight ended.
 *
 * Reading checks everything before it copies anything: every spec's fields and types, every
 * shape's size (rank, dimensions, element count) against a byte budget, and the sum of all
 * sizes against the byte length of the data, which must match exactly (fewer bytes: the file
 * is truncated; more: it holds something the manifest does not describe).
 */

import { ConfigError, ModelFormatError, formatShape } from '../errors.js';
import { sizeOf } from '../tensor.js';
import { ConfigReader, describe } from './config-reader.js';

/** Element types wasmnn reads: float32 weights, and TensorFlow.js's int32 optimizer step count. */
type WeightDtype = 'float32' | 'int32';

/** One entry of a weights manifest (TensorFlow.js's WeightsManifestEntry, the fields wasmnn uses). */
export interface WeightSpec {
  /** '<layer name>/<weight name>', e.g. 'dense/kernel'. */
  name: string;
  shape: number[];
  dtype: WeightDtype;
  /** 'optimizer' for optimizer state; absent for the model's weights. */
  group?: string;
}

/** A weight to write, or one read back. */
export interface NamedWeight {
  spec: WeightSpec;
  values: Float32Array | Int32Array;
}

const BYTES_PER_ELEMENT: Record<WeightDtype, number> = { float32: 4, int32: 4 };

/** By default, refuse to load more than 1 GiB of weights. */
export const DEFAULT_MAX_WEIGHT_BYTES = 2 ** 30;
/** More weights than any model here has; a bound on the manifest's length. */
const MAX_WEIGHTS = 100_000;
const MAX_WEIGHT_RANK = 8;

/** The specs and the bytes of `weights`, in order. */
export function encodeWeights(weights: readonly NamedWeight[]): { specs: WeightSpec[]; data: ArrayBuffer } {
  const bytes = weights.reduce((sum, w) => sum + w.values.byteLength, 0);
  const data = new Uint8Array(bytes);
  let offset = 0;
  for (const { values } of weights) {
    data.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), offset);
    offset += values.byteLength;
  }
  return { specs: weights.map((w) => ({ ...w.spec, shape: [...w.spec.shape] })), data: data.buffer };
}

/** Bytes one spec takes. */
function specBytes(spec: WeightSpec): number {
  return sizeOf(spec.shape) * BYTES_PER_ELEMENT[spec.dtype];
}

/**
 * Checks a manifest's weight list: names unique, shapes valid, dtypes supported, and the total
 * no larger than `maxBytes`. Returns the specs and their total byte length.
 */
export function readWeightSpecs(value: unknown, maxBytes: number): { specs: WeightSpec[]; bytes: number } {
  if (!Array.isArray(value)) throw new ModelFormatError(`weightSpecs must be a list, got ${describe(value)}`);
  if (value.length > MAX_WEIGHTS) throw new ModelFormatError(`the manifest lists ${value.length} weights; refusing more than ${MAX_WEIGHTS}`);
  const names = new Set<string>();
  let bytes = 0;
  const specs = value.map((entry, i): WeightSpec => {
    const spec = readSpec(entry, i, maxBytes);
    if (names.has(spec.name)) throw new ModelFormatError(`the manifest lists weight '${spec.name}' twice`);
    names.add(spec.name);
    bytes += specBytes(spec);
    if (bytes > maxBytes) throw new ModelFormatError(`the manifest's weights take more than ${maxBytes} bytes (the limit; see maxWeightBytes) by weight ${i} '${spec.name}'`);
    return spec;
  });
  return { specs, bytes };
}

function readSpec(entry: unknown, index: number, maxBytes: number): WeightSpec {
  const r = new ConfigReader(`weight ${index}`, entry);
  const name = r.raw('name');
  if (typeof name !== 'string' || name.length === 0 || name.length > 1024) throw new ModelFormatError(`weight ${index}: name must be a string of 1 to 1024 characters, got ${describe(name)}`);
  const where = `weight '${name}'`;
  const shape = r.raw('shape');
  const dtype = r.raw('dtype');
  const group = r.raw('group');
  if (r.raw('quantization') !== undefined) throw new ConfigError(`${where}: quantized weights are not supported; save the model without quantization`);
  r.done();
  if (!Array.isArray(shape) || shape.length > MAX_WEIGHT_RANK || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ModelFormatError(`${where}: shape must be a list of at most ${MAX_WEIGHT_RANK} non-negative integers, got ${describe(shape)}`);
  }
  // Multiply step by step, refusing as soon as the size passes the budget (no overflow).
  let elements = 1;
  for (const d of shape as number[]) {
    elements *= d;
    if (elements * 4 > maxBytes) throw new ModelFormatError(`${where}: shape ${describe(shape)} needs more than ${maxBytes} bytes (the limit; see maxWeightBytes)`);
  }
  if (dtype !== 'float32' && dtype !== 'int32') throw new ConfigError(`${where}: dtype ${describe(dtype)} is not supported; wasmnn reads float32 weights`);
  if (group !== undefined && group !== null && typeof group !== 'string') throw new ModelFormatError(`${where}: group must be a string, got ${describe(group)}`);
  const spec: WeightSpec = { name, shape: shape as number[], dtype };
  if (typeof group === 'string') spec.group = group;
  return spec;
}

/**
 * One ArrayBuffer from weight data given as an ArrayBuffer, a list of them (TensorFlow.js
 * 4's sharded WeightData) or a byte view (a Node Buffer).
 */
export function concatWeightData(value: unknown): ArrayBuffer {
  if (value instanceof ArrayBuffer) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice().buffer;
  if (Array.isArray(value) && value.every((part) => part instanceof ArrayBuffer)) {
    const parts = value as ArrayBuffer[];
    const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
    let offset = 0;
    for (const part of parts) {
      out.set(new Uint8Array(part), offset);
      offset += part.byteLength;
    }
    return out.buffer;
  }
  throw new ModelFormatError(`weightData must be an ArrayBuffer, a list of ArrayBuffers or a byte array, got ${describe(value)}`);
}

/**
 * The values of every spec, copied out of `data`, whose length must be exactly the specs'
 * total. Float values must be finite.
 */
export function decodeWeights(specs: readonly WeightSpec[], data: ArrayBuffer): Map<string, NamedWeight> {
  const needed = specs.reduce((sum, spec) => sum + specBytes(spec), 0);
  if (data.byteLength < needed) throw new ModelFormatError(`the weight data holds ${data.byteLength} bytes but the manifest needs ${needed}: the weights file is truncated`);
  if (data.byteLength > needed) throw new ModelFormatError(`the weight data holds ${data.byteLength} bytes but the manifest describes only ${needed}: ${data.byteLength - needed} bytes are extra`);
  const out = new Map<string, NamedWeight>();
  let offset = 0;
  for (const spec of specs) {
    const bytes = specBytes(spec);
    const chunk = data.slice(offset, offset + bytes); // a copy, aligned for the typed array
    offset += bytes;
    const values = spec.dtype === 'int32' ? new Int32Array(chunk) : new Float32Array(chunk);
    if (values instanceof Float32Array) {
      for (let i = 0; i < values.length; i++) {
        if (!Number.isFinite(values[i])) throw new ModelFormatError(`weight '${spec.name}' ${formatShape(spec.shape)} holds ${values[i]} at index ${i}`);
      }
    }
    out.set(spec.name, { spec, values });
  }
  return out;
}
