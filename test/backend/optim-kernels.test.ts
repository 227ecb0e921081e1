// Optimizer and penalty kernels: hand-computed single steps on every backend, and the two
// wasm builds (plain SIMD, relaxed SIMD) against the reference loops on random inputs of
// sizes below one vector, with tails, and several SIMD blocks long.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Kernels, Storage } from '../../src/backend/kernels.js';
import { ReferenceKernels } from '../../src/backend/reference.js';
import { loadWasmKernels } from '../../src/backend/wasm.js';
import { Random } from '../../src/random.js';

const backends: Record<string, Kernels> = {};

beforeAll(async () => {
  backends.reference = new ReferenceKernels();
  backends.plain = await loadWasmKernels({ relaxed: false });
  backends.relaxed = await loadWasmKernels({ relaxed: true });
});

function storage(k: Kernels, values: ArrayLike<number>): Storage {
  const s = k.alloc(values.length);
  s.view().set(values);
  return s;
}

/** |actual - expected| ≤ tol·max(1, |expected|) elementwise (relative, absolute near 0). */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= tol * Math.max(1, Math.abs(expected[i])))) {
      throw new Error(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]} (error ${err}, tolerance ${tol})`);
    }
  }
}

const W0 = [1, -2, 0.5];
const G = [0.5, -1, 2];

describe.each(['reference', 'plain', 'relaxed'])('hand-computed single steps on %s', (name) => {
  const k = (): Kernels => backends[name];

  it('sgd without momentum: w ← w - lr·g', () => {
    const w = storage(k(), W0), g = storage(k(), G);
    k().sgdUpdate(w, g, null, 3, 0.1, 0, false);
    expectClose(w.view(), [0.95, -1.9, 0.3], 1e-6, 'w');
  });

  it('sgd with momentum, plain and nesterov', () => {
    // v = 0.9·[0.1, 0, -0.2] - 0.1·[0.5, -1, 2] = [0.04, 0.1, -0.38]
    const v0 = [0.1, 0, -0.2];
    const w = storage(k(), W0), g = storage(k(), G), v = storage(k(), v0);
    k().sgdUpdate(w, g, v, 3, 0.1, 0.9, false);
    expectClose(v.view(), [0.04, 0.1, -0.38], 1e-6, 'v');
    expectClose(w.view(), [1.04, -1.9, 0.12], 1e-6, 'w'); // w + v
    // nesterov: w += 0.9·v - 0.1·g = [-0.014, 0.19, -0.542]
    const wn = storage(k(), W0), vn = storage(k(), v0);
    k().sgdUpdate(wn, g, vn, 3, 0.1, 0.9, true);
    expectClose(vn.view(), [0.04, 0.1, -0.38], 1e-6, 'v (nesterov)');
    expectClose(wn.view(), [0.986, -1.81, -0.042], 1e-6, 'w (nesterov)');
  });

  it('rmsprop puts epsilon inside the square root', () => {
    // ms = 0.9·[0, 1, 0.5] + 0.1·g² = [0.025, 1, 0.85]; w -= 0.1·g/sqrt(ms + 0.01)
    // (epsilon outside would give 1 - 0.05/(sqrt(0.025)+0.01) = 0.7026..., not 0.7327...)
    const w = storage(k(), W0), g = storage(k(), G), ms = storage(k(), [0, 1, 0.5]);
    k().rmspropUpdate(w, g, ms, 3, 0.1, 0.9, 0.01);
    expectClose(ms.view(), [0.025, 1, 0.85], 1e-6, 'ms');
    expectClose(w.view(), [0.7327387580875756, -1.9004962809790011, 0.28433445359312315], 1e-6, 'w');
  });

  it('adam at t = 1 steps by ≈ lr·sign(g)', () => {
    // m̂ = g and v̂ = g² at t = 1, so the step is lr·g/(|g| + ε)
    const w = storage(k(), W0), g = storage(k(), G), m = k().alloc(3), v = k().alloc(3);
    k().adamUpdate(w, g, m, v, 3, 0.01, 0.9, 0.999, 1e-7, 1, 0);
    expectClose(m.view(), [0.05, -0.1, 0.2], 1e-6, 'm');
    expectClose(v.view(), [0.00025, 0.001, 0.004], 1e-6, 'v');
    expectClose(w.view(), [0.99, -1.99, 0.49], 1e-6, 'w');
  });

  it('adam at t = 2 with state, and AdamW decay applied from w before the step', () => {
    // m = 0.9·m0 + 0.1·g = [0.14, -0.28, 0.2];  v = 0.999·v0 + 0.001·g² = [0.01024, 0.04096, 0.004999]
    // m̂ = m/(1-0.9²), v̂ = v/(1-0.999²);  w -= 0.01·m̂/(sqrt(v̂) + 1e-7)
    const m0 = [0.1, -0.2, 0], v0 = [0.01, 0.04, 0.001];
    const w = storage(k(), W0), g = storage(k(), G), m = storage(k(), m0), v = storage(k(), v0);
    k().adamUpdate(w, g, m, v, 3, 0.01, 0.9, 0.999, 1e-7, 2, 0);
    expectClose(m.view(), [0.14, -0.28, 0.2], 1e-6, 'm');
    expectClose(v.view(), [0.01024, 0.04096, 0.004999], 1e-6, 'v');
    expectClose(w.view(), [0.996744401540737, -1.9967444014688156, 0.4933435726566382], 1e-6, 'w');
    // AdamW, weightDecay 0.1: the same step plus -0.01·0.1·w0
    const ww = storage(k(), W0), mw = storage(k(), m0), vw = storage(k(), v0);
    k().adamUpdate(ww, g, mw, vw, 3, 0.01, 0.9, 0.999, 1e-7, 2, 0.1);
    expectClose(ww.view(), [0.995744401540737, -1.9947444014688156, 0.4928435726566382], 1e-6, 'w (adamw)');
  });

  it('penalty and its gradient on a small matrix', () => {
    // Σ|w| = 3.75, Σw² = 5.3125:  0.1·3.75 + 0.01·5.3125 = 0.428125
    const w = storage(k(), [1, -2, 0, 0.5, -0.25]);
    expect(k().penalty(w, 5, 0.1, 0.01)).toBeCloseTo(0.428125, 12);
    expect(k().penalty(w, 5, 0, 0.01)).toBeCloseTo(0.053125, 12);
    expect(k().penalty(w, 5, 0.1, 0)).toBeCloseTo(0.375, 12);
    expect(k().penalty(w, 0, 0.1, 0.01)).toBe(0);
    // g += 0.1·sign(w) + 0.02·w, sign(0) = 0
    const g = storage(k(), [1, 1, 1, 1, 1]);
    k().penaltyGradient(w, g, 5, 0.1, 0.01);
    expectClose(g.view(), [1.12, 0.86, 1, 1.11, 0.895], 1e-6, 'g');
  });
});

/** Random f32 values in [-scale, scale), seeded. */
function randomValues(random: Random, n: number, scale: number, positive = false): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = positive ? random.uniform(0, scale) : random.uniform(-scale, scale);
  return out;
}

// Sizes below one vector, with a tail of 1..3, and several 4-lane blocks plus a tail.
const sizes = fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 4, max: 70 }), fc.constantFrom(257, 1021));

/**
 * Runs the same update `steps` times on the reference backend and on `name`, from the same
 * random start, and compares every buffer. `run` receives the buffers in a fixed order, and
 * `keptCount` storages for the update's `kept` argument (null when 0), which are compared too:
 * after the last step they hold the values before it.
 */
function compareWithReference(
  name: string, n: number, seed: number, buffers: { scale: number; positive?: boolean }[], steps: number,
  run: (k: Kernels, s: Storage[], step: number, kept: Storage[] | null) => void, tol: number, keptCount = 0,
): void {
  const random = new Random(seed);
  const initial = buffers.map((b) => randomValues(random, n, b.scale, b.positive));
  const gradients = Array.from({ length: steps }, () => randomValues(random, n, 1));
  const results = [backends.reference, backends[name]].map((k) => {
    const s = initial.map((values) => storage(k, values));
    const g = k.alloc(n);
    const kept = keptCount === 0 ? null : Array.from({ length: keptCount }, () => k.alloc(n));
    for (let step = 0; step < steps; step++) {
      g.view().set(gradients[step]);
      run(k, [g, ...s], step, kept);
    }
    return [...s, ...(kept ?? [])].map((x) => Float32Array.from(x.view()));
  });
  for (const [i, expected] of results[0].entries()) expectClose(results[1][i], expected, tol, `${name} buffer ${i} (n=${n})`);
}

describe.each(['plain', 'relaxed'])('%s wasm build matches the reference, with and without kept', (name) => {
  // Three steps each: f32 rounding differs from the reference's f64 loops by a few ulps.
  const tol = 2e-5;

  it('sgdUpdate', () => {
    fc.assert(
      fc.property(sizes, fc.integer(), fc.double({ min: 1e-4, max: 0.5, noNaN: true }), fc.constantFrom(0, 0.5, 0.9, 0.99), fc.boolean(), fc.boolean(), (n, seed, lr, momentum, nesterov, keep) => {
        compareWithReference(name, n, seed, [{ scale: 2 }, { scale: 0.5 }], 3,
          (k, [g, w, v], _step, kept) => k.sgdUpdate(w, g, momentum === 0 ? null : v, n, lr, momentum, nesterov, kept), tol, keep ? (momentum === 0 ? 1 : 2) : 0);
      }),
      { seed: 42, numRuns: 60 },
    );
  });

  it('rmspropUpdate', () => {
    fc.assert(
      fc.property(sizes, fc.integer(), fc.double({ min: 1e-4, max: 0.5, noNaN: true }), fc.constantFrom(0.5, 0.9, 0.99), fc.constantFrom(1e-7, 1e-3), fc.boolean(), (n, seed, lr, rho, epsilon, keep) => {
        compareWithReference(name, n, seed, [{ scale: 2 }, { scale: 1, positive: true }], 3,
          (k, [g, w, ms], _step, kept) => k.rmspropUpdate(w, g, ms, n, lr, rho, epsilon, kept), tol, keep ? 2 : 0);
      }),
      { seed: 42, numRuns: 60 },
    );
  });

  it('adamUpdate (with and without decoupled weight decay)', () => {
    fc.assert(
      fc.property(sizes, fc.integer(), fc.double({ min: 1e-4, max: 0.1, noNaN: true }), fc.constantFrom(0, 0.004, 0.1), fc.integer({ min: 1, max: 1000 }), fc.boolean(), (n, seed, lr, weightDecay, t0, keep) => {
        compareWithReference(name, n, seed, [{ scale: 2 }, { scale: 0.5 }, { scale: 0.5, positive: true }], 3,
          (k, [g, w, m, v], step, kept) => k.adamUpdate(w, g, m, v, n, lr, 0.9, 0.999, 1e-7, t0 + step, weightDecay, kept), tol, keep ? 3 : 0);
      }),
      { seed: 42, numRuns: 60 },
    );
  });

  it('penalty and penaltyGradient', () => {
    fc.assert(
      fc.property(sizes, fc.integer(), fc.constantFrom(0, 0.01, 0.3), fc.constantFrom(0, 0.01, 0.2), (n, seed, l1, l2) => {
        const random = new Random(seed);
        const w = randomValues(random, n, 3);
        if (n > 2) w[1] = 0; // sign(0) = 0 on both
        const g = randomValues(random, n, 1);
        const [ref, k] = [backends.reference, backends[name]];
        // Both sum in float64, so the two values agree to f64 rounding.
        const expected = ref.penalty(storage(ref, w), n, l1, l2);
        expect(Math.abs(k.penalty(storage(k, w), n, l1, l2) - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, expected));
        const gRef = storage(ref, g), gK = storage(k, g);
        ref.penaltyGradient(storage(ref, w), gRef, n, l1, l2);
        k.penaltyGradient(storage(k, w), gK, n, l1, l2);
        expectClose(gK.view(), gRef.view(), 1e-6, `${name} penaltyGradient (n=${n})`);
      }),
      { seed: 42, numRuns: 60 },
    );
  });

  it('each kernel touches exactly n values (the one after the end is left alone)', () => {
    const k = backends[name];
    for (const n of [1, 3, 5, 8, 13]) {
      const bufs = Array.from({ length: 4 }, () => storage(k, new Float32Array(n + 1).fill(0.25)));
      const [w, g, a, b] = bufs;
      k.sgdUpdate(w, g, a, n, 0.1, 0.9, true);
      k.rmspropUpdate(w, g, a, n, 0.1, 0.9, 1e-7);
      k.adamUpdate(w, g, a, b, n, 0.1, 0.9, 0.999, 1e-7, 1, 0.1);
      k.penaltyGradient(w, g, n, 0.1, 0.1);
      for (const s of bufs) expect(s.view()[n]).toBe(0.25);
      expect(k.penalty(w, n, 0, 0)).toBe(0);
    }
  });
});

/**
 * Runs `check` over every backend and the relaxed build split over 2 threads (every update
 * size split, so that each thread computes part of it), then stops the split's worker.
 */
async function onEveryBackendAndSplit(check: (all: [string, Kernels][]) => void): Promise<void> {
  const split = await loadWasmKernels({ relaxed: true, threads: 2 });
  split.parallelMinUpdate = 0;
  try {
    check([...Object.entries(backends), ['relaxed, split over 2 threads', split]]);
  } finally {
    split.dispose();
  }
}

describe('kept: an update writes the values it replaces, and changes nothing else', () => {
  type Update = 'sgd' | 'sgd momentum' | 'sgd nesterov' | 'rmsprop' | 'adam' | 'adamw';
  const stateCount: Record<Update, number> = { sgd: 0, 'sgd momentum': 1, 'sgd nesterov': 1, rmsprop: 1, adam: 2, adamw: 2 };

  /** Runs one update on fresh buffers drawn from `seed`: the new w and state, and what `kept` received (null without it). */
  function step(k: Kernels, which: Update, n: number, seed: number, keep: boolean): { after: Float32Array[]; kept: Float32Array[] | null; before: Float32Array[] } {
    const random = new Random(seed);
    const draw = (positive = false): Float32Array => Float32Array.from({ length: n }, () => (positive ? random.next() : random.next() * 4 - 2));
    const before = [draw(), ...Array.from({ length: stateCount[which] }, (_, j) => draw(which !== 'sgd momentum' && which !== 'sgd nesterov' && (which === 'rmsprop' || j === 1)))];
    const [w, ...state] = before.map((values) => storage(k, values));
    const g = storage(k, draw());
    const kept = keep ? before.map(() => storage(k, new Float32Array(n).fill(Number.NaN))) : null;
    if (which === 'adam' || which === 'adamw') k.adamUpdate(w, g, state[0], state[1], n, 0.01, 0.9, 0.999, 1e-7, 3, which === 'adamw' ? 0.004 : 0, kept);
    else if (which === 'rmsprop') k.rmspropUpdate(w, g, state[0], n, 0.01, 0.9, 1e-7, kept);
    else k.sgdUpdate(w, g, state[0] ?? null, n, 0.05, which === 'sgd' ? 0 : 0.9, which === 'sgd nesterov', kept);
    const after = [w, ...state].map((s) => s.view().slice(0, n));
    const keptValues = kept?.map((s) => s.view().slice(0, n)) ?? null;
    for (const s of [w, ...state, g, ...(kept ?? [])]) k.free(s);
    return { after, kept: keptValues, before };
  }

  it('on every backend, each update form, sizes with SIMD tails; the threaded split included', async () => {
    await onEveryBackendAndSplit((all) => {
      fc.assert(
        fc.property(
          fc.constantFrom<Update>('sgd', 'sgd momentum', 'sgd nesterov', 'rmsprop', 'adam', 'adamw'),
          fc.integer({ min: 1, max: 300 }), fc.integer(),
          (which, n, seed) => {
            for (const [name, k] of all) {
              const plain = step(k, which, n, seed, false), keeping = step(k, which, n, seed, true);
              // The same results to the bit, and kept holds exactly the values before the step.
              for (const [j, values] of plain.after.entries()) expect(Array.from(keeping.after[j]), `${name} ${which} buffer ${j}`).toEqual(Array.from(values));
              expect(keeping.kept?.map((v) => Array.from(v)), `${name} ${which} kept`).toEqual(keeping.before.map((v) => Array.from(v)));
            }
          },
        ),
        { seed: 41, numRuns: 60 },
      );
    });
  });
});

describe('each update says whether the weights it wrote are all finite', () => {
  type Update = 'sgd' | 'sgd momentum' | 'rmsprop' | 'adam';
  /** What goes wrong, and where: a NaN or ±Infinity gradient, or a finite step that overflows w. */
  type Fault = 'none' | 'nan gradient' | 'infinite gradient' | 'overflow';

  /** One update on fresh buffers from `seed` with `fault` at value `at`: the kernel's answer and w after. */
  function update(k: Kernels, which: Update, n: number, seed: number, fault: Fault, at: number): { said: boolean; w: Float32Array } {
    const random = new Random(seed);
    const draw = (positive = false): Float32Array => Float32Array.from({ length: n }, () => (positive ? random.next() : random.next() * 4 - 2));
    const wValues = draw(), gValues = draw(), first = draw(which === 'rmsprop'), second = draw(true);
    let lr = 0.01;
    if (fault === 'nan gradient') gValues[at] = Number.NaN;
    if (fault === 'infinite gradient') gValues[at] = at % 2 === 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    if (fault === 'overflow') {
      // Finite inputs whose update leaves float32's range: w = 3e38, then w - lr·g with
      // g = -1e38 and lr = 1 (SGD), or a step of lr·g/sqrt(ms) ≈ 3.2·lr (RMSprop) or
      // lr·m̂/sqrt(v̂) ≈ lr (Adam) with g = -1 and lr = 1e38.
      const sgd = which === 'sgd' || which === 'sgd momentum';
      wValues[at] = 3e38;
      gValues[at] = sgd ? -1e38 : -1;
      first[at] = 0; // no velocity, mean square or first moment yet
      second[at] = 0;
      lr = sgd ? 1 : 1e38;
    }
    const [w, g, a, b] = [wValues, gValues, first, second].map((values) => storage(k, values));
    let said: boolean;
    if (which === 'adam') said = k.adamUpdate(w, g, a, b, n, lr, 0.9, 0.999, 1e-7, 1, 0);
    else if (which === 'rmsprop') said = k.rmspropUpdate(w, g, a, n, lr, 0.9, 1e-7);
    else said = k.sgdUpdate(w, g, which === 'sgd' ? null : a, n, lr, which === 'sgd' ? 0 : 0.9, false);
    const after = w.view().slice(0, n);
    for (const s of [w, g, a, b]) k.free(s);
    return { said, w: after };
  }

  it('on every backend and the threaded split: true exactly when every new w is finite, wherever the fault lies', async () => {
    await onEveryBackendAndSplit((all) => {
      fc.assert(
        fc.property(
          fc.constantFrom<Update>('sgd', 'sgd momentum', 'rmsprop', 'adam'),
          fc.constantFrom<Fault>('none', 'nan gradient', 'infinite gradient', 'overflow'),
          fc.integer({ min: 1, max: 300 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.integer(),
          (which, fault, n, where, seed) => {
            const at = Math.floor(where * n); // in a vector, in the scalar tail, in either thread's block
            for (const [name, k] of all) {
              const { said, w } = update(k, which, n, seed, fault, at);
              const finite = w.every(Number.isFinite);
              expect(said, `${name} ${which} ${fault} at ${at} of ${n}`).toBe(finite);
              if (fault !== 'none') expect(finite, `${name} ${which} ${fault}: the fault reaches w`).toBe(false);
            }
          },
        ),
        { seed: 43, numRuns: 120 },
      );
    });
  });
});

describe('optimizer state never holds a denormal: below 2^-126 it is stored as 0', () => {
  const SMALLEST_NORMAL = 2 ** -126;
  const isDenormal = (x: number): boolean => x !== 0 && Math.abs(x) < SMALLEST_NORMAL;
  type Update = 'sgd momentum' | 'rmsprop' | 'adam';

  /**
   * One nonzero gradient, then `steps` zero ones: each state decays geometrically (m by b1, the
   * velocity by the momentum, the mean square by rho) through the denormal range to 0. Returns
   * every state value after every step, and w at the end.
   */
  function decay(k: Kernels, which: Update, n: number, steps: number): { states: number[]; first: Float32Array; w: Float32Array } {
    const random = new Random(n);
    const w = storage(k, Float32Array.from({ length: n }, () => random.next() - 0.5));
    const g = storage(k, Float32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : (random.next() - 0.5) * 1e-3)));
    const a = storage(k, new Float32Array(n)), b = storage(k, new Float32Array(n));
    const states: number[] = [];
    for (let t = 1; t <= steps + 1; t++) {
      if (t === 2) g.view().fill(0);
      if (which === 'adam') k.adamUpdate(w, g, a, b, n, 1e-3, 0.9, 0.999, 1e-7, t, 0);
      else if (which === 'rmsprop') k.rmspropUpdate(w, g, a, n, 1e-3, 0.5, 1e-7);
      else k.sgdUpdate(w, g, a, n, 1e-3, 0.5, t % 2 === 0);
      states.push(...a.view(), ...(which === 'adam' ? b.view() : []));
    }
    const out = { states, first: a.view().slice(), w: w.view().slice() };
    for (const s of [w, g, a, b]) k.free(s);
    return out;
  }

  it('on every backend and the threaded split, m, v, the velocity and the mean square reach 0 without a denormal on the way', async () => {
    await onEveryBackendAndSplit((all) => {
      for (const which of ['sgd momentum', 'rmsprop', 'adam'] as const) {
        // 0.5^150 and 0.9^900 take a state of 1e-4 below 2^-149, the smallest denormal.
        const steps = which === 'adam' ? 900 : 150;
        const results = all.map(([name, k]) => ({ name, ...decay(k, which, 37, steps) }));
        for (const { name, states, first } of results) {
          const denormal = states.findIndex(isDenormal);
          expect(denormal, `${name} ${which}: state value ${states[denormal]} at ${denormal}`).toBe(-1);
          expect(first.every((x) => x === 0), `${name} ${which}: m, the velocity or the mean square has decayed to 0`).toBe(true);
        }
        // The weights move the same on every backend (the flushed values moved them by nothing).
        for (const { name, w } of results.slice(1)) expectClose(w, results[0].w, 1e-5, `${name} ${which} w`);
      }
    });
  });

  it('NaN and ±Infinity in the state are kept, not flushed', () => {
    for (const [name, k] of Object.entries(backends)) {
      const w = storage(k, [1, 1, 1, 1, 1]), g = storage(k, [Number.NaN, Number.POSITIVE_INFINITY, 0, 0, 0]);
      const m = storage(k, [0, 0, 1e-39, -1e-39, 2e-38]), v = storage(k, [0, 0, 0, 0, 0]);
      k.adamUpdate(w, g, m, v, 5, 1e-3, 0.9, 0.999, 1e-7, 1, 0);
      const [m0, m1, m2, m3, m4] = m.view();
      expect(Number.isNaN(m0), `${name}: NaN gradient`).toBe(true);
      expect(m1, `${name}: infinite gradient`).toBe(Number.POSITIVE_INFINITY);
      expect([m2, m3], `${name}: 0.9 × ±1e-39 is denormal`).toEqual([0, 0]);
      expect(m4, `${name}: 0.9 × 2e-38 is still normal`).toBeCloseTo(1.8e-38, 45);
    }
  });
});
