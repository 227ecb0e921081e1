import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as nn from '../../src/index.js';
import { DataError, ValueError } from '../../src/errors.js';
import { gunzipNode, gunzipWeb, readIdxWith, type Gunzip } from '../../src/data/idx.js';
import { IDX_TYPES, gzip, idxHeader, writeIdx, type IdxTypeName } from '../helpers/idx.js';

const RUNS = { seed: 10, numRuns: 150 };
const INFLATERS: [string, Gunzip][] = [['node:zlib', gunzipNode], ['DecompressionStream', gunzipWeb]];

/** Values that survive each type exactly. */
const valuesOf: Record<IdxTypeName, fc.Arbitrary<number>> = {
  uint8: fc.integer({ min: 0, max: 255 }),
  int8: fc.integer({ min: -128, max: 127 }),
  int16: fc.integer({ min: -32768, max: 32767 }),
  int32: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  float32: fc.float({ noNaN: true }),
  float64: fc.double({ noNaN: true }),
};
const ARRAYS: Record<IdxTypeName, string> = { uint8: 'Uint8Array', int8: 'Int8Array', int16: 'Int16Array', int32: 'Int32Array', float32: 'Float32Array', float64: 'Float64Array' };

/** A type, a shape of rank 1..4 (dimensions 0..5) and values to fill it. */
const fileArbitrary = fc
  .tuple(fc.constantFrom(...(Object.keys(IDX_TYPES) as IdxTypeName[])), fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 4 }))
  .chain(([type, shape]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    return fc.record({ type: fc.constant(type), shape: fc.constant(shape), values: fc.array(valuesOf[type], { minLength: size, maxLength: size }) });
  });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('readIdx: round trips of files written here', () => {
  it('every type and shape, plain and gzip, through both inflaters', async () => {
    await fc.assert(
      fc.asyncProperty(fileArbitrary, async ({ type, shape, values }) => {
        const plain = writeIdx(type, shape, values);
        // Also from an odd offset into a larger buffer, as a Node Buffer from a pool may be.
        const padded = new Uint8Array(plain.length + 3);
        padded.set(plain, 3);
        const results = [await nn.data.readIdx(plain), await nn.data.readIdx(padded.subarray(3)), await nn.data.readIdx(gzip(plain))];
        for (const [, inflater] of INFLATERS) results.push(await readIdxWith(gzip(plain), inflater, 'test'));
        for (const { shape: s, data } of results) {
          expect(s).toEqual(shape);
          expect(data.constructor.name).toBe(ARRAYS[type]);
          expect(Array.from(data)).toEqual(values.map((v) => (type === 'float32' ? Math.fround(v) : v)));
        }
      }),
      RUNS,
    );
  });

  it('reads big-endian values: int16 0x0102 is 258, float32 3f 80 00 00 is 1', async () => {
    const int16 = await nn.data.readIdx(new Uint8Array([0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe]));
    expect(Array.from(int16.data)).toEqual([258, -2]);
    const float32 = await nn.data.readIdx(new Uint8Array([0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0x80, 0, 0]));
    expect(Array.from(float32.data)).toEqual([1]);
  });

  it('takes an ArrayBuffer, and never shares memory with its input', async () => {
    const plain = writeIdx('uint8', [2, 3], [1, 2, 3, 4, 5, 6]);
    const fromBuffer = await nn.data.readIdx(plain.slice().buffer);
    expect(fromBuffer.shape).toEqual([2, 3]);
    const { data } = await nn.data.readIdx(plain);
    plain.fill(0);
    expect(Array.from(data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads a uint8 file with 0-sized dimensions as empty data', async () => {
    const { shape, data } = await nn.data.readIdx(writeIdx('uint8', [0, 28, 28], []));
    expect(shape).toEqual([0, 28, 28]);
    expect(data.length).toBe(0);
  });
});

describe('readIdx: malformed files are DataErrors that say what was expected and found', () => {
  const good = writeIdx('uint8', [2, 3], [1, 2, 3, 4, 5, 6]);

  const cases: [string, Uint8Array, RegExp][] = [
    ['a truncated header', good.subarray(0, 6), /expected 12 bytes of header \(rank 2\), found 6 bytes in all/],
    ['a file shorter than 4 bytes', good.subarray(0, 3), /expected a header of at least 4 bytes, found 3/],
    ['an empty file', new Uint8Array(0), /expected a header of at least 4 bytes, found 0/],
    ['truncated data', good.subarray(0, 16), /the header promises 6 bytes of data \(2×3 uint8\), found 4$/],
    ['extra bytes', new Uint8Array([...good, 9, 9]), /the header promises 6 bytes of data \(2×3 uint8\), found 8: 2 bytes too many/],
    ['a bad magic', new Uint8Array([0x50, 0x4b, 3, 4, ...good.subarray(4)]), /expected the IDX magic 00 00 \(or the gzip magic 1f 8b\) at the start, found 50 4b 03 04/],
    ['a wrong type code', good.map((b, i) => (i === 2 ? 0x0a : b)), /unknown type code 0x0a in byte 2; expected one of 0x08 uint8, 0x09 int8, 0x0b int16, 0x0c int32, 0x0d float32, 0x0e float64/],
    ['rank 0', new Uint8Array([0, 0, 8, 0]), /rank 0 in byte 3 is outside 1\.\.4/],
    ['rank 5', idxHeader(0x08, [1, 1, 1, 1, 1]), /rank 5 in byte 3 is outside 1\.\.4/],
    ['dimensions whose product is not a safe integer', idxHeader(0x08, [2 ** 32 - 1, 2 ** 32 - 1, 2 ** 32 - 1, 2 ** 32 - 1]), /the dimensions 4294967295×4294967295×4294967295×4294967295 \(uint8\) promise more than the 1073741824 bytes \(1 GiB\)/],
    ['dimensions beyond 1 GiB of data', idxHeader(0x0e, [65536, 65536]), /the dimensions 65536×65536 \(float64\) promise more than the 1073741824 bytes/],
    ['dimensions that exceed the bytes', idxHeader(0x08, [60000, 28, 28]), /the header promises 47040000 bytes of data \(60000×28×28 uint8\), found 0$/],
  ];

  for (const [what, bytes, message] of cases) {
    it(`${what}, plain and gzip`, async () => {
      const plainError = await rejection(nn.data.readIdx(bytes));
      expect(plainError).toBeInstanceOf(DataError);
      expect((plainError as Error).message).toMatch(/^readIdx: /);
      expect((plainError as Error).message).toMatch(message);
      for (const [, inflater] of INFLATERS) {
        const error = await rejection(readIdxWith(gzip(bytes), inflater, 'readIdx'));
        expect(error).toBeInstanceOf(DataError);
        // Inflated data that is too long is caught before the end, so it reports "at least".
        const inflated = what === 'extra bytes' ? /promises 6 bytes of data \(2×3 uint8\), but the gzip data inflates to at least 8/ : message;
        expect((error as Error).message.replace(' after inflating', '')).toMatch(inflated);
      }
    });
  }

  it('a truncated or corrupt gzip stream', async () => {
    const packed = gzip(writeIdx('int32', [50], Array.from({ length: 50 }, (_, i) => i * 1000)));
    const corruptCrc = packed.map((b, i) => (i === packed.length - 6 ? b ^ 0xff : b));
    for (const [name, inflater] of INFLATERS) {
      for (const bytes of [packed.subarray(0, packed.length - 10), packed.subarray(0, 12), corruptCrc]) {
        const error = await rejection(readIdxWith(bytes, inflater, 'readIdx'));
        expect(error, name).toBeInstanceOf(DataError);
        expect((error as Error).message, name).toMatch(/^readIdx: the gzip data is corrupt or truncated \(.+\)$/);
      }
    }
  });

  it('stops inflating a gzip bomb at the length its header promises', async () => {
    // A header promising 10 uint8 values, then 32 MiB of zeros, which deflate to about 32 KiB.
    const file = new Uint8Array(32 << 20);
    file.set(writeIdx('uint8', [10], new Array(10).fill(0)));
    const bomb = gzip(file);
    expect(bomb.length).toBeLessThan(1 << 20);
    for (const [name, inflater] of INFLATERS) {
      let inflated = 0;
      const counting: Gunzip = async function* (bytes) {
        for await (const chunk of inflater(bytes)) {
          inflated += chunk.length;
          yield chunk;
        }
      };
      const error = await rejection(readIdxWith(bomb, counting, 'readIdx'));
      expect(error, name).toBeInstanceOf(DataError);
      expect((error as Error).message).toMatch(/the header promises 10 bytes of data \(10 uint8\), but the gzip data inflates to at least \d+/);
      expect(inflated, `${name} inflated ${inflated} bytes`).toBeLessThan(1 << 20);
    }
  });

  it('refuses a gzip whose header promises more than 1 GiB after the first chunk', async () => {
    const packed = gzip(new Uint8Array([...idxHeader(0x08, [1 << 16, 1 << 15]), ...new Uint8Array(1 << 20)]));
    const error = await rejection(nn.data.readIdx(packed));
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toMatch(/the dimensions 65536×32768 \(uint8\) promise more than the 1073741824 bytes/);
  });

  it('anything but bytes is a ValueError naming the argument', async () => {
    for (const input of ['IDX', null, [0, 0, 8, 1], new Int16Array(4)]) {
      const error = await rejection(nn.data.readIdx(input as unknown as Uint8Array));
      expect(error).toBeInstanceOf(ValueError);
      expect((error as Error).message).toMatch(/^readIdx: bytes must be a Uint8Array or an ArrayBuffer, got (string|null|Array|Int16Array)$/);
    }
  });
});

describe('readIdx: mutated files either read or throw DataError, never anything else', () => {
  /** A small valid file of any type. */
  const validFile = fileArbitrary.filter(({ values }) => values.length > 0).map(({ type, shape, values }) => writeIdx(type, shape, values));

  type Edit = { kind: string; at?: number; mask?: number; tail?: Uint8Array; value?: number };

  /** One edit of `bytes`: a byte flip, a truncation, an extension, or a new header byte or dimension. */
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('extend' as const), tail: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
    fc.record({ kind: fc.constant('header' as const), at: fc.integer({ min: 0, max: 3 }), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('dimension' as const), at: fc.nat(), value: fc.oneof(fc.nat({ max: 64 }), fc.integer({ min: 0, max: 2 ** 32 - 1 })) }),
  ) as fc.Arbitrary<Edit>;

  function mutate(bytes: Uint8Array, m: Edit): Uint8Array {
    const out = bytes.slice();
    switch (m.kind) {
      case 'flip': out[m.at! % out.length] ^= m.mask!; return out;
      case 'truncate': return out.subarray(0, m.at! % out.length);
      case 'extend': return new Uint8Array([...out, ...m.tail!]);
      case 'header': out[m.at!] = m.value!; return out;
      default: {
        const rank = out.length < 4 ? 0 : Math.min(out[3], Math.floor((out.length - 4) / 4));
        if (rank > 0) new DataView(out.buffer).setUint32(4 + 4 * (m.at! % rank), m.value!, false);
        return out;
      }
    }
  }

  /** Reads, and checks that a successful read is self-consistent. */
  async function readOrDataError(read: () => Promise<{ shape: number[]; data: ArrayLike<number> }>): Promise<void> {
    try {
      const { shape, data } = await read();
      expect(data.length).toBe(shape.reduce((a, b) => a * b, 1));
    } catch (error) {
      if (!(error instanceof DataError)) throw error;
    }
  }

  it('plain files', async () => {
    await fc.assert(
      fc.asyncProperty(validFile, fc.array(mutation, { minLength: 1, maxLength: 3 }), async (file, edits) => {
        const mutated = edits.reduce(mutate, file);
        await readOrDataError(() => nn.data.readIdx(mutated));
      }),
      { ...RUNS, numRuns: 400 },
    );
  });

  it('gzip files: mutations of the compressed bytes and compressed mutations, through both inflaters', async () => {
    await fc.assert(
      fc.asyncProperty(validFile, fc.array(mutation, { minLength: 1, maxLength: 3 }), async (file, edits) => {
        const mutatedThenPacked = gzip(edits.reduce(mutate, file));
        // Keep the gzip magic so that the compressed stream, not the IDX header, is what breaks.
        const packedThenMutated = edits.reduce(mutate, gzip(file));
        packedThenMutated.set([0x1f, 0x8b].slice(0, packedThenMutated.length));
        for (const [, inflater] of INFLATERS) {
          await readOrDataError(() => readIdxWith(mutatedThenPacked, inflater, 'test'));
          await readOrDataError(() => readIdxWith(packedThenMutated, inflater, 'test'));
        }
      }),
      { ...RUNS, numRuns: 250 },
    );
  });
});
