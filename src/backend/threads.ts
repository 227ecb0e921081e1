/**
 * Threads for big gemms and optimizer updates: worker threads that share the wasm backend's
 * memory and compute blocks of the work beside the calling thread.
 *
 * For a gemm the main thread cuts C into blocks of whole register tiles (`gemmBlock` in
 * assembly/gemm.ts: along the longer side, at most two blocks per thread), packs the operand
 * every block needs whole once (`gemmPackShared`), writes the job into a control block in the
 * shared memory, and wakes the workers. Then every thread, the main one included, claims
 * blocks one at a time (a compare-exchange on the claim word) and computes them, until none
 * is left; the main thread waits until all are completed. A block is computed by exactly one
 * thread, by the same code over the same k-slices in the same order as on one thread, so the
 * result is bit for bit the same for any number of threads and whichever thread takes which
 * block. Claiming, rather than handing each worker a fixed part, keeps a busy machine from
 * stalling a gemm: a worker that is slow to wake finds fewer blocks left, or none. Adam and
 * RMSprop updates are cut the same way into runs of whole SIMD vectors.
 *
 * Waiting: a worker that has finished a job spins for up to SPIN_MS (the next one often comes
 * within microseconds, and in training always within a millisecond), then sleeps in
 * `Atomics.wait`; `Atomics.notify`, a system call, is made only
 * when the other side sleeps. Node's main thread also blocks in `Atomics.wait` once it has
 * spun. A browser's main thread may not block, so there it spins on `Atomics.load` while the
 * workers finish their last blocks. A Promise-based wait (`Atomics.waitAsync`) would make
 * every kernel call asynchronous, and the Kernels contract, the layers and the training step
 * are synchronous.
 *
 * Only gemms of at least PARALLEL_MIN_FLOPS and updates of at least PARALLEL_MIN_UPDATE values
 * go to the workers (wasm.ts); everything else runs on the calling thread.
 */

import { BackendError, ConfigError } from '../errors.js';
import { isNode } from './wasm-file.js';
import { BROWSER_WORKER_SOURCE, CLAIM, CONTROL, claimWord, JOB_KIND, MAX_BLOCKS, SPIN_MS, MAX_JOB, NODE_WORKER_SOURCE, STOP, type WorkerStart } from './thread-worker.js';

/**
 * The smallest gemm, in flops (2·m·n·k), that is split across threads: 4 Mflop, about 90 µs
 * of one core's work at 45 GFLOP/s. Measured with bench/threads-cutoff.ts (bench/README.md,
 * "Where threads start to pay"): a wake-up round trip (notify, wait, notify back) takes 9-10 µs
 * at best and 12-13 µs in the median, so with a free second core a split of F flops saves
 * F/(2·45 GFLOP/s) − 13 µs: nothing at 1 Mflop, 1.5× at 4 Mflop, and the split products of
 * 65-268 Mflop measured 1.6-1.8×. When the second core is busy with another program, a split
 * costs the calling thread 2-8% (fastest calls from 0.5 to 34 Mflop on the shared 2-core
 * machine this was measured on, load 3.5); below 0.5 Mflop the wake-up alone costs 5-50%.
 */
export const PARALLEL_MIN_FLOPS = 4_000_000;

/**
 * The largest shared pack (the operand every block of a split gemm needs, packed once): 64 MB,
 * a 4096 × 4096 operand. Bigger products pack it per block, as a lone thread would per panel.
 */
const SHARED_MAX_BYTES = 64 << 20;

/**
 * Blocks per thread at most: two, so that a thread slow to start leaves only part of its
 * share for the others to wait on. (Measured in training, 784-512-256-10 at batch 128: 1, 2,
 * 4 and 8 per thread were within noise of each other, 2 a little ahead.)
 */
const BLOCKS_PER_THREAD = 2;

/**
 * Flops per block at least (when there are enough for a block per thread): each block packs
 * its own slice of the longer operand, and a worker must wake up to take it.
 */
