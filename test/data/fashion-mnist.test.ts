import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as nn from '../../src/index.js';
import { DataError, ValueError } from '../../src/errors.js';

const DIR = nn.data.FASHION_MNIST_DIR;
const FILES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];
const missing = FILES.filter((name) => !existsSync(join(DIR, name)));
if (missing.length > 0) {
  console.log(`Skipping the Fashion-MNIST file tests: ${DIR} lacks ${missing.join(', ')} (apt-get install dataset-fashion-mnist).`);
}

/** Equality of two byte arrays (vitest's toEqual walks 784,000 elements one by one). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function classCounts(labels: Float32Array): number[] {
  const counts = new Array(10).fill(0);
  for (const label of labels) counts[label]++;
  return counts;
}

describe('loadFashionMnist', () => {
  it.skipIf(missing.length > 0)('the full set: 60,000 + 10,000 28×28 images, exactly 6,000 and 1,000 per class, pixels as bytes with scale 1/255', async () => {
    const { train, test, classNames } = await nn.data.loadFashionMnist({ seed: 7 });
    expect([train.n, test.n]).toEqual([60000, 10000]);
    expect(train.x.pixels).toBeInstanceOf(Uint8Array);
    expect([train.x.scale, test.x.scale]).toEqual([1 / 255, 1 / 255]);
    expect([train.x.pixels.length, test.x.pixels.length]).toEqual([60000 * 784, 10000 * 784]);
    expect([train.y.length, test.y.length]).toEqual([60000, 10000]);
    expect(train.sampleShape).toEqual([28, 28]);
    expect(train.numClasses).toBe(10);
    expect(classNames).toEqual(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
    expect(classCounts(train.y)).toEqual(new Array(10).fill(6000));
    expect(classCounts(test.y)).toEqual(new Array(10).fill(1000));
    // Both ends of 0..255 occur, and the training mean of v/255 is Fashion-MNIST's well-known
    // 0.2860 (dividing by 256 instead would give 0.2849).
    const x = train.x.pixels;
    let min = 255, max = 0, sum = 0;
    for (let i = 0; i < x.length; i++) {
      if (x[i] < min) min = x[i];
      if (x[i] > max) max = x[i];
      sum += x[i];
    }
    expect([min, max]).toEqual([0, 255]);
    expect(sum / 255 / x.length).toBeCloseTo(0.286, 3);

    // A subset is a prefix of what the same seed gives in full.
    const part = await nn.data.loadFashionMnist({ trainSize: 1000, testSize: 300, seed: 7 });
    expect(sameBytes(part.train.x.pixels, train.x.pixels.subarray(0, 1000 * 784))).toBe(true);
    expect(part.test.y).toEqual(test.y.subarray(0, 300));
  });

  it.skipIf(missing.length > 0)('subsets differ by seed and are roughly balanced', async () => {
    // (The test above shows that the same seed gives the same samples.)
    const a = await nn.data.loadFashionMnist({ trainSize: 2000, testSize: 500, seed: 1 });
    const c = await nn.data.loadFashionMnist({ trainSize: 2000, testSize: 500, seed: 2 });
    expect([a.train.n, a.test.n]).toEqual([2000, 500]);
    expect(c.train.y).not.toEqual(a.train.y);
    // 2000 draws without replacement from 10 equal classes: 200 each, sd ≈ 13.4; 150..250 is ±3.7 sd.
    for (const count of classCounts(a.train.y)) {
      expect(count).toBeGreaterThanOrEqual(150);
      expect(count).toBeLessThanOrEqual(250);
    }
    expect(nn.data.FASHION_MNIST_CLASS_NAMES[a.train.y[0]]).toBe(a.classNames[a.train.y[0]]);
  });

  it.skipIf(missing.length > 0)('sizes beyond the files are ValueErrors naming the option and the limit', async () => {
    await expect(nn.data.loadFashionMnist({ trainSize: 60001 })).rejects.toThrow(ValueError);
    await expect(nn.data.loadFashionMnist({ trainSize: 10, testSize: 10001 })).rejects.toThrow(/^loadFashionMnist: testSize must be an integer in \[0, 10000\] \(the samples in .*t10k-images-idx3-ubyte\.gz\), got 10001$/);
  });

  it('missing files are a DataError naming the Debian package and the four files', async () => {
    const error = await nn.data.loadFashionMnist({ dir: '/nonexistent/fashion' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    const message = (error as Error).message;
    expect(message).toMatch(/^loadFashionMnist: \/nonexistent\/fashion lacks train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte \(plain or \.gz\)/);
    expect(message).toContain('apt-get install dataset-fashion-mnist');
    expect(message).toContain('/usr/share/datasets/fashion-mnist');
    for (const name of FILES) expect(message).toContain(name);
  });
});
