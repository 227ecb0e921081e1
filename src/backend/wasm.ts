/**
 * The wasm backend: the Kernels contract implemented by `build/kernels.wasm`.
 *
 * The module imports its memory, so this file creates the WebAssembly.Memory, hands the
 * part above the module's static data to the allocator (memory.ts), and passes byte
 * offsets to the kernels. Two builds exist from one source: plain SIMD and relaxed SIMD
 * (fused multiply-add). `loadWasmKernels` picks relaxed where the engine validates it,
 * unless `relaxed: false` asks for the plain build (bit-for-bit identical across machines),
 * and checks that the file it loaded is that build, current with this source.
 *
 * Where threads can run (threads.ts), each build is loaded in its threads variant, over a
 * shared memory, and big gemms are split across worker threads; every other kernel, and
 * every small gemm, runs on the calling thread as before.
 */

import type { ActivationKind, Kernels, MemoryStats, Storage, TargetEncoding } from './kernels.js';
import { ACTIVATION_KINDS, checkAllocLength, checkGemmAliasing, derivativeSource } from './kernels.js';
import { Allocator, type GrowableMemory } from './memory.js';
import { BackendError, ValueError } from '../errors.js';
import { compileKernelsFile, isNode } from './wasm-file.js';
import { PARALLEL_MIN_FLOPS, PARALLEL_MIN_UPDATE, ThreadPool, checkThreadCount, defaultThreadCount, threadsUnavailableReason, type BlockExports } from './threads.js';

/**
 * The module's function exports, as the kernels in assembly/ declare them: storages as byte
 * offsets (an absent optional one as 0), booleans as 0/1. (gemmBlock and the tile size, which
 * the threads drive, are declared in threads.ts.)
 */
interface KernelExports extends BlockExports {
  heapBase(): number;
  isRelaxed(): number;
  gemmWorkspaceBytes(): number;
  gemm(transA: number, transB: number, m: number, n: number, k: number, a: number, b: number, c: number, accumulate: number, work: number): void;
  biasAdd(x: number, bias: number, y: number, m: number, n: number): void;
  columnSums(x: number, out: number, m: number, n: number, accumulate: number): void;
  activationForward(kind: number, x: number, y: number, n: number, alpha: number): void;
  activationBackward(kind: number, x: number, y: number, dy: number, dx: number, n: number, alpha: number): void;
  softmax(x: number, y: number, m: number, n: number): void;
  softmaxCrossEntropy(logits: number, targets: number, grad: number, m: number, n: number, sparse: number, gradScale: number): number;
  scale(x: number, alpha: number, y: number, n: number): void;
  add(a: number, b: number, y: number, n: number): void;
  axpy(alpha: number, x: number, y: number, n: number): void;
  fill(x: number, value: number, n: number): void;
  copy(src: number, dst: number, n: number): void;
  allFinite(x: number, n: number): number;
  bytesToFloats(src: number, dst: number, n: number, scale: number): void;
  sgdUpdate(w: number, g: number, velocity: number, n: number, lr: number, momentum: number, nesterov: number, keptW: number, keptVelocity: number): number;
  rmspropUpdate(w: number, g: number, meanSquare: number, n: number, lr: number, rho: number, epsilon: number, keptW: number, keptMeanSquare: number): number;
  adamUpdate(
    w: number, g: number, m: number, v: number, n: number, lr: number, beta1: number, beta2: number, epsilon: number,
    biasCorrection1: number, biasCorrection2: number, weightDecay: number, keptW: number, keptM: number, keptV: number,
  ): number;
  penalty(w: number, n: number, l1: number, l2: number): number;
  penaltyGradient(w: number, g: number, n: number, l1: number, l2: number): void;
  batchNormForwardTraining(x: number, gamma: number, beta: number, y: number, xhat: number, mean: number, variance: number, invStd: number, m: number, n: number, epsilon: number): void;
  batchNormForwardInference(x: number, gamma: number, beta: number, movingMean: number, movingVariance: number, y: number, m: number, n: number, epsilon: number): void;
  batchNormBackward(dy: number, xhat: number, gamma: number, invStd: number, dx: number, dgamma: number, dbeta: number, m: number, n: number): void;
  movingAverage(moving: number, value: number, momentum: number, n: number): void;
  dropoutForward(x: number, mask: number, y: number, n: number, key: number, threshold: number, keepScale: number): void;
  dropoutBackward(dy: number, mask: number, dx: number, n: number): void;
}

