// Threads behind the Kernels contract: a gemm split across 1, 2, 3 or 4 threads gives the
// same bits as one thread, for both builds, every transpose form, odd sizes, with and
// without accumulate; every element of C is written and nothing past it. Then the public
// switches (ready, setThreads, getBackendInfo), memoryStats, and a script that must exit on
// its own while idle workers wait.

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as nn from '../../src/index.js';
import { loadWasmKernels, type WasmKernels } from '../../src/backend/wasm.js';
import { blockCount, PARALLEL_MIN_FLOPS } from '../../src/backend/threads.js';
import { CLAIM_BLOCKS, CONTROL, claimWord } from '../../src/backend/thread-worker.js';
import { Random } from '../../src/random.js';
import { plainUnshared, relaxedUnshared } from '../helpers/kernel-backends.js';
import { firstDifference, gemmCases, gemmInputs, runGemm, type GemmCase } from '../helpers/gemm-cases.js';

type Case = GemmCase;

/** C of one gemm on inputs drawn from c.seed (the guard floats after C are checked). */
function run(kernels: WasmKernels, c: Case): Float32Array {
  const { a, b, c0 } = gemmInputs(c, false);
  return runGemm(kernels, c, a, b, c0);
}

// Odd sizes: one register tile or less on a side, more blocks than tiles, blocks along rows
// (m ≥ n) and along columns, k past one KC slice (256) and m past one MC block (120).
const shapes = fc.oneof(
  fc.record({ m: fc.integer({ min: 1, max: 7 }), n: fc.integer({ min: 30, max: 300 }), k: fc.integer({ min: 20, max: 90 }) }),
  fc.record({ m: fc.integer({ min: 30, max: 300 }), n: fc.integer({ min: 1, max: 13 }), k: fc.integer({ min: 20, max: 90 }) }),
  fc.record({ m: fc.integer({ min: 9, max: 150 }), n: fc.integer({ min: 9, max: 150 }), k: fc.integer({ min: 1, max: 300 }) }),
  fc.record({ m: fc.integer({ min: 121, max: 260 }), n: fc.integer({ min: 13, max: 100 }), k: fc.integer({ min: 257, max: 300 }) }),
  // The shared pack of op(A) over several MC row blocks and KC slices (columns cut), and of
  // op(B) over two NC column blocks (rows cut).
  fc.record({ m: fc.integer({ min: 121, max: 250 }), n: fc.integer({ min: 251, max: 300 }), k: fc.integer({ min: 257, max: 300 }) }),
  fc.record({ m: fc.integer({ min: 1030, max: 1060 }), n: fc.integer({ min: 1025, max: 1029 }), k: fc.integer({ min: 1, max: 6 }) }),
);
const cases = gemmCases(shapes).filter((c) => c.m * c.n * c.k > 512); // smaller ones take gemm's direct loop, never split

const builds: { label: string; relaxed: boolean; unshared: WasmKernels }[] = [
  { label: 'plain SIMD', relaxed: false, unshared: plainUnshared },
  { label: 'relaxed SIMD', relaxed: true, unshared: relaxedUnshared },
];

const started: WasmKernels[] = [];
afterAll(() => {
  for (const k of started) k.dispose();
});

