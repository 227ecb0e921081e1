/**
 * The IDX format of MNIST-like data sets, plain or gzip:
 *
 *   byte 0, 1     0x00 0x00          magic
 *   byte 2        type code          0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
 *   byte 3        rank r             the number of dimensions (this reader accepts 1..4)
 *   byte 4..      r big-endian uint32 dimensions d0, d1, …, d(r-1)
 *   byte 4 + 4r.. d0·d1·…·d(r-1) big-endian values, row-major (the last index varies fastest)
 *
 * so a valid file is exactly 4 + 4r + (d0·…·d(r-1))·(bytes per value) bytes long.
 *
 *   const { shape, data } = await nn.data.readIdx(await readFile('train-labels-idx1-ubyte.gz'));
 *   // shape [60000], data a Uint8Array of 60,000 labels
 *
 * The reader checks the header against that length before it allocates anything. Gzip input
 * (first bytes 1f 8b) is inflated in chunks, `node:zlib` in Node and DecompressionStream in
 * browsers, and checked against the length its header promises as the chunks arrive. So a
 * truncated, padded, corrupt or absurd file costs no more than its header and one chunk, and
 * ends in a DataError that says what was expected and what was found.
 */

import { DataError, ValueError } from '../errors.js';

/** The values of an IDX file, in the typed array that matches its type code. */
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A decoded IDX file: its dimensions and its values, row-major. */
export interface Idx {
  shape: number[];
  data: IdxData;
}

/** One value type of the format: its name, size in bytes, array and big-endian reader. */
interface IdxType {
  name: string;
  bytes: number;
  create: (length: number) => IdxData;
  read: (view: DataView, offset: number) => number;
}

const TYPES = new Map<number, IdxType>([
  [0x08, { name: 'uint8', bytes: 1, create: (n) => new Uint8Array(n), read: (v, o) => v.getUint8(o) }],
  [0x09, { name: 'int8', bytes: 1, create: (n) => new Int8Array(n), read: (v, o) => v.getInt8(o) }],
  [0x0b, { name: 'int16', bytes: 2, create: (n) => new Int16Array(n), read: (v, o) => v.getInt16(o, false) }],
  [0x0c, { name: 'int32', bytes: 4, create: (n) => new Int32Array(n), read: (v, o) => v.getInt32(o, false) }],
  [0x0d, { name: 'float32', bytes: 4, create: (n) => new Float32Array(n), read: (v, o) => v.getFloat32(o, false) }],
  [0x0e, { name: 'float64', bytes: 8, create: (n) => new Float64Array(n), read: (v, o) => v.getFloat64(o, false) }],
]);

/** Largest rank accepted: vectors (labels), matrices, image stacks [n, h, w] and [n, h, w, channels]. */
export const MAX_IDX_RANK = 4;

/** Largest data section accepted, in bytes (1 GiB; Fashion-MNIST's training images take 47 MB). */
export const MAX_IDX_DATA_BYTES = 2 ** 30;

/** A checked header: where the data starts and how many bytes of it the dimensions promise. */
interface IdxHeader {
  type: IdxType;
  shape: number[];
  headerBytes: number;
  dataBytes: number;
}

/** Inflates gzip bytes into a stream of chunks; throws whatever the inflater throws on corrupt input. */
export type Gunzip = (bytes: Uint8Array) => AsyncGenerator<Uint8Array>;

/**
 * Reads an IDX file (plain or gzip) into `{ shape, data }`; data is a Uint8Array for type
 * 0x08, an Int8Array, Int16Array, Int32Array, Float32Array or Float64Array for the others,
 * never sharing memory with `bytes`. Anything but a well-formed file is a DataError.
 */
export async function readIdx(bytes: Uint8Array | ArrayBuffer): Promise<Idx> {
  return readIdxWith(bytes, defaultGunzip(), 'readIdx');
}

