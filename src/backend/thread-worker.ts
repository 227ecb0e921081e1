/**
 * The program each worker thread runs, as source text: it is started from a string (Node's
 * `eval` workers, a Blob URL in browsers), so it needs no file of its own beside the
 * modules, no bundler support and no TypeScript loader in the worker.
 *
 * A worker instantiates the kernels module on the shared memory it is given, says 'ready',
 * and sleeps in `Atomics.wait` on the JOB field of the control block (threads.ts) until the
 * main thread posts a job: a big gemm, or an Adam or RMSprop update of a big weight. Then it
 * claims blocks one at a time, with a compare-exchange on CLAIM, and computes each (a block
 * of C with `gemmBlock` and its own workspace, or a run of the weight's values), until none
 * is left; the main thread does the same. No message is posted per job. A job number
 * of STOP ends the loop; the worker counts itself in STOPPED before it returns, so that the
 * main thread frees the control block only once nobody reads it.
 *
 * Re-instantiating the module writes its static data (a few hundred bytes of constant tables
 * below `heapBase()`) into the shared memory again: the same bytes, before any job.
 */

/** The Int32 fields of the control block (128 bytes, two cache lines). */
export const CONTROL = {
  /** Job number, stored last by the main thread when it posts a job; workers wait on it. */
  job: 0,
  /**
   * The claim word: the job, its block count and the unclaimed blocks [lo, hi) (see `CLAIM`).
   * A claim is a compare-exchange that takes lo (lo + 1) or hi - 1.
   */
  claim: 1,
  /** Blocks computed so far; the main thread waits until it reaches the job's block count. */
  completed: 2,
  /** 1 when a block threw (a trap; the worker prints the error). */
  failed: 3,
  /** Workers that have seen STOP and will not touch the block again. */
  stopped: 4,
  /** What the job computes: one of JOB_KIND. */
  kind: 5,
  /**
   * Workers asleep in Atomics.wait on `job`. The main thread calls Atomics.notify (a system
   * call) only when there are any: a worker still spinning sees the new job by itself.
   */
  sleepers: 6,
  /** 1 while the main thread sleeps on `completed`: workers then notify it after a block. */
  mainAsleep: 7,
  /**
   * 1 when the job is posted; a thread stores 0 when a block returns 0 (an update block that
   * wrote a weight that is not finite). The main thread reads it once every block is completed.
   */
  finite: 8,
  /**
   * The job's arguments, before the block number: gemmBlock's transA, transB, m, n, k, a, b,
   * c, accumulate, shared; adamUpdateBlock's w, g, m, v, n, then lr, beta1, beta2, epsilon,
   * biasCorrection1, biasCorrection2, weightDecay as float32 bits, then keptW, keptM, keptV;
   * rmspropUpdateBlock's w, g, meanSquare, n, then lr, rho, epsilon as float32 bits, then
   * keptW, keptMeanSquare.
   */
  args: 9,
  /** Int32s in the block. */
  length: 32,
} as const;

/** The kinds of job, each run block by block by an export of the threads build. */
export const JOB_KIND = { gemm: 0, adam: 1, rmsprop: 2 } as const;

/** A job number that tells every worker to return. */
export const STOP = -1;

/**
 * How the claim word packs a job: its number, its block count, and the unclaimed blocks
 * [lo, hi). The main thread (and every second worker) claims from the front, taking lo; the
 * other workers claim from the back, taking hi - 1. With two threads each keeps to its end
 * of every job, so the rows of dW a thread computes in one job are, in the next, the rows of
 * W it updates: its own cache holds them. Whoever is faster still takes more blocks.
 *
 * The block count must travel in the same word. A thread that read the word of a finished
 * job, and then read a separate block count already rewritten for the next job, could claim
 * a block past the old job's end in the moment before the new claim word is stored: it would
 * compute part of the new job with a stale block number and count it as completed, and the
 * main thread would then wait for a count it never sees. With one word, a claim is checked
 * against its own job's block count, and the compare-exchange fails once the word has moved
 * on. (Job numbers wrap at 2^13; a thread that slept through 8,192 jobs and then matches a
 * word still claims a block of the job that word posts, whose arguments are the ones in the
 * control block: nothing goes wrong.)
 */
export const CLAIM = { jobShift: 18, blocksShift: 12, loShift: 6, mask: 0x3f } as const;

/** Job numbers stay below 2^13, so that the claim word fits a positive Int32. */
export const MAX_JOB = (1 << 13) - 1;

/** Blocks per job, at most: the block count, lo and hi each fit CLAIM.mask. */
export const MAX_BLOCKS = 63;

/** The claim word that opens `job` cut into `blocks` blocks (none claimed yet: lo = 0, hi = blocks). */
export function claimWord(job: number, blocks: number): number {
  return (job << CLAIM.jobShift) | (blocks << CLAIM.blocksShift) | blocks;
}

/** What the main thread hands a new worker. */
export interface WorkerStart {
  /** The compiled threads build of the kernels. */
  module: unknown;
  /** The shared WebAssembly.Memory. */
  memory: unknown;
  /** Byte offset of the control block. */
  control: number;
  /** Byte offset of this worker's gemm workspace. */
  work: number;
  /** Whether this worker claims blocks from the back of each job (see CLAIM). */
  fromEnd: boolean;
}

/**
 * `claimBlocks` as source (exported for its test): claim the next block of `job` and run it,
 * until none is left. threads.ts runs the same loop on the main thread.
 */