/** The smallest gemm (2·m·n·k) that takes gemm's packed path: it loops directly up to m·n·k = 512. */
const PACKED_MIN_FLOPS = 2 * 513;

/** A range of linear memory. Its view is rebuilt whenever memory has grown. */
class WasmStorage implements Storage {
  private cachedBuffer: ArrayBuffer | null = null;
  private cachedView: Float32Array | null = null;
  freed = false;

  constructor(
    private readonly memory: GrowableMemory,
    /** Byte offset in linear memory (16-byte aligned). */
    readonly byteOffset: number,
    readonly length: number,
  ) {}

  get address(): number {
    return this.byteOffset / 4;
  }

  view(): Float32Array {
    const buffer = this.memory.buffer;
    if (buffer !== this.cachedBuffer || this.cachedView === null) {
      this.cachedBuffer = buffer;
      this.cachedView = new Float32Array(buffer, this.byteOffset, this.length);
    }
    return this.cachedView;
  }
}

export class WasmKernels implements Kernels {
  readonly name = 'wasm' as const;
  private readonly allocator: Allocator;
  private readonly workspace: number;
  /** Worker threads for big gemms; null for a build over unshared memory. */
  private readonly pool: ThreadPool | null;
  /**
   * Gemms of at least this many flops (2·m·n·k) are split across the threads (and never one
   * below PACKED_MIN_FLOPS, since only gemm's packed path can be split bit-exactly).
   * bench/threads-cutoff.ts lowers it to time the split on every size.
   */
  parallelMinFlops = PARALLEL_MIN_FLOPS;
  /** Adam and RMSprop updates of at least this many values are split across the threads. */
  parallelMinUpdate = PARALLEL_MIN_UPDATE;

  /**
   * The largest operand a split gemm packs once for all its blocks, in bytes; bigger ones are
   * packed by each block (SHARED_MAX_BYTES in threads.ts; a test sets 0 to run that path).
   */
  set sharedPackMaxBytes(bytes: number) {
    if (this.pool !== null) this.pool.sharedMaxBytes = bytes;
  }

  constructor(
    private readonly exports: KernelExports,
    // The module's WebAssembly.Memory, typed by what is used of it, so that the published
    // declarations need no DOM lib (Node's types have no WebAssembly namespace).
    private readonly memory: GrowableMemory,
    /** True when this instance runs the relaxed-SIMD (FMA) build. */
    readonly relaxed: boolean,
    /** The build's code for each activation kind (see `activationCodes`). */
    private readonly activationCode: Record<ActivationKind, number>,
    /** The compiled threads build and its shared memory, for the workers; null without threads. */
    shared: { module: unknown; memory: unknown } | null = null,
  ) {
    this.allocator = new Allocator(memory, exports.heapBase());
    const workspaceBytes = Math.max(16, exports.gemmWorkspaceBytes());
    this.workspace = this.allocator.alloc(workspaceBytes);
    this.pool = shared === null ? null : new ThreadPool(
      shared.module, shared.memory as { readonly buffer: ArrayBufferLike }, exports, this.workspace, this.allocator, workspaceBytes,
    );
  }

  // ---- threads ------------------------------------------------------------------------
  /** Threads that share each big gemm (1: the calling thread alone). */
  get threads(): number {
    return this.pool?.threads ?? 1;
  }

  /**
   * Starts or stops worker threads so that `threads` threads share each big gemm. A build
   * over unshared memory (threads unavailable here) runs on one thread whatever is asked.
   */
  async setThreads(threads: number): Promise<void> {
    checkThreadCount('setThreads', threads);
    await this.pool?.resize(threads);
  }

  /** Stops the worker threads (the backend keeps working on the calling thread). */
  dispose(): void {
    this.pool?.dispose();
  }

  // ---- memory -------------------------------------------------------------------------
  alloc(length: number): Storage {
    checkAllocLength(length, this.allocator.stats().bytesInUse);
    const offset = this.allocator.alloc(length * 4);
    const storage = new WasmStorage(this.memory, offset, length);
    storage.view().fill(0); // reused memory holds old values; the contract promises zeros
    return storage;
  }