const MIN_BLOCK_FLOPS = 4_000_000;

/**
 * The number of blocks gemmBlock cuts an m×n×k product into for `threads` threads: one block
 * per MIN_BLOCK_FLOPS, at least one per thread and at most BLOCKS_PER_THREAD per thread, but
 * no more than there are register tiles along the longer side of C (tileRows for rows,
 * tileColumns for columns) and no more than MAX_BLOCKS.
 */
export function blockCount(m: number, n: number, k: number, tileRows: number, tileColumns: number, threads: number): number {
  const tiles = m >= n ? Math.ceil(m / tileRows) : Math.ceil(n / tileColumns);
  const bySize = Math.min(Math.max(Math.floor((2 * m * n * k) / MIN_BLOCK_FLOPS), threads), threads * BLOCKS_PER_THREAD);
  return Math.max(1, Math.min(tiles, bySize, MAX_BLOCKS));
}

/**
 * The smallest Adam or RMSprop update, in values, that is split across threads: 65,536. These
 * updates are bound by the divisions and square roots, about 1 ns a value on one thread, so
 * half of 65,536 values is 30 µs saved against the 10-15 µs of a wake-up round trip. (SGD
 * is a multiply-add a value, bound by memory, and stays on the calling thread.)
 */
export const PARALLEL_MIN_UPDATE = 65_536;

/** Blocks an update of n values is cut into: BLOCKS_PER_THREAD per thread, as a gemm, in whole f32x4 vectors. */
function updateBlockCount(n: number, threads: number): number {
  return Math.max(1, Math.min(threads * BLOCKS_PER_THREAD, Math.floor(n / 4), MAX_BLOCKS));
}

/**
 * The default number of threads: the cores, at most 4 (`os.availableParallelism()` in Node,
 * `navigator.hardwareConcurrency` in browsers). More than 4 rarely pays for the MLPs this
 * library trains: their gemms are a few hundred Mflop, cut into blocks of at least 4 Mflop.
 */
export function defaultThreadCount(): number {
  const cores = isNode
    ? process.getBuiltinModule('node:os').availableParallelism()
    : ((globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1);
  return Math.max(1, Math.min(4, Math.floor(cores)));
}

/**
 * How long gemm waits for the workers' blocks before it reports them lost: a guard, never
 * reached when the protocol holds (a block takes milliseconds even on a loaded machine).
 */
const BLOCK_TIMEOUT_MS = 120_000;

/**
 * Why threads cannot run here, or null when they can: shared memory and workers, which
 * browsers grant only to cross-origin isolated pages (COOP + COEP headers).
 */
export function threadsUnavailableReason(): string | null {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') {
    return 'SharedArrayBuffer is not available (a browser gives it only to cross-origin isolated pages)';
  }
  if (isNode) return null;
  const scope = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown };
  if (scope.crossOriginIsolated !== true) return 'the page is not cross-origin isolated (serve it with COOP and COEP headers)';
  if (typeof scope.Worker !== 'function') return 'Web Workers are not available';
  return null;
}

/** Checks a requested thread count: an integer ≥ 1. */
export function checkThreadCount(caller: string, threads: number): void {
  if (!Number.isInteger(threads) || threads < 1) throw new ConfigError(`${caller}: threads must be an integer ≥ 1, got ${threads}`);
}

/** Where the pool takes its private memory from (the backend's allocator). */
export interface PrivateMemory {
  alloc(bytes: number): number;
  free(offset: number): void;
}