/** readIdx with a chosen inflater, and `source` (a caller, a file name) leading every message. */
export async function readIdxWith(bytes: Uint8Array | ArrayBuffer, gunzip: Gunzip, source: string): Promise<Idx> {
  let input: Uint8Array;
  if (bytes instanceof Uint8Array) input = bytes;
  else if (bytes instanceof ArrayBuffer) input = new Uint8Array(bytes);
  else throw new ValueError(`${source}: bytes must be a Uint8Array or an ArrayBuffer, got ${kindOf(bytes)}`);

  if (input.length >= 2 && input[0] === 0x1f && input[1] === 0x8b) {
    const inflated = await inflate(input, gunzip, source);
    return decode(inflated, checkHeader(inflated, source), true);
  }
  const header = checkHeader(input, source);
  return decode(input, header, false);
}

/**
 * The header of a whole file, checked against the file's length: a DataError unless the
 * file holds exactly the header and the data its dimensions promise.
 */
function checkHeader(bytes: Uint8Array, source: string): IdxHeader {
  const header = parseHeader(bytes, source);
  if (header === null) throw truncatedHeader(bytes, source);
  const found = bytes.length - header.headerBytes;
  if (found !== header.dataBytes) throw wrongLength(header, found, source);
  return header;
}

/**
 * The header at the start of `prefix`, or null when `prefix` ends before the header does.
 * Throws DataError as soon as the bytes present contradict the format: a bad magic, an
 * unknown type code, a rank outside 1..4, dimensions whose data would exceed 1 GiB.
 */
function parseHeader(prefix: Uint8Array, source: string): IdxHeader | null {
  if ((prefix.length >= 1 && prefix[0] !== 0) || (prefix.length >= 2 && prefix[1] !== 0)) {
    throw new DataError(`${source}: expected the IDX magic 00 00 (or the gzip magic 1f 8b) at the start, found ${hex(prefix.subarray(0, 4))}`);
  }
  if (prefix.length < 4) return null;
  const type = TYPES.get(prefix[2]);
  if (type === undefined) {
    const known = [...TYPES].map(([code, t]) => `0x${code.toString(16).padStart(2, '0')} ${t.name}`).join(', ');
    throw new DataError(`${source}: unknown type code 0x${prefix[2].toString(16).padStart(2, '0')} in byte 2; expected one of ${known}`);
  }
  const rank = prefix[3];
  if (rank < 1 || rank > MAX_IDX_RANK) {
    throw new DataError(`${source}: rank ${rank} in byte 3 is outside 1..${MAX_IDX_RANK}, the ranks this reader accepts`);
  }
  const headerBytes = 4 + 4 * rank;
  if (prefix.length < headerBytes) return null;
  const view = new DataView(prefix.buffer, prefix.byteOffset, headerBytes);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(view.getUint32(4 + 4 * i, false));
  // Values = d0·d1·…: each partial product is checked before the next multiplication, so
  // the count stays an exact (safe) integer or the header is refused.
  let values = 1;
  for (const d of shape) {
    values *= d;
    if (!Number.isSafeInteger(values) || values * type.bytes > MAX_IDX_DATA_BYTES) {
      throw new DataError(`${source}: the dimensions ${shape.join('×')} (${type.name}) promise more than the ${MAX_IDX_DATA_BYTES} bytes (1 GiB) of data this reader accepts`);
    }
  }
  return { type, shape, headerBytes, dataBytes: values * type.bytes };
}

/** The values after a checked header, as the type's typed array; `owned` bytes may be viewed rather than copied. */
function decode(bytes: Uint8Array, header: IdxHeader, owned: boolean): Idx {
  const { type, shape, headerBytes, dataBytes } = header;
  const start = bytes.byteOffset + headerBytes;
  const count = dataBytes / type.bytes;
  let data: IdxData;
  if (type.bytes === 1) {
    // One byte per value: no byte order. Copy unless the bytes are ours (inflated here).
    const raw = owned ? bytes.subarray(headerBytes) : bytes.slice(headerBytes);
    data = type.name === 'uint8' ? raw : new Int8Array(raw.buffer, raw.byteOffset, count);
  } else {
    const view = new DataView(bytes.buffer, start, dataBytes);
    data = type.create(count);
    for (let i = 0; i < count; i++) data[i] = type.read(view, i * type.bytes);
  }
  return { shape: [...shape], data };
}

