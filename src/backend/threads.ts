/**
 * Threads for gemm: worker threads that share the wasm backend's memory and compute blocks of
 * C beside the calling thread.
 *
 * The main thread cuts C into blocks of whole register tiles (`gemmBlock` in
 * assembly/gemm.ts: along the longer side, several blocks per thread), writes the job into a
 * control block in the shared memory, and wakes the workers with `Atomics.notify`. Then
 * every thread, the main one included, claims blocks one at a time (a compare-exchange on a
 * counter) and computes them, until none is left; the main thread waits until all are
 * completed. A block is computed by exactly one thread, by the same code over the same
 * k-slices in the same order as on one thread, so the result is bit for bit the same for any
 * number of threads and whichever thread takes which block. Claiming, rather than handing
 * each worker a fixed part, keeps a busy machine from stalling a gemm: a worker that is slow
 * to wake finds fewer blocks left, or none.
 *
 * Waiting: Node's main thread and workers block in `Atomics.wait`. A browser's main thread
 * may not block, so there it spins on `Atomics.load` while the workers finish their last
 * blocks. A Promise-based wait (`Atomics.waitAsync`) would make every kernel call
 * asynchronous, and the Kernels contract, the layers and the training step are synchronous.
 *
 * Only gemms of at least PARALLEL_MIN_FLOPS go to the workers (wasm.ts); everything else runs
 * on the calling thread.
 */

import { BackendError, ConfigError } from '../errors.js';
import { isNode } from './wasm-file.js';
import { BROWSER_WORKER_SOURCE, CLAIM, CONTROL, claimWord, MAX_BLOCKS, MAX_JOB, NODE_WORKER_SOURCE, STOP, type WorkerStart } from './thread-worker.js';

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

/** Blocks per thread at most: enough that a thread slow to start leaves little for the others to wait on. */
const BLOCKS_PER_THREAD = 4;

/**
 * Flops per block at least (when there are enough for a block per thread): each block packs
 * all of the shorter operand again, and a worker must wake up to take it.
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
export interface GemmBlockExports {
  gemmBlock(
    transA: number, transB: number, m: number, n: number, k: number, a: number, b: number, c: number,
    accumulate: number, work: number, block: number, blocks: number,
  ): void;
  gemmTileRows(): number;
  gemmTileColumns(): number;
}

/** A started worker: its workspace, and how to end it. */
interface Thread {
  work: number;
  terminate(): void;
}

/** Main thread's Atomics.wait: allowed in Node and in workers, not on a browser page. */
const mainThreadMayBlock = isNode || typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';

/**
 * Returns true once control[field] === value, blocking where allowed, else spinning; or false
 * after `timeoutMs` milliseconds (default: never).
 */
