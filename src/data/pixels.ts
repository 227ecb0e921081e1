/**
 * Pixels: a data set kept as bytes, with the factor that turns a byte into a model input.
 *
 *   const x = { pixels: bytes, scale: 1 / 255 };   // input value of byte v: v/255, in [0, 1]
 *   await model.fit(x, labels, { batchSize: 128 });
 *
 * Images arrive as bytes (IDX files, canvases, PNG decoders): 60,000 Fashion-MNIST images are
 * 47 MB as bytes and 188 MB as float32. `fit`, `evaluate` and `predict` take Pixels wherever
 * they take float inputs, and convert one batch at a time as they gather its rows
 * (Kernels.gatherScaled), so the float32 copy of the whole set never exists. The loaders of
 * nn.data (loadMnist, loadFashionMnist) return their images this way, and the splitting
 * helpers (trainTestSplit, kFold, crossValidate) keep them so.
 */

import { ValueError } from '../errors.js';

export interface Pixels {
  /** The bytes, sample after sample: n × (values per sample), row-major like any flat input. */
  readonly pixels: Uint8Array;
  /** The input value of byte v is fround(v·scale), the product taken in float64 (1/255: v/255 exactly). */
  readonly scale: number;
}

/** The scale of 8-bit images whose inputs should lie in [0, 1]. */
export const BYTE_SCALE = 1 / 255;

/** True for a `{ pixels, scale }` object (checked further by checkPixels). */
export function isPixels(data: unknown): data is Pixels {
  return typeof data === 'object' && data !== null && 'pixels' in data && 'scale' in data;
}

/** A ValueError naming `argument` unless pixels is a Uint8Array and scale a finite number. */
export function checkPixels(data: Pixels, argument: string): void {
  if (!(data.pixels instanceof Uint8Array)) {
    throw new ValueError(`${argument}: pixels must be a Uint8Array, got ${data.pixels === null ? 'null' : (data.pixels as object)?.constructor?.name ?? typeof data.pixels}`);
  }
  if (typeof data.scale !== 'number' || !Number.isFinite(data.scale)) {
    throw new ValueError(`${argument}: scale must be a finite number (1/255 maps bytes onto [0, 1]), got ${String(data.scale)}`);
  }
}

/**
 * The float32 inputs a model sees for these Pixels, all at once: out[i] = fround(pixels[i]·scale),
 * the values Kernels.gatherScaled gives batch by batch. For code that needs the whole matrix
 * as floats (k-means, a Tensor of images); it costs 4 bytes per pixel.
 */
export function pixelsToFloat32(data: Pixels): Float32Array {
  const { pixels, scale } = data;
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i] * scale;
  return out;
}
