/** A tiny IDX writer for tests: the format as readIdx's file comment states it, written independently. */
import { gzipSync } from 'node:zlib';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type IdxTypeName = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** Type code and bytes per value of each IDX type. */
export const IDX_TYPES: Record<IdxTypeName, { code: number; bytes: number }> = {
  uint8: { code: 0x08, bytes: 1 },
  int8: { code: 0x09, bytes: 1 },
  int16: { code: 0x0b, bytes: 2 },
  int32: { code: 0x0c, bytes: 4 },
  float32: { code: 0x0d, bytes: 4 },
  float64: { code: 0x0e, bytes: 8 },
};

/** Bytes of an IDX file: magic 00 00, type code, rank, big-endian uint32 dims, big-endian values. */
export function writeIdx(type: IdxTypeName, shape: number[], values: ArrayLike<number>): Uint8Array {
  const { code, bytes } = IDX_TYPES[type];
  const header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + values.length * bytes);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = shape.length;
  for (const [i, d] of shape.entries()) view.setUint32(4 + 4 * i, d, false);
  for (let i = 0; i < values.length; i++) {
    const at = header + i * bytes, v = values[i];
    if (type === 'uint8') view.setUint8(at, v);
    else if (type === 'int8') view.setInt8(at, v);
    else if (type === 'int16') view.setInt16(at, v, false);
    else if (type === 'int32') view.setInt32(at, v, false);
    else if (type === 'float32') view.setFloat32(at, v, false);
    else view.setFloat64(at, v, false);
  }
  return out;
}

/** An IDX header alone, for dimensions too large to write out. */
export function idxHeader(code: number, shape: number[]): Uint8Array {
  return writeIdx('uint8', shape, []).map((b, i) => (i === 2 ? code : b));
}

export function gzip(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(gzipSync(bytes));
}

/** A fresh temporary directory. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `wasmnn-${prefix}-`));
}

/**
 * Writes an MNIST-like quadruple into `dir`: nTrain and nTest uint8 images of h×w and their
 * labels. Pixel 0 of each image holds its label and pixel 1 its index (mod 256), so a test can
 * check that images and labels stay paired; the other pixels run (index + k) mod 256.
 * `gzipped` picks which of the four files are written as .gz.
 */
export function writeQuadruple(dir: string, nTrain: number, nTest: number, h: number, w: number, gzipped = [true, false, true, false]): void {
  const part = (n: number, offset: number): { images: Uint8Array; labels: Uint8Array } => {
    const labels = Uint8Array.from({ length: n }, (_, i) => (i * 7 + offset) % 10);
    const images = new Uint8Array(n * h * w);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < h * w; k++) images[i * h * w + k] = (i + k) % 256;
      images[i * h * w] = labels[i];
      if (h * w > 1) images[i * h * w + 1] = i % 256;
    }
    return { images, labels };
  };
  const train = part(nTrain, 0), test = part(nTest, 3);
  const files: [string, Uint8Array][] = [
    ['train-images-idx3-ubyte', writeIdx('uint8', [nTrain, h, w], train.images)],
    ['train-labels-idx1-ubyte', writeIdx('uint8', [nTrain], train.labels)],
    ['t10k-images-idx3-ubyte', writeIdx('uint8', [nTest, h, w], test.images)],
    ['t10k-labels-idx1-ubyte', writeIdx('uint8', [nTest], test.labels)],
  ];
  for (const [i, [name, bytes]] of files.entries()) writeFileSync(join(dir, gzipped[i] ? `${name}.gz` : name), gzipped[i] ? gzip(bytes) : bytes);
}