describe('a gemm split across threads gives the bits of one thread', () => {
  for (const { label, relaxed, unshared } of builds) {
    it(`${label}: 2, 3 and 4 threads match 1 thread and the unshared build, NN/TN/NT/TT, odd sizes`, async () => {
      const one = await loadWasmKernels({ relaxed, threads: 1 });
      const many = await loadWasmKernels({ relaxed, threads: 2 });
      started.push(one, many);
      many.parallelMinFlops = 0; // split every size the packed path computes
      fc.assert(
        fc.property(cases, (c) => {
          const expected = run(unshared, c);
          const same = (k: WasmKernels, what: string): void => {
            const i = firstDifference(run(k, c), expected);
            if (i !== -1) throw new Error(`${what}: m=${c.m} n=${c.n} k=${c.k} ${c.transA ? 'T' : 'N'}${c.transB ? 'T' : 'N'} differs at C[${Math.floor(i / c.n)},${i % c.n}]`);
          };
          same(one, '1 thread');
          same(many, `${many.threads} threads`);
        }),
        { seed: 11, numRuns: 40 },
      );
      for (const threads of [3, 4]) {
        await many.setThreads(threads);
        expect(many.threads).toBe(threads);
        fc.assert(
          fc.property(cases, (c) => firstDifference(run(many, c), run(unshared, c)) === -1),
          { seed: 12 + threads, numRuns: 15 },
        );
      }
      // Operands too big for the shared pack are packed by each block: the same bits.
      await many.setThreads(2);
      many.sharedPackMaxBytes = 0;
      fc.assert(
        fc.property(cases, (c) => firstDifference(run(many, c), run(unshared, c)) === -1),
        { seed: 17, numRuns: 25 },
      );
      many.sharedPackMaxBytes = Number.POSITIVE_INFINITY;
    });
  }

  it('the default cut-off splits a training-size product, and the result is still the same', async () => {
    const two = await loadWasmKernels({ relaxed: false, threads: 2 });
    started.push(two);
    const c: Case = { m: 128, n: 512, k: 784, transA: false, transB: false, accumulate: false, seed: 3 };
    expect(2 * c.m * c.n * c.k).toBeGreaterThanOrEqual(PARALLEL_MIN_FLOPS);
    expect(firstDifference(run(two, c), run(plainUnshared, c))).toBe(-1);
    expect(firstDifference(run(two, { ...c, transA: true, m: 784, k: 128 }), run(plainUnshared, { ...c, transA: true, m: 784, k: 128 }))).toBe(-1);
  });
});

describe('optimizer updates split across threads give the bits of one thread', () => {
  for (const { label, relaxed, unshared } of builds) {
    it(`${label}: Adam (with and without weight decay) and RMSprop, 2 and 3 threads, n not a multiple of 4`, async () => {
      const many = await loadWasmKernels({ relaxed, threads: 2 });
      started.push(many);
      many.parallelMinUpdate = 0;
      const update = (k: WasmKernels, which: 'adam' | 'rmsprop', n: number, seed: number, weightDecay: number): Float32Array[] => {
        const random = new Random(seed);
        const buffers = [0, 1, 2, 3].map(() => {
          const s = k.alloc(n);
          const v = s.view();
          for (let i = 0; i < n; i++) v[i] = (random.next() - 0.5) * 4;
          return s;
        });
        const [w, g, m, v] = buffers;
        for (let i = 0; i < n; i++) v.view()[i] = Math.abs(v.view()[i]); // a second moment is ≥ 0
        for (let t = 1; t <= 3; t++) {
          if (which === 'adam') k.adamUpdate(w, g, m, v, n, 0.01, 0.9, 0.999, 1e-7, t, weightDecay);
          else k.rmspropUpdate(w, g, v, n, 0.01, 0.9, 1e-7);
        }
        const out = buffers.map((b) => b.view().slice());
        for (const b of buffers) k.free(b);
        return out;
      };
      for (const threads of [2, 3]) {
        await many.setThreads(threads);
        fc.assert(
          fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer(), fc.constantFrom<'adam' | 'rmsprop'>('adam', 'rmsprop'), fc.constantFrom(0, 0.004), (n, seed, which, wd) => {
            const expected = update(unshared, which, n, seed, wd), actual = update(many, which, n, seed, wd);
            return expected.every((e, i) => firstDifference(actual[i], e) === -1);
          }),
          { seed: 21 + threads, numRuns: 40 },
        );
      }
    });
  }
});