/** The exports of the threads build the pool drives from the main thread. */
export interface BlockExports {
  gemmBlock(
    transA: number, transB: number, m: number, n: number, k: number, a: number, b: number, c: number,
    accumulate: number, work: number, shared: number, block: number, blocks: number,
  ): void;
  gemmSharedFloats(m: number, n: number, k: number): number;
  gemmPackShared(transA: number, transB: number, m: number, n: number, k: number, a: number, b: number, dst: number): void;
  gemmTileRows(): number;
  gemmTileColumns(): number;
  adamUpdateBlock(
    w: number, g: number, m: number, v: number, n: number, lr: number, beta1: number, beta2: number, epsilon: number,
    biasCorrection1: number, biasCorrection2: number, weightDecay: number, keptW: number, keptM: number, keptV: number, block: number, blocks: number,
  ): number;
  rmspropUpdateBlock(
    w: number, g: number, meanSquare: number, n: number, lr: number, rho: number, epsilon: number, keptW: number, keptMeanSquare: number,
    block: number, blocks: number,
  ): number;
}

/** A started worker: its workspace, and how to end it. */
interface Thread {
  work: number;
  terminate(): void;
}

/** Main thread's Atomics.wait: allowed in Node and in workers, not on a browser page. */
const mainThreadMayBlock = isNode || typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';

/**
 * Returns true once control[field] === value, spinning up to SPIN_MS, then blocking where allowed
 * (with CONTROL.mainAsleep set, so that workers notify), else spinning; or false after
 * `timeoutMs` milliseconds (default: never).
 */
function waitUntil(control: Int32Array, field: number, value: number, timeoutMs = Infinity): boolean {
  // The last block is often near its end: spin first (the loop of `spin` in thread-worker.ts).
  const spinEnd = performance.now() + SPIN_MS;
  while (Atomics.load(control, field) !== value && performance.now() <= spinEnd) {
    for (let i = 0; i < 256 && Atomics.load(control, field) !== value; i++);
  }
  const deadline = performance.now() + timeoutMs;
  if (mainThreadMayBlock) Atomics.store(control, CONTROL.mainAsleep, 1);
  try {
    for (let now = Atomics.load(control, field); now !== value; now = Atomics.load(control, field)) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      if (mainThreadMayBlock) Atomics.wait(control, field, now, left);
    }
    return true;
  } finally {
    if (mainThreadMayBlock) Atomics.store(control, CONTROL.mainAsleep, 0);
  }
}

/** How long stopping waits for idle workers to answer before it terminates them regardless. */
const STOP_TIMEOUT_MS = 10_000;

/** The worker threads that share each big gemm with the calling thread. */
export class ThreadPool {
  /** The workers; the calling thread is the pool's first thread and is not in this list. */
  private workers: Thread[] = [];
  /** Byte offset of the control block, and a view of it (never detached: the memory is shared). */
  private readonly controlOffset: number;
  private readonly control: Int32Array;
  /** The same control block as float32, for the jobs' float arguments. */
  private readonly floats: Float32Array;
  private job = 0;
  /** The last resize, so that resizes run one after another. */
  private resizing: Promise<void> = Promise.resolve();

  // The compiled threads build (a WebAssembly.Module) and its shared WebAssembly.Memory, typed
  // by what is used of them, so that the published declarations need no DOM lib.
  constructor(
    private readonly module: unknown,
    private readonly memory: { readonly buffer: ArrayBufferLike },
    /** The calling thread's instance of the threads build, and its gemm workspace. */
    private readonly exports: BlockExports,
    private readonly work: number,
    private readonly space: PrivateMemory,
    private readonly workspaceBytes: number,
  ) {
    this.controlOffset = space.alloc(CONTROL.length * 4);
    this.control = new Int32Array(memory.buffer, this.controlOffset, CONTROL.length);
    this.floats = new Float32Array(memory.buffer, this.controlOffset, CONTROL.length);
    this.control.fill(0);
  }

  /** Threads that share a gemm: the workers and the calling thread. */
  get threads(): number {
    return this.workers.length + 1;
  }

  /** Byte offsets of the pool's private allocations (control block, workspaces, shared pack), for memoryStats. */
  privateOffsets(): number[] {
    return [this.controlOffset, ...this.workers.map((w) => w.work), ...(this.shared === 0 ? [] : [this.shared])];
  }