export const CLAIM_BLOCKS = `function claimBlocks(control, job, runBlock, fromEnd) {
  const C = ${JSON.stringify(CONTROL)}, W = ${JSON.stringify(CLAIM)};
  for (;;) {
    const word = Atomics.load(control, C.claim);
    if (word >>> W.jobShift !== job) return; // a newer job: this one is done
    const blocks = (word >>> W.blocksShift) & W.mask; // this job's count, from the same word
    const lo = (word >>> W.loShift) & W.mask, hi = word & W.mask;
    if (lo >= hi) return; // every block is taken
    const block = fromEnd ? hi - 1 : lo;
    const next = fromEnd ? word - 1 : word + (1 << W.loShift);
    if (Atomics.compareExchange(control, C.claim, word, next) !== word) continue; // another thread took it
    // The block is ours. The job's arguments stay put until every block is completed.
    try {
      if (runBlock(block, blocks) === 0) Atomics.store(control, C.finite, 0);
    } catch (error) {
      Atomics.store(control, C.failed, 1);
      console.error('wasmnn worker:', error);
    }
    Atomics.add(control, C.completed, 1);
    if (Atomics.load(control, C.mainAsleep) !== 0) Atomics.notify(control, C.completed);
  }
}
`;

/**
 * `blockRunner` as source: a function that runs block `block` of `blocks` of the job posted in
 * the control block, by its kind. threads.ts has the same dispatch for the main thread.
 */
const BLOCK_RUNNER = `function blockRunner(exports, control, floats, work) {
  const a = ${CONTROL.args};
  const kinds = [];
  kinds[${JOB_KIND.gemm}] = (block, blocks) => exports.gemmBlock(control[a], control[a + 1], control[a + 2], control[a + 3],
    control[a + 4], control[a + 5], control[a + 6], control[a + 7], control[a + 8], work, control[a + 9], block, blocks);
  kinds[${JOB_KIND.adam}] = (block, blocks) => exports.adamUpdateBlock(control[a], control[a + 1], control[a + 2], control[a + 3],
    control[a + 4], floats[a + 5], floats[a + 6], floats[a + 7], floats[a + 8], floats[a + 9], floats[a + 10], floats[a + 11],
    control[a + 12], control[a + 13], control[a + 14], block, blocks);
  kinds[${JOB_KIND.rmsprop}] = (block, blocks) => exports.rmspropUpdateBlock(control[a], control[a + 1], control[a + 2], control[a + 3],
    floats[a + 4], floats[a + 5], floats[a + 6], control[a + 7], control[a + 8], block, blocks);
  return (block, blocks) => kinds[control[${CONTROL.kind}]](block, blocks);
}
`;

/**
 * How long a thread that waits for the other side keeps checking before it sleeps, in
 * milliseconds: 1. A training step posts its jobs microseconds to a few hundred microseconds
 * apart (the calling thread's own kernels and packing between them: up to 0.5 ms at batch
 * 512); waking a sleeping thread takes 10-50 µs and a system call, spinning through the gap
 * takes none. A worker that finds no job within the spin sleeps, so an idle pool costs
 * nothing. (Measured on 2 cores, 784-512-256-10, Adam: with a spin of 20,000 checks, 50-170
 * µs, a step woke its worker 2.5-3 times at batch 128 and at every one of its 5 split gemms
 * at batch 512; with 1 ms, never.) Timed rather than counted, since a check's cost differs
 * from one CPU to the next.
 */
export const SPIN_MS = 1;

/**
 * `spin` as source: checks control[field] until it differs from `value` or SPIN_MS have
 * passed; returns whether it still equals `value`. threads.ts runs the same loop.
 */
const SPIN = `function spin(control, field, value) {
  const end = performance.now() + ${SPIN_MS};
  while (Atomics.load(control, field) === value) {
    if (performance.now() > end) return true;
    for (let i = 0; i < 256 && Atomics.load(control, field) === value; i++);
  }
  return false;
}
`;

const BODY = `'use strict';
${CLAIM_BLOCKS}
${BLOCK_RUNNER}
${SPIN}
function run(start, ready) {
  const { exports } = new WebAssembly.Instance(start.module, { env: { memory: start.memory } });
  const control = new Int32Array(start.memory.buffer, start.control, ${CONTROL.length});
  const floats = new Float32Array(start.memory.buffer, start.control, ${CONTROL.length});
  const runBlock = blockRunner(exports, control, floats, start.work);
  let seen = Atomics.load(control, ${CONTROL.job}); // before 'ready': any job (or STOP) posted after it wakes us
  ready();
  for (;;) {
    if (spin(control, ${CONTROL.job}, seen)) { // the next job is often near
      Atomics.add(control, ${CONTROL.sleepers}, 1); // before the last look: a job posted after it is notified
      Atomics.wait(control, ${CONTROL.job}, seen); // returns at once if the job number has moved on
      Atomics.sub(control, ${CONTROL.sleepers}, 1);
    }
    const job = Atomics.load(control, ${CONTROL.job});
    if (job === seen) continue;
    if (job === ${STOP}) {
      Atomics.add(control, ${CONTROL.stopped}, 1);
      Atomics.notify(control, ${CONTROL.stopped});
      return;
    }
    seen = job;
    claimBlocks(control, job, runBlock, start.fromEnd);
  }
}
`;

/**
 * Node (worker_threads, eval): the start arrives as workerData. getBuiltinModule, because the
 * source runs as CommonJS or as an ES module depending on the parent's --input-type.
 */
export const NODE_WORKER_SOURCE = `${BODY}
const { workerData, parentPort } = process.getBuiltinModule('node:worker_threads');
run(workerData, () => parentPort.postMessage('ready'));
`;

/** Browsers (a dedicated Web Worker): the start arrives as the first message. */
export const BROWSER_WORKER_SOURCE = `${BODY}
self.onmessage = (event) => run(event.data, () => self.postMessage('ready'));
`;