describe('claiming blocks', () => {
  // The workers' loop, compiled from the very source they run.
  const claimBlocks = new Function(`${CLAIM_BLOCKS}; return claimBlocks;`)() as (
    control: Int32Array, job: number, runBlock: (block: number, blocks: number) => void, fromEnd?: boolean,
  ) => void;

  it('a thread claims every block of its job exactly once and counts each as completed', () => {
    const control = new Int32Array(CONTROL.length);
    control[CONTROL.claim] = claimWord(7, 5);
    const seen: number[] = [];
    claimBlocks(control, 7, (block) => seen.push(block));
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(control[CONTROL.completed]).toBe(5);
    // From the back: the last block first.
    control[CONTROL.claim] = claimWord(8, 5);
    const fromEnd: number[] = [];
    claimBlocks(control, 8, (block) => fromEnd.push(block), true);
    expect(fromEnd).toEqual([4, 3, 2, 1, 0]);
  });

  it('a thread at each end: every block once, the front one taking the first and the back one the last', () => {
    const control = new Int32Array(CONTROL.length);
    control[CONTROL.claim] = claimWord(9, 6);
    const front: number[] = [], back: number[] = [];
    // Interleaved as two threads might run: while the front one computes its first block, the
    // back one claims from the end (here until none is left).
    claimBlocks(control, 9, (block) => {
      front.push(block);
      if (front.length === 1) claimBlocks(control, 9, (b) => back.push(b), true);
    });
    expect(front).toEqual([0]);
    expect(back).toEqual([5, 4, 3, 2, 1]);
    expect(control[CONTROL.completed]).toBe(6);
  });

  it('a thread still in a finished job claims nothing of the next, whatever it read before', () => {
    // The next job's arguments are written and its claim word is not yet stored (the moment a
    // separate block-count field once let a stale thread claim a block of the wrong job).
    const control = new Int32Array(CONTROL.length).fill(99);
    control[CONTROL.completed] = 0;
    control[CONTROL.claim] = claimWord(7, 2) + (2 << 6); // job 7: both blocks taken (lo = hi = 2)
    const calls: number[][] = [];
    claimBlocks(control, 7, (...args) => calls.push(args));
    control[CONTROL.claim] = claimWord(8, 40); // job 8 posted
    claimBlocks(control, 7, (...args) => calls.push(args));
    expect(calls).toEqual([]);
    expect(control[CONTROL.completed]).toBe(0);
    expect(control[CONTROL.claim]).toBe(claimWord(8, 40));
  });

  it('the claim word holds the largest job number and block count', async () => {
    const { MAX_JOB, MAX_BLOCKS, CLAIM } = await import('../../src/backend/thread-worker.js');
    const word = claimWord(MAX_JOB, MAX_BLOCKS) + (MAX_BLOCKS << CLAIM.loShift); // every block taken from the front
    expect(word).toBeGreaterThan(0);
    expect(word >>> CLAIM.jobShift).toBe(MAX_JOB);
    expect((word >>> CLAIM.blocksShift) & CLAIM.mask).toBe(MAX_BLOCKS);
    expect((word >>> CLAIM.loShift) & CLAIM.mask).toBe(MAX_BLOCKS);
    expect(word & CLAIM.mask).toBe(MAX_BLOCKS);
  });
});

describe('many threads on few cores', () => {
  it('hundreds of back-to-back split gemms of changing block counts, 4 threads: the bits of one thread, no lost block', async () => {
    const one = await loadWasmKernels({ relaxed: false, threads: 1 });
    const four = await loadWasmKernels({ relaxed: false, threads: 4 });
    started.push(one, four);
    four.parallelMinFlops = 0;
    const shapes: Case[] = [
      { m: 16, n: 64, k: 8, transA: false, transB: false, accumulate: true, seed: 1 },
      { m: 200, n: 300, k: 40, transA: false, transB: true, accumulate: true, seed: 2 },
      { m: 8, n: 40, k: 30, transA: true, transB: false, accumulate: false, seed: 3 },
      { m: 260, n: 13, k: 60, transA: false, transB: false, accumulate: true, seed: 4 },
    ];
    for (let round = 0; round < 600; round++) {
      const c = shapes[round % shapes.length];
      if (round % 100 < shapes.length) expect(firstDifference(run(four, c), run(one, c))).toBe(-1);
      else run(four, c);
    }
  });
});

