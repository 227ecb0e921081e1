import { afterAll, describe, expect, it } from 'vitest';
import { rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as nn from '../../src/index.js';
import { DataError, ValueError } from '../../src/errors.js';
import { gzip, tempDir, writeIdx, writeQuadruple } from '../helpers/idx.js';

const dirs: string[] = [];
function quadrupleDir(nTrain: number, nTest: number, h: number, w: number, gzipped?: boolean[]): string {
  const dir = tempDir('mnist');
  dirs.push(dir);
  writeQuadruple(dir, nTrain, nTest, h, w, gzipped);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Checks each sample of `part` against writeQuadruple's pattern: pixel 0 = label, pixel 1 = index, pixel k = (index + k) mod 256. */
function expectPaired(part: nn.data.ImageDataset, n: number, offset: number): number[] {
  const size = part.sampleShape[0] * part.sampleShape[1];
  const indices: number[] = [];
  for (let i = 0; i < part.n; i++) {
    const pixel = (k: number): number => part.x.pixels[i * size + k];
    const index = pixel(1);
    indices.push(index);
    expect(index).toBeLessThan(n);
    expect(part.y[i]).toBe((index * 7 + offset) % 10);
    expect(pixel(0)).toBe(part.y[i]);
    for (let k = 2; k < size; k++) expect(pixel(k)).toBe((index + k) % 256);
  }
  return indices;
}

describe('loadMnist({ dir }): the four MNIST IDX files, through readIdx', () => {
  it('reads every sample of plain and gzip files by default, pixels as bytes with scale 1/255, labels paired with their images', async () => {
    const dir = quadrupleDir(40, 12, 5, 4);
    const { train, test } = await nn.data.loadMnist({ dir });
    expect([train.n, test.n]).toEqual([40, 12]);
    expect(train.x.pixels).toBeInstanceOf(Uint8Array);
    expect(train.x.scale).toBe(1 / 255);
    expect(train.y).toBeInstanceOf(Float32Array);
    expect(train.x.pixels.length).toBe(40 * 20);
    expect(train.sampleShape).toEqual([5, 4]);
    expect(test.numClasses).toBe(10);
    // Every sample once, in a seeded order.
    expect(expectPaired(train, 40, 0).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(expectPaired(test, 12, 3).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it('subsets like loadFashionMnist: a seeded prefix of a permutation of each file, deterministic per seed', async () => {
    const dir = quadrupleDir(50, 20, 3, 3, [false, true, false, true]);
    const full = await nn.data.loadMnist({ dir, seed: 4 });
    const part = await nn.data.loadMnist({ dir, trainSize: 10, testSize: 5, seed: 4 });
    expect(part.train.x.pixels).toEqual(full.train.x.pixels.subarray(0, 10 * 9));
    expect(part.test.y).toEqual(full.test.y.subarray(0, 5));
    const again = await nn.data.loadMnist({ dir, trainSize: 10, testSize: 5, seed: 4 });
    expect(again.train.x).toEqual(part.train.x);
    const other = await nn.data.loadMnist({ dir, trainSize: 10, testSize: 5, seed: 5 });
    expect(expectPaired(other.train, 50, 0)).not.toEqual(expectPaired(part.train, 50, 0));
  });

  it('trains: fit accepts the result as it is', async () => {
    await nn.setBackend('reference');
    const { train } = await nn.data.loadMnist({ dir: quadrupleDir(30, 5, 4, 4) });
    const model = nn.sequential([nn.layers.flatten({ inputShape: [4, 4] }), nn.layers.dense({ units: 10, activation: 'softmax' })], { seed: 1 });
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const history = await model.fit(train.x, train.y, { epochs: 1, batchSize: 8, verbose: 0 });
    expect(Number.isFinite(history.history.loss[0])).toBe(true);
    model.dispose();
  });

  it('without dir, still the npm package: 8000 + 2000 digits by default', async () => {
    const { train, test } = await nn.data.loadMnist();
    expect([train.n, test.n]).toEqual([8000, 2000]);
  });

  it('missing files are a DataError naming each one and all four', async () => {
    const dir = quadrupleDir(5, 5, 2, 2);
    unlinkSync(join(dir, 't10k-images-idx3-ubyte.gz'));
    unlinkSync(join(dir, 'train-labels-idx1-ubyte'));
    await expect(nn.data.loadMnist({ dir })).rejects.toThrow(DataError);
    await expect(nn.data.loadMnist({ dir })).rejects.toThrow(
      new RegExp(`^loadMnist: ${dir} lacks train-labels-idx1-ubyte, t10k-images-idx3-ubyte \\(plain or \\.gz\\)\\. It needs four IDX files, plain or gzip: train-images-idx3-ubyte\\.gz, train-labels-idx1-ubyte\\.gz, t10k-images-idx3-ubyte\\.gz, t10k-labels-idx1-ubyte\\.gz\\.`),
    );
    await expect(nn.data.loadMnist({ dir: join(dir, 'nowhere') })).rejects.toThrow(/lacks train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte/);
  });

  it('files that disagree are DataErrors naming the file', async () => {
    const write = (name: string, bytes: Uint8Array): string => {
      const dir = quadrupleDir(6, 4, 2, 2);
      writeFileSync(join(dir, name), gzip(bytes));
      return dir;
    };
    const cases: [string, Uint8Array, RegExp][] = [
      ['train-labels-idx1-ubyte.gz', writeIdx('uint8', [6], [0, 1, 2, 3, 4, 10]), /train-labels-idx1-ubyte\.gz: label 10 at index 5 is outside 0\.\.9/],
      ['train-labels-idx1-ubyte.gz', writeIdx('uint8', [5], [0, 1, 2, 3, 4]), /train-images-idx3-ubyte\.gz: expected uint8 images of shape \[5, height, width\] to match the 5 labels of .*train-labels-idx1-ubyte\.gz, found Uint8Array of shape \[6, 2, 2\]/],
      ['train-labels-idx1-ubyte.gz', writeIdx('int32', [6], [0, 1, 2, 3, 4, 5]), /expected uint8 labels of shape \[n\], found Int32Array of shape \[6\]/],
      ['t10k-images-idx3-ubyte.gz', writeIdx('uint8', [4, 4], new Array(16).fill(0)), /t10k-images-idx3-ubyte\.gz: expected uint8 images of shape \[4, height, width\].*found Uint8Array of shape \[4, 4\]/],
      ['t10k-images-idx3-ubyte.gz', writeIdx('uint8', [4, 3, 2], new Array(24).fill(0)), /^loadMnist: the training images are \[2, 2\] but the test images are \[3, 2\]; expected the same size$/],
      ['t10k-images-idx3-ubyte.gz', writeIdx('uint8', [4, 2, 2], new Array(15).fill(0)), /^loadMnist: .*t10k-images-idx3-ubyte\.gz: the header promises 16 bytes of data \(4×2×2 uint8\), found 15 after inflating$/],
    ];
    for (const [name, bytes, message] of cases) {
      const dir = write(name, bytes);
      await expect(nn.data.loadMnist({ dir }), String(message)).rejects.toThrow(DataError);
      await expect(nn.data.loadMnist({ dir })).rejects.toThrow(message);
    }
  });

  it('bad options are ValueErrors naming the option and the file size', async () => {
    const dir = quadrupleDir(6, 4, 2, 2);
    await expect(nn.data.loadMnist({ dir, trainSize: 7 })).rejects.toThrow(ValueError);
    await expect(nn.data.loadMnist({ dir, trainSize: 7 })).rejects.toThrow(/^loadMnist: trainSize must be an integer in \[0, 6\] \(the samples in .*train-images-idx3-ubyte\.gz\), got 7$/);
    await expect(nn.data.loadMnist({ dir, testSize: -1 })).rejects.toThrow(/^loadMnist: testSize must be an integer ≥ 0, got -1$/);
    await expect(nn.data.loadMnist({ dir, seed: 0.5 })).rejects.toThrow(/^loadMnist: seed must be an integer, got 0\.5$/);
    await expect(nn.data.loadMnist({ dir: '' })).rejects.toThrow(/^loadMnist: dir must be a directory path, got an empty string$/);
    await expect(nn.data.loadMnist({ trainSize: 1.5 })).rejects.toThrow(/^loadMnist: trainSize must be an integer ≥ 0, got 1\.5$/);
  });
});