  free(storage: Storage): void {
    const s = this.own(storage);
    if (s.freed) throw new ValueError('free: storage was already freed');
    s.freed = true;
    this.allocator.free(s.byteOffset);
  }

  memoryStats(): MemoryStats {
    const stats = this.allocator.stats();
    // The gemm workspaces and the threads' control slots are the backend's own, not a user's allocations.
    const own = [this.workspace, ...(this.pool?.privateOffsets() ?? [])];
    const ownBytes = own.reduce((sum, offset) => sum + (this.allocator.sizeOf(offset) ?? 0), 0);
    return { ...stats, liveAllocations: stats.liveAllocations - own.length, bytesInUse: stats.bytesInUse - ownBytes };
  }

  /** Byte offset of a storage of this backend. */
  private own(storage: Storage): WasmStorage {
    if (!(storage instanceof WasmStorage)) throw new ValueError('wasm backend: storage belongs to another backend');
    return storage;
  }

  private ptr(storage: Storage): number {
    return this.own(storage).byteOffset;
  }

  // ---- kernels ----------------------------------------------------------------------------
  gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number,
    a: Storage, b: Storage, c: Storage, accumulate: boolean,
  ): void {
    checkGemmAliasing(transA, transB, m, n, k, a, b, c);
    const e = this.exports;
    if (this.pool !== null && this.pool.threads > 1 && 2 * m * n * k >= Math.max(this.parallelMinFlops, PACKED_MIN_FLOPS)) {
      this.pool.gemm(+transA, +transB, m, n, k, this.ptr(a), this.ptr(b), this.ptr(c), +accumulate);
    } else {
      e.gemm(+transA, +transB, m, n, k, this.ptr(a), this.ptr(b), this.ptr(c), +accumulate, this.workspace);
    }
  }

  biasAdd(x: Storage, bias: Storage, y: Storage, m: number, n: number): void {
    this.exports.biasAdd(this.ptr(x), this.ptr(bias), this.ptr(y), m, n);
  }

  columnSums(x: Storage, out: Storage, m: number, n: number, accumulate: boolean): void {
    this.exports.columnSums(this.ptr(x), this.ptr(out), m, n, +accumulate);
  }

  activationForward(kind: ActivationKind, x: Storage, y: Storage, n: number, alpha: number): void {
    this.exports.activationForward(this.activationCode[kind], this.ptr(x), this.ptr(y), n, alpha);
  }

  activationBackward(kind: ActivationKind, x: Storage | null, y: Storage | null, dy: Storage, dx: Storage, n: number, alpha: number): void {
    derivativeSource(kind, x, y); // the one of x and y the kind reads must be there
    this.exports.activationBackward(
      this.activationCode[kind], x === null ? 0 : this.ptr(x), y === null ? 0 : this.ptr(y), this.ptr(dy), this.ptr(dx), n, alpha,
    );
  }

  softmax(x: Storage, y: Storage, m: number, n: number): void {
    this.exports.softmax(this.ptr(x), this.ptr(y), m, n);
  }

  softmaxCrossEntropy(
    logits: Storage, targets: Storage, grad: Storage | null, m: number, n: number,
    encoding: TargetEncoding, gradScale: number,
  ): number {
    return this.exports.softmaxCrossEntropy(
      this.ptr(logits), this.ptr(targets), grad === null ? 0 : this.ptr(grad), m, n, encoding === 'sparse' ? 1 : 0, gradScale,
    );
  }

  scale(x: Storage, alpha: number, y: Storage, n: number): void {
    this.exports.scale(this.ptr(x), alpha, this.ptr(y), n);
  }

  add(a: Storage, b: Storage, y: Storage, n: number): void {
    this.exports.add(this.ptr(a), this.ptr(b), this.ptr(y), n);
  }

  axpy(alpha: number, x: Storage, y: Storage, n: number): void {
    this.exports.axpy(alpha, this.ptr(x), this.ptr(y), n);
  }

  fill(x: Storage, value: number, n: number): void {
    this.exports.fill(this.ptr(x), value, n);
  }

  copy(src: Storage, dst: Storage, n: number): void {
    this.exports.copy(this.ptr(src), this.ptr(dst), n);
  }

  allFinite(x: Storage, n: number): boolean {
    return this.exports.allFinite(this.ptr(x), n) !== 0;
  }

  // ---- input data -----------------------------------------------------------------------
  gatherScaled(src: Uint8Array, indices: Int32Array | null, start: number, rows: number, cols: number, scale: number, dst: Storage): void {
    const n = rows * cols;
    if (n === 0) return;
    // The bytes go into the last quarter of dst's 4n bytes, then the kernel widens them in
    // place, front to back (assembly/pixels.ts says why that is safe): no scratch buffer.
    const out = this.ptr(dst), staged = out + 3 * n;
    const bytes = new Uint8Array(this.memory.buffer, staged, n);
    if (indices === null) {
      bytes.set(src.subarray(start * cols, (start + rows) * cols));
    } else {
      for (let r = 0; r < rows; r++) {
        const from = indices[start + r] * cols;
        bytes.set(src.subarray(from, from + cols), r * cols);
      }
    }
    this.exports.bytesToFloats(staged, out, n, scale);
  }

  // ---- optimizers and penalties ---------------------------------------------------------
  /** The pool when an Adam or RMSprop update of n values is split across the threads (PARALLEL_MIN_UPDATE), else null. */
  private updatePool(n: number): ThreadPool | null {
    return this.pool !== null && this.pool.threads > 1 && n >= this.parallelMinUpdate ? this.pool : null;
  }

  sgdUpdate(
    w: Storage, g: Storage, velocity: Storage | null, n: number,
    lr: number, momentum: number, nesterov: boolean, kept: readonly Storage[] | null = null,
  ): boolean {
    if (momentum !== 0 && velocity === null) throw new ValueError('sgdUpdate: momentum ≠ 0 needs a velocity buffer, got null');
    // With momentum 0 the kernel never touches velocity, so any offset will do.
    const v = velocity === null ? 0 : this.ptr(velocity);
    return this.exports.sgdUpdate(this.ptr(w), this.ptr(g), v, n, lr, momentum, +nesterov, this.keptAt(kept, 0), momentum === 0 ? 0 : this.keptAt(kept, 1)) !== 0;
  }

  rmspropUpdate(
    w: Storage, g: Storage, meanSquare: Storage, n: number,
    lr: number, rho: number, epsilon: number, kept: readonly Storage[] | null = null,
  ): boolean {
    const update = this.updatePool(n) ?? this.exports;
    return update.rmspropUpdate(this.ptr(w), this.ptr(g), this.ptr(meanSquare), n, lr, rho, epsilon, this.keptAt(kept, 0), this.keptAt(kept, 1)) !== 0;
  }

  adamUpdate(
    w: Storage, g: Storage, m: Storage, v: Storage, n: number,
    lr: number, beta1: number, beta2: number, epsilon: number, t: number, weightDecay: number, kept: readonly Storage[] | null = null,
  ): boolean {
    // The bias corrections 1 - b^t are computed here once, in float64, and passed in.
    const update = this.updatePool(n) ?? this.exports;
    return update.adamUpdate(
      this.ptr(w), this.ptr(g), this.ptr(m), this.ptr(v), n, lr, beta1, beta2, epsilon, 1 - beta1 ** t, 1 - beta2 ** t, weightDecay,
      this.keptAt(kept, 0), this.keptAt(kept, 1), this.keptAt(kept, 2),
    ) !== 0;
  }

  /** Byte offset of kept[i], the kernels' `kept` argument; 0 (keep nothing) without `kept`. */
  private keptAt(kept: readonly Storage[] | null, i: number): number {
    return kept === null ? 0 : this.ptr(kept[i]);
  }

  penalty(w: Storage, n: number, l1: number, l2: number): number {
    return this.exports.penalty(this.ptr(w), n, l1, l2);
  }

  penaltyGradient(w: Storage, g: Storage, n: number, l1: number, l2: number): void {
    this.exports.penaltyGradient(this.ptr(w), this.ptr(g), n, l1, l2);
  }

  // ---- batch normalization --------------------------------------------------------------
  /** Byte offset of an optional vector; 0 stands for "absent" (no allocation starts at 0). */
  private optionalPtr(storage: Storage | null): number {
    return storage === null ? 0 : this.ptr(storage);
  }

  batchNormForwardTraining(
    x: Storage, gamma: Storage | null, beta: Storage | null, y: Storage, xhat: Storage,
    mean: Storage, variance: Storage, invStd: Storage, m: number, n: number, epsilon: number,
  ): void {
    this.exports.batchNormForwardTraining(
      this.ptr(x), this.optionalPtr(gamma), this.optionalPtr(beta), this.ptr(y), this.ptr(xhat),
      this.ptr(mean), this.ptr(variance), this.ptr(invStd), m, n, epsilon,
    );
  }

  batchNormForwardInference(
    x: Storage, gamma: Storage | null, beta: Storage | null, movingMean: Storage,
    movingVariance: Storage, y: Storage, m: number, n: number, epsilon: number,
  ): void {
    this.exports.batchNormForwardInference(
      this.ptr(x), this.optionalPtr(gamma), this.optionalPtr(beta), this.ptr(movingMean),
      this.ptr(movingVariance), this.ptr(y), m, n, epsilon,
    );
  }

  batchNormBackward(
    dy: Storage, xhat: Storage, gamma: Storage | null, invStd: Storage, dx: Storage,
    dgamma: Storage, dbeta: Storage, m: number, n: number,
  ): void {
    this.exports.batchNormBackward(
      this.ptr(dy), this.ptr(xhat), this.optionalPtr(gamma), this.ptr(invStd), this.ptr(dx),
      this.ptr(dgamma), this.ptr(dbeta), m, n,
    );
  }

  movingAverage(moving: Storage, value: Storage, momentum: number, n: number): void {
    this.exports.movingAverage(this.ptr(moving), this.ptr(value), momentum, n);
  }

  // ---- dropout --------------------------------------------------------------------------
  dropoutForward(x: Storage, mask: Storage, y: Storage, n: number, key: number, rate: number, keepScale: number): void {
    // u = k·2^-24 ≥ rate  ⇔  k ≥ ceil(rate·2^24): the kernel compares the 24-bit integers.
    const threshold = Math.ceil(rate * 2 ** 24);
    this.exports.dropoutForward(this.ptr(x), this.ptr(mask), this.ptr(y), n, key >>> 0, threshold, keepScale);
  }

  dropoutBackward(dy: Storage, mask: Storage, dx: Storage, n: number): void {
    this.exports.dropoutBackward(this.ptr(dy), this.ptr(mask), this.ptr(dx), n);
  }
}