describe('blockCount', () => {
  it('gives a block per 4 Mflop, one or two per thread, but no more than the tiles along the longer side, nor 63', () => {
    expect(blockCount(1024, 1024, 1024, 4, 8, 2)).toBe(4); // 2.1 Gflop: 2 per thread
    expect(blockCount(128, 512, 784, 3, 12, 4)).toBe(8); // 103 Mflop
    expect(blockCount(128, 256, 512, 4, 8, 2)).toBe(4); // 33.5 Mflop
    expect(blockCount(128, 256, 512, 4, 8, 3)).toBe(6);
    expect(blockCount(128, 128, 128, 4, 8, 2)).toBe(2); // 4.2 Mflop: one per thread
    expect(blockCount(9, 2, 500, 4, 8, 3)).toBe(3); // 9 rows: 3 tiles of 4
    expect(blockCount(2, 9, 500, 4, 8, 3)).toBe(2); // 9 columns: 2 tiles of 8
    expect(blockCount(50000, 100, 100, 4, 8, 32)).toBe(63);
    expect(blockCount(1, 1, 1, 4, 8, 1)).toBe(1);
  });
});

describe('nn.ready({ threads }), nn.setThreads, getBackendInfo', () => {
  it('report and change the thread count; 1 stops the workers', async () => {
    await nn.setBackend('wasm', { threads: 2 });
    expect(nn.getBackendInfo().threads).toBe(2);
    await nn.setThreads(3);
    expect(nn.getBackendInfo().threads).toBe(3);
    await nn.ready({ threads: 1 });
    expect(nn.getBackendInfo()).toMatchObject({ name: 'wasm', threads: 1 });
    await nn.setBackend('reference');
    expect(nn.getBackendInfo()).toEqual({ name: 'reference', relaxed: false, threads: 1 });
    await nn.setThreads(2); // the reference backend stays on one thread
    expect(nn.getBackendInfo().threads).toBe(1);
  });

  it('a thread count that is not an integer ≥ 1 is a ConfigError naming it', async () => {
    await nn.setBackend('wasm', { threads: 1 });
    await expect(nn.setThreads(0)).rejects.toThrow(nn.ConfigError);
    await expect(nn.setThreads(1.5)).rejects.toThrow('setThreads: threads must be an integer ≥ 1, got 1.5');
    await expect(nn.setBackend('wasm', { threads: -1 })).rejects.toThrow('threads must be an integer ≥ 1, got -1');
  });

  it("the workers' workspaces are the backend's own: memoryStats is the same with 1 and 3 threads", async () => {
    const k = await loadWasmKernels({ relaxed: false, threads: 1 });
    started.push(k);
    const x = k.alloc(1000);
    const before = k.memoryStats();
    await k.setThreads(3);
    expect(k.memoryStats()).toMatchObject({ bytesInUse: before.bytesInUse, liveAllocations: before.liveAllocations });
    await k.setThreads(1);
    expect(k.memoryStats()).toMatchObject({ bytesInUse: before.bytesInUse, liveAllocations: before.liveAllocations });
    k.free(x);
  });
});

describe('idle workers never keep a process alive', () => {
  it('a script that trains with 2 threads and ends exits by itself', async () => {
    const script = `
      import * as nn from './src/index.ts';
      await nn.ready({ threads: 2 });
      const model = nn.sequential([nn.layers.dense({ units: 256, activation: 'relu', inputShape: [256] }), nn.layers.dense({ units: 4 })], { seed: 1 });
      model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
      const x = nn.tensor(new Float32Array(128 * 256).fill(0.5), [128, 256]), y = nn.zeros([128, 4]);
      await model.fit(x, y, { batchSize: 128, verbose: 0 }); // 2·128·256·256 flops: split
      console.log(JSON.stringify(nn.getBackendInfo()));
    `;
    const root = fileURLToPath(new URL('../..', import.meta.url));
    // A process kept alive by its workers would run until this timeout kills it (signal set).
    const result = await new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, timeout: 60_000 }, (_error, stdout, stderr) => {
        resolve({ code: child.exitCode, signal: child.signalCode, stdout, stderr });
      });
    });
    expect(result.signal, 'killed by the timeout: the process did not exit').toBeNull();
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ name: 'wasm', threads: 2 });
  });
});