  /** The buffer for gemmPackShared, and its size in floats; it only grows (so steps allocate nothing once warm). */
  private shared = 0;
  private sharedFloats = 0;

  /** The largest shared pack, in bytes (SHARED_MAX_BYTES; a test sets 0 to run the per-block packing). */
  sharedMaxBytes = SHARED_MAX_BYTES;

  /** A buffer of at least `floats` floats for the shared pack, or 0 when that is more than sharedMaxBytes. */
  private sharedBuffer(floats: number): number {
    if (floats * 4 > this.sharedMaxBytes) return 0;
    if (floats > this.sharedFloats) {
      if (this.shared !== 0) this.space.free(this.shared);
      this.shared = 0; // and no buffer, should the allocation below throw
      this.sharedFloats = 0;
      this.shared = this.space.alloc(floats * 4);
      this.sharedFloats = floats;
    }
    return this.shared;
  }

  /** Starts or stops workers until `threads` threads share each big gemm. */
  resize(threads: number): Promise<void> {
    this.resizing = this.resizing.catch(() => undefined).then(() => this.resizeNow(threads));
    return this.resizing;
  }

  private async resizeNow(threads: number): Promise<void> {
    if (threads - 1 < this.workers.length) this.stopWorkers();
    const starting: Promise<Thread>[] = [];
    for (let i = this.workers.length; i < threads - 1; i++) starting.push(this.startWorker(i + 1));
    const started = await Promise.allSettled(starting);
    for (const result of started) if (result.status === 'fulfilled') this.workers.push(result.value);
    const failure = started.find((r) => r.status === 'rejected');
    if (failure !== undefined) throw new BackendError(`wasmnn: a worker thread did not start: ${String((failure as PromiseRejectedResult).reason)}`);
  }

  /** Stops every worker; the pool then runs on the calling thread alone. */
  dispose(): void {
    this.stopWorkers();
    if (this.shared !== 0) this.space.free(this.shared);
    this.shared = 0;
    this.sharedFloats = 0;
  }

  /**
   * C = op(A)·op(B) (or += when accumulate), cut into blocks that all threads claim and
   * compute. Call it only for products gemm computes by its packed path (k ≥ 1 and m·n·k
   * above its direct limit).
   */
  gemm(transA: number, transB: number, m: number, n: number, k: number, a: number, b: number, c: number, accumulate: number): void {
    const e = this.exports;
    const blocks = blockCount(m, n, k, e.gemmTileRows(), e.gemmTileColumns(), this.threads);
    // The operand every block needs whole is packed once, here, rather than once per block.
    const shared = this.sharedBuffer(e.gemmSharedFloats(m, n, k));
    if (shared !== 0) e.gemmPackShared(transA, transB, m, n, k, a, b, shared);
    const args = this.control, at = CONTROL.args;
    args[at] = transA; args[at + 1] = transB; args[at + 2] = m; args[at + 3] = n; args[at + 4] = k;
    args[at + 5] = a; args[at + 6] = b; args[at + 7] = c; args[at + 8] = accumulate; args[at + 9] = shared;
    this.run(JOB_KIND.gemm, blocks, 'a gemm');
  }

  /**
   * Kernels.adamUpdate over n values (offsets and scalars as the export takes them), in
   * blocks; like the export, returns 1 when every new value of w is finite, else 0.
   */
  adamUpdate(
    w: number, g: number, m: number, v: number, n: number, lr: number, beta1: number, beta2: number, epsilon: number,
    biasCorrection1: number, biasCorrection2: number, weightDecay: number, keptW: number, keptM: number, keptV: number,
  ): number {
    const ints = this.control, floats = this.floats, at = CONTROL.args;
    ints[at] = w; ints[at + 1] = g; ints[at + 2] = m; ints[at + 3] = v; ints[at + 4] = n;
    floats[at + 5] = lr; floats[at + 6] = beta1; floats[at + 7] = beta2; floats[at + 8] = epsilon;
    floats[at + 9] = biasCorrection1; floats[at + 10] = biasCorrection2; floats[at + 11] = weightDecay;
    ints[at + 12] = keptW; ints[at + 13] = keptM; ints[at + 14] = keptV;
    return this.run(JOB_KIND.adam, updateBlockCount(n, this.threads), 'an Adam update');
  }