// ---- loading ------------------------------------------------------------------------------

/** A minimal module that uses v128: validates only where SIMD exists. */
const SIMD_PROBE: Uint8Array<ArrayBuffer> = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b,
  0x03, 0x02, 0x01, 0x00,
  0x0a, 0x16, 0x01, 0x14, 0x00, 0xfd, 0x0c, ...new Array<number>(16).fill(0), 0x0b,
]);

/** v128.const 0 three times, then f32x4.relaxed_madd (0xfd 0x85 0x02), end. */
function relaxedProbe(): Uint8Array<ArrayBuffer> {
  const zero = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
  const body = [0x00, ...zero, ...zero, ...zero, 0xfd, 0x85, 0x02, 0x0b];
  const code = [0x01, body.length, ...body];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b,
    0x03, 0x02, 0x01, 0x00,
    0x0a, code.length, ...code,
  ]);
}

/** True where this engine runs WebAssembly SIMD (128-bit). */
export function simdSupported(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
}

/**
 * True where relaxed SIMD validates. In Node 20 it sits behind a V8 flag that can be set at
 * run time before the module is compiled; Node ≥ 22 and current browsers have it on.
 */
export async function relaxedSimdSupported(): Promise<boolean> {
  const probe = relaxedProbe();
  if (WebAssembly.validate(probe)) return true;
  if (!isNode) return false;
  // getBuiltinModule, not import(): a call bundlers for the browser do not try to resolve.
  process.getBuiltinModule('node:v8').setFlagsFromString('--experimental-wasm-relaxed-simd');
  return WebAssembly.validate(probe);
}