/**
 * Inflates gzip `bytes`, reading the IDX header from the first chunks and allocating the
 * output only once the header is checked, with exactly the length it promises; a chunk
 * beyond that length stops the inflation at once.
 */
async function inflate(bytes: Uint8Array, gunzip: Gunzip, source: string): Promise<Uint8Array> {
  const chunks = gunzip(bytes);
  let head = new Uint8Array(0); // what arrived before the header was complete
  let header: IdxHeader | null = null;
  let out = new Uint8Array(0);
  let filled = 0;
  try {
    for (let chunk = await nextChunk(chunks, source); chunk !== null; chunk = await nextChunk(chunks, source)) {
      if (header === null) {
        const joined = new Uint8Array(head.length + chunk.length);
        joined.set(head);
        joined.set(chunk, head.length);
        header = parseHeader(joined, source);
        if (header === null) {
          head = joined;
          continue;
        }
        chunk = joined;
        out = new Uint8Array(header.headerBytes + header.dataBytes);
      }
      if (filled + chunk.length > out.length) throw tooLong(header, filled + chunk.length - header.headerBytes, source);
      out.set(chunk, filled);
      filled += chunk.length;
    }
  } finally {
    await chunks.return(undefined); // stops the inflater when we stop early
  }
  if (header === null) throw truncatedHeader(head, source, ' after inflating');
  if (filled < out.length) throw wrongLength(header, filled - header.headerBytes, source, ' after inflating');
  return out;
}

/** The inflater's next chunk, or null at the end; its own failures (corrupt or truncated gzip) become DataErrors. */
async function nextChunk(chunks: AsyncGenerator<Uint8Array>, source: string): Promise<Uint8Array | null> {
  try {
    const next = await chunks.next();
    return next.done ? null : next.value;
  } catch (error) {
    throw new DataError(`${source}: the gzip data is corrupt or truncated (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** node:zlib in Node, DecompressionStream elsewhere. */
function defaultGunzip(): Gunzip {
  const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
  return isNode ? gunzipNode : gunzipWeb;
}

/** Inflates with node:zlib, reached on first use so that this module also loads in browsers. */
export async function* gunzipNode(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  // getBuiltinModule, not import(): a call bundlers for the browser do not try to resolve.
  const zlib = process.getBuiltinModule('node:zlib');
  const stream = zlib.createGunzip({ chunkSize: 1 << 16 });
  stream.end(bytes);
  try {
    for await (const chunk of stream) yield chunk as Uint8Array;
  } finally {
    stream.destroy();
  }
}

/** Inflates with the web platform's DecompressionStream (browsers; Node ≥ 18 has it too). */
export async function* gunzipWeb(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  const input = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream();
  const reader = input.pipeThrough(new DecompressionStream('gzip')).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.cancel().catch(() => undefined); // already closed or errored: nothing to release
  }
}

function describe(header: IdxHeader): string {
  return `${header.dataBytes} bytes of data (${header.shape.join('×')} ${header.type.name})`;
}

function wrongLength(header: IdxHeader, found: number, source: string, when = ''): DataError {
  const what = found > header.dataBytes ? `: ${found - header.dataBytes} bytes too many` : '';
  return new DataError(`${source}: the header promises ${describe(header)}, found ${found}${when}${what}`);
}

function tooLong(header: IdxHeader, atLeast: number, source: string): DataError {
  return new DataError(`${source}: the header promises ${describe(header)}, but the gzip data inflates to at least ${atLeast}`);
}

function truncatedHeader(bytes: Uint8Array, source: string, when = ''): DataError {
  const expected = bytes.length >= 4 ? `${4 + 4 * bytes[3]} bytes of header (rank ${bytes[3]})` : 'a header of at least 4 bytes';
  return new DataError(`${source}: expected ${expected}, found ${bytes.length} bytes in all${when}`);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return value.constructor?.name ?? 'an object';
}

function hex(bytes: Uint8Array): string {
  return bytes.length === 0 ? 'nothing' : Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