  /** Kernels.rmspropUpdate over n values, in blocks; 1 when every new value of w is finite, else 0. */
  rmspropUpdate(w: number, g: number, meanSquare: number, n: number, lr: number, rho: number, epsilon: number, keptW: number, keptMeanSquare: number): number {
    const ints = this.control, floats = this.floats, at = CONTROL.args;
    ints[at] = w; ints[at + 1] = g; ints[at + 2] = meanSquare; ints[at + 3] = n;
    floats[at + 4] = lr; floats[at + 5] = rho; floats[at + 6] = epsilon;
    ints[at + 7] = keptW; ints[at + 8] = keptMeanSquare;
    return this.run(JOB_KIND.rmsprop, updateBlockCount(n, this.threads), 'an RMSprop update');
  }

  /**
   * Posts the job whose arguments are in the control block, computes blocks of it beside the
   * workers, and returns once every block is completed: 0 when a block returned 0 (an update
   * that wrote a value that is not finite), else 1.
   */
  private run(kind: number, blocks: number, what: string): number {
    const control = this.control;
    this.job = this.job >= MAX_JOB ? 1 : this.job + 1; // never 0 (a new worker's start) or STOP
    const job = this.job;
    // Plain stores (these and the arguments), published to the workers by the Atomics.store
    // of the claim word and the job number after them.
    control[CONTROL.kind] = kind;
    control[CONTROL.completed] = 0;
    control[CONTROL.failed] = 0;
    control[CONTROL.finite] = 1;
    Atomics.store(control, CONTROL.claim, claimWord(job, blocks));
    Atomics.store(control, CONTROL.job, job);
    if (Atomics.load(control, CONTROL.sleepers) !== 0) Atomics.notify(control, CONTROL.job);
    let finished = false;
    try {
      this.claimBlocks(job);
    } finally {
      // Even when a block threw here: no worker may still be writing after the job returns.
      finished = waitUntil(control, CONTROL.completed, blocks, BLOCK_TIMEOUT_MS);
    }
    if (!finished) {
      throw new BackendError(`wasmnn: a worker thread did not finish its share of ${what} within ${BLOCK_TIMEOUT_MS / 1000} s; call nn.setThreads(1) and report this`);
    }
    if (control[CONTROL.failed] !== 0) throw new BackendError(`wasmnn: ${what} failed in a worker thread (its error is printed above)`);
    return Atomics.load(control, CONTROL.finite);
  }

  /**
   * The calling thread's share: claim the next block of `job` from the front and run it,
   * until none is left. The same loop as `claimBlocks` in thread-worker.ts, which the workers
   * run (every second one from the back).
   */
  private claimBlocks(job: number): void {
    const control = this.control;
    for (;;) {
      const word = Atomics.load(control, CONTROL.claim);
      const blocks = (word >>> CLAIM.blocksShift) & CLAIM.mask, block = (word >>> CLAIM.loShift) & CLAIM.mask;
      if (word >>> CLAIM.jobShift !== job || block >= (word & CLAIM.mask)) return;
      if (Atomics.compareExchange(control, CONTROL.claim, word, word + (1 << CLAIM.loShift)) !== word) continue;
      try {
        if (this.runBlock(block, blocks) === 0) Atomics.store(control, CONTROL.finite, 0);
      } finally {
        Atomics.add(control, CONTROL.completed, 1);
      }
    }
  }