export interface WasmOptions {
  /** Use the relaxed-SIMD (FMA) build where available (default true). */
  relaxed?: boolean;
  /**
   * Threads that share each big gemm (default: the cores, at most 4). Where threads cannot
   * run (a browser page that is not cross-origin isolated) the backend runs on one thread and
   * says so once.
   */
  threads?: number;
}

let notedNoThreads = false;

/**
 * Instantiates the kernels module (relaxed build where supported) over a fresh memory: the
 * threads variant over a shared memory where threads can run, with `threads` threads.
 */
export async function loadWasmKernels(options: WasmOptions = {}): Promise<WasmKernels> {
  if (options.threads !== undefined) checkThreadCount('setBackend', options.threads);
  const threads = options.threads ?? defaultThreadCount();
  const relaxed = (options.relaxed ?? true) && (await relaxedSimdSupported());
  const unavailable = threadsUnavailableReason();
  if (unavailable !== null && threads > 1 && !notedNoThreads) {
    console.info(`wasmnn: running on one thread: ${unavailable}`);
    notedNoThreads = true;
  }
  const shared = unavailable === null;
  // Four literal URLs, so that bundlers see (and copy) every build.
  const url = shared
    ? relaxed ? new URL('../../build/kernels-relaxed-threads.wasm', import.meta.url) : new URL('../../build/kernels-threads.wasm', import.meta.url)
    : relaxed ? new URL('../../build/kernels-relaxed.wasm', import.meta.url) : new URL('../../build/kernels.wasm', import.meta.url);
  const kernels = await instantiateKernels(await compileKernelsFile(url), relaxed, url.pathname, shared);
  await kernels.setThreads(shared ? threads : 1);
  return kernels;
}