function waitUntil(control: Int32Array, field: number, value: number, timeoutMs = Infinity): boolean {
  const deadline = performance.now() + timeoutMs;
  for (let now = Atomics.load(control, field); now !== value; now = Atomics.load(control, field)) {
    const left = deadline - performance.now();
    if (left <= 0) return false;
    if (mainThreadMayBlock) Atomics.wait(control, field, now, left);
  }
  return true;
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
  private job = 0;
  /** The last resize, so that resizes run one after another. */
  private resizing: Promise<void> = Promise.resolve();

  // The compiled threads build (a WebAssembly.Module) and its shared WebAssembly.Memory, typed
  // by what is used of them, so that the published declarations need no DOM lib.
  constructor(
    private readonly module: unknown,
    private readonly memory: { readonly buffer: ArrayBufferLike },
    private readonly space: PrivateMemory,
    private readonly workspaceBytes: number,
  ) {
    this.controlOffset = space.alloc(CONTROL.length * 4);
    this.control = new Int32Array(memory.buffer, this.controlOffset, CONTROL.length);
    this.control.fill(0);
  }

  /** Threads that share a gemm: the workers and the calling thread. */
  get threads(): number {
    return this.workers.length + 1;
  }

  /** Byte offsets of the pool's private allocations (control block, workspaces), for memoryStats. */
  privateOffsets(): number[] {
    return [this.controlOffset, ...this.workers.map((w) => w.work)];
  }

  /** Starts or stops workers until `threads` threads share each big gemm. */
  resize(threads: number): Promise<void> {
    this.resizing = this.resizing.catch(() => undefined).then(() => this.resizeNow(threads));
    return this.resizing;
  }

  private async resizeNow(threads: number): Promise<void> {
    if (threads - 1 < this.workers.length) this.stopWorkers();
    const starting: Promise<Thread>[] = [];
    for (let i = this.workers.length; i < threads - 1; i++) starting.push(this.startWorker());
    const started = await Promise.allSettled(starting);
    for (const result of started) if (result.status === 'fulfilled') this.workers.push(result.value);
    const failure = started.find((r) => r.status === 'rejected');
    if (failure !== undefined) throw new BackendError(`wasmnn: a worker thread did not start: ${String((failure as PromiseRejectedResult).reason)}`);
  }

  /** Stops every worker; the pool then runs on the calling thread alone. */
  dispose(): void {
    this.stopWorkers();
  }

  /**
   * C = op(A)·op(B) (or += when accumulate), cut into blocks that all threads claim and
   * compute. Call it only for products gemm computes by its packed path (k ≥ 1 and m·n·k
   * above its direct limit).
   */
  gemm(
    kernels: GemmBlockExports, work: number,
    transA: number, transB: number, m: number, n: number, k: number, a: number, b: number, c: number, accumulate: number,
  ): void {
    const control = this.control;
    const blocks = blockCount(m, n, k, kernels.gemmTileRows(), kernels.gemmTileColumns(), this.threads);
    this.job = this.job >= MAX_JOB ? 1 : this.job + 1; // never 0 (a new worker's start) or STOP
    const job = this.job;
    const at = CONTROL.args;
    // Plain stores, published to the workers by the Atomics.store of the job number after them.
    control[at] = transA; control[at + 1] = transB; control[at + 2] = m; control[at + 3] = n; control[at + 4] = k;
    control[at + 5] = a; control[at + 6] = b; control[at + 7] = c; control[at + 8] = accumulate;
    control[CONTROL.completed] = 0;
    control[CONTROL.failed] = 0;
    Atomics.store(control, CONTROL.claim, claimWord(job, blocks));
    Atomics.store(control, CONTROL.job, job);
    Atomics.notify(control, CONTROL.job);
    let finished = false;
    try {
      this.claimBlocks(kernels, work, job);
    } finally {
      // Even when a block threw here: no worker may still be writing C after gemm returns.
      finished = waitUntil(control, CONTROL.completed, blocks, BLOCK_TIMEOUT_MS);
    }
    if (!finished) {
      throw new BackendError(`wasmnn: a worker thread did not finish its share of a gemm within ${BLOCK_TIMEOUT_MS / 1000} s; call nn.setThreads(1) and report this`);
    }
    if (control[CONTROL.failed] !== 0) throw new BackendError('wasmnn: gemm failed in a worker thread (its error is printed above)');
  }

  /**
   * The calling thread's share: claim the next block of `job` and compute it, until none is
   * left. The same loop as `claimBlocks` in thread-worker.ts, which the workers run.
   */
  private claimBlocks(kernels: GemmBlockExports, work: number, job: number): void {
    const control = this.control, at = CONTROL.args;
    for (;;) {
      const word = Atomics.load(control, CONTROL.claim);
      const block = word & CLAIM.mask, blocks = (word >>> CLAIM.blocksShift) & CLAIM.mask;
      if (word >>> CLAIM.jobShift !== job || block >= blocks) return;
      if (Atomics.compareExchange(control, CONTROL.claim, word, word + 1) !== word) continue;
      try {
        kernels.gemmBlock(control[at], control[at + 1], control[at + 2], control[at + 3], control[at + 4], control[at + 5],
          control[at + 6], control[at + 7], control[at + 8], work, block, blocks);
      } finally {
        Atomics.add(control, CONTROL.completed, 1);
      }
    }
  }

  private async startWorker(): Promise<Thread> {
    const work = this.space.alloc(this.workspaceBytes);
    const start: WorkerStart = { module: this.module, memory: this.memory, control: this.controlOffset, work };
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