  /**
   * Runs block `block` of `blocks` of the posted job: the dispatch of `blockRunner` in
   * thread-worker.ts. Returns what an update block returns (1 when its new weights are
   * finite), or 1 for a gemm block.
   */
  private runBlock(block: number, blocks: number): number {
    const e = this.exports, c = this.control, f = this.floats, a = CONTROL.args;
    switch (c[CONTROL.kind]) {
      case JOB_KIND.gemm:
        e.gemmBlock(c[a], c[a + 1], c[a + 2], c[a + 3], c[a + 4], c[a + 5], c[a + 6], c[a + 7], c[a + 8], this.work, c[a + 9], block, blocks);
        return 1;
      case JOB_KIND.adam:
        return e.adamUpdateBlock(c[a], c[a + 1], c[a + 2], c[a + 3], c[a + 4], f[a + 5], f[a + 6], f[a + 7], f[a + 8], f[a + 9], f[a + 10], f[a + 11],
          c[a + 12], c[a + 13], c[a + 14], block, blocks);
      case JOB_KIND.rmsprop:
        return e.rmspropUpdateBlock(c[a], c[a + 1], c[a + 2], c[a + 3], f[a + 4], f[a + 5], f[a + 6], c[a + 7], c[a + 8], block, blocks);
    }
    return 1;
  }

  /** Starts the worker that is thread `index` of the pool (the calling thread is 0). */
  private async startWorker(index: number): Promise<Thread> {
    const work = this.space.alloc(this.workspaceBytes);
    // Thread 0 (the calling one) claims from the front, worker i from the back when i is odd.
    const start: WorkerStart = { module: this.module, memory: this.memory, control: this.controlOffset, work, fromEnd: index % 2 === 1 };
    try {
      const terminate = isNode ? await startNodeWorker(start) : await startWebWorker(start);
      return { work, terminate };
    } catch (error) {
      this.space.free(work);
      throw error;
    }
  }

  /** Tells every worker to return, waits until each has, and frees their workspaces. */
  private stopWorkers(): void {
    if (this.workers.length === 0) return;
    const control = this.control;
    Atomics.store(control, CONTROL.stopped, 0);
    Atomics.store(control, CONTROL.job, STOP);
    Atomics.notify(control, CONTROL.job);
    // Idle workers answer at once. One that does not may still run: its workspace is left allocated.
    const answered = waitUntil(control, CONTROL.stopped, this.workers.length, STOP_TIMEOUT_MS);
    Atomics.store(control, CONTROL.job, 0); // where a new worker starts from
    for (const worker of this.workers) {
      worker.terminate();
      if (answered) this.space.free(worker.work);
    }
    this.workers = [];
  }
}

/** A worker_threads Worker, unref'd once ready so that it never keeps the process alive. */
function startNodeWorker(start: WorkerStart): Promise<() => void> {
  const { Worker } = process.getBuiltinModule('node:worker_threads');
  const worker = new Worker(NODE_WORKER_SOURCE, { eval: true, workerData: start });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`exited with code ${code} before it was ready`)));
    worker.once('message', () => {
      worker.removeAllListeners();
      worker.unref();
      resolve(() => void worker.terminate());
    });
  });
}

/** A dedicated Web Worker from a Blob URL (no file to serve); the page must be cross-origin isolated. */
function startWebWorker(start: WorkerStart): Promise<() => void> {
  interface WebWorker {
    postMessage(message: unknown): void;
    terminate(): void;
    onmessage: ((event: unknown) => void) | null;
    onerror: ((event: { message?: string }) => void) | null;
  }
  const scope = globalThis as unknown as { Worker: new (url: string) => WebWorker };
  const url = URL.createObjectURL(new Blob([BROWSER_WORKER_SOURCE], { type: 'text/javascript' }));
  const worker = new scope.Worker(url);
  return new Promise((resolve, reject) => {
    worker.onerror = (event) => {
      URL.revokeObjectURL(url);
      reject(new Error(event.message ?? 'worker error'));
    };
    worker.onmessage = () => {
      URL.revokeObjectURL(url);
      worker.onmessage = null;
      worker.onerror = null;
      resolve(() => worker.terminate());
    };
    worker.postMessage(start);
  });
}