/**
 * Instantiates a kernels build over a fresh memory (shared for a threads build), after
 * checking that it is the build asked for (`relaxed` or plain SIMD, by its `isRelaxed`
 * export) and that it has a code for every activation kind. `file` names the build in errors.
 * A threads build starts with one thread; `setThreads` adds workers.
 */
// `build` is the module's bytes or a compiled WebAssembly.Module. It is typed without naming
// WebAssembly or BufferSource, so that the published declarations need no DOM lib.
export async function instantiateKernels(build: Uint8Array | ArrayBuffer | object, relaxed: boolean, file: string, shared = false): Promise<WasmKernels> {
  const memory = new WebAssembly.Memory({ initial: 16, maximum: 65536, shared });
  let module: WebAssembly.Module;
  let instance: WebAssembly.Instance;
  try {
    module = build instanceof WebAssembly.Module ? build : await WebAssembly.compile(build as Uint8Array<ArrayBuffer>);
    instance = await WebAssembly.instantiate(module, { env: { memory } });
  } catch (error) {
    throw new BackendError(`wasmnn: ${file} is not a kernels build this engine runs; run \`npm run build\` (${(error as Error).message})`);
  }
  const exports = instance.exports as unknown as KernelExports;
  const built = typeof exports.isRelaxed === 'function' ? exports.isRelaxed() !== 0 : null;
  if (built !== relaxed) {
    const name = (r: boolean | null): string => (r === null ? 'an unknown' : r ? 'the relaxed-SIMD' : 'the plain-SIMD');
    throw new BackendError(`wasmnn: ${file} should be ${name(relaxed)} build, but is ${name(built)} build; run \`npm run build\``);
  }
  return new WasmKernels(exports, memory, relaxed, activationCodes(instance.exports, file), shared ? { module, memory } : null);
}

/**
 * The code of each activation kind in a build: assembly/elementwise.ts exports its enum
 * `Activation` as one global per member, named `Activation.<kind>`.
 */
function activationCodes(exports: WebAssembly.Exports, file: string): Record<ActivationKind, number> {
  const codes: Partial<Record<ActivationKind, number>> = {};
  for (const kind of ACTIVATION_KINDS) {
    const code = exports[`Activation.${kind}`];
    if (!(code instanceof WebAssembly.Global)) {
      throw new BackendError(`wasmnn: ${file} has no activation '${kind}' (export Activation.${kind}); run \`npm run build\``);
    }
    codes[kind] = code.value as number;
  }
  return codes as Record<ActivationKind, number>;
}
