// Weight penalties: values and gradients pinned on a small matrix on both backends, a
// central-difference check of each gradient, serialization and argument checks.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Kernels, Storage } from '../src/backend/kernels.js';
import { ReferenceKernels } from '../src/backend/reference.js';
import { loadWasmKernels } from '../src/backend/wasm.js';
import { L1, L1L2, L2, getRegularizer, l1, l1l2, l2, type Regularizer } from '../src/regularizers.js';
import { ConfigError, ValueError } from '../src/errors.js';

const backends: Record<string, Kernels> = {};
beforeAll(async () => {
  backends.reference = new ReferenceKernels();
  backends.wasm = await loadWasmKernels({ relaxed: true });
});

function storage(k: Kernels, values: number[]): Storage {
  const s = k.alloc(values.length);
  s.view().set(values);
  return s;
}

// A 2×3 matrix with a zero (where the L1 subgradient is 0). Σ|w| = 6.75, Σw² = 14.3125.
const W = [1, -2, 0, 0.5, -0.25, 3];

describe.each(['reference', 'wasm'])('penalties on %s', (name) => {
  const k = (): Kernels => backends[name];

  it('values: λ·Σ|w|, λ·Σw², and both', () => {
    const w = storage(k(), W);
    expect(l1().penalty(k(), w, 6)).toBeCloseTo(0.01 * 6.75, 12);
    expect(l2().penalty(k(), w, 6)).toBeCloseTo(0.01 * 14.3125, 12);
    expect(l2(0.5).penalty(k(), w, 6)).toBeCloseTo(7.15625, 12);
    expect(l1l2({ l1: 0.1, l2: 0.2 }).penalty(k(), w, 6)).toBeCloseTo(0.675 + 2.8625, 12);
    expect(l1l2().penalty(k(), w, 6)).toBeCloseTo(0.0675 + 0.143125, 12);
    expect(l2().penalty(k(), w, 3)).toBeCloseTo(0.05, 12); // first row only: 1 + 4 + 0
  });

  it('gradients are added into grad: λ·sign(w) (0 at 0), 2λ·w', () => {
    const w = storage(k(), W);
    const cases: [Regularizer, number[]][] = [
      [l1(0.1), [0.1, -0.1, 0, 0.1, -0.1, 0.1]],
      [l2(0.1), [0.2, -0.4, 0, 0.1, -0.05, 0.6]],
      [l1l2({ l1: 0.1, l2: 0.1 }), [0.3, -0.5, 0, 0.2, -0.15, 0.7]],
    ];
    for (const [regularizer, gradient] of cases) {
      const g = storage(k(), [1, 1, 1, 1, 1, 1]);
      regularizer.addGradient(k(), w, g, 6);
      for (const [i, d] of gradient.entries()) expect(g.view()[i]).toBeCloseTo(1 + d, 6);
    }
  });

  it('gradients match central differences of the penalty', () => {
    const values = [0.75, -1.5, 0.25, 2, -0.5, 1.25]; // no zeros: |w| is differentiable there
    for (const regularizer of [l1(0.3), l2(0.7), l1l2({ l1: 0.2, l2: 0.4 })]) {
      const w = storage(k(), values);
      const g = k().alloc(6);
      regularizer.addGradient(k(), w, g, 6);
      for (let i = 0; i < 6; i++) {
        const at = (x: number): [number, number] => {
          w.view()[i] = x;
          return [w.view()[i], regularizer.penalty(k(), w, 6)]; // the f32 actually stored
        };
        const [xPlus, pPlus] = at(values[i] + 1e-2);
        const [xMinus, pMinus] = at(values[i] - 1e-2);
        w.view()[i] = values[i];
        // Exact for a quadratic up to the f64 sum's rounding: a missing 2 would be off by 50%.
        expect(g.view()[i]).toBeCloseTo((pPlus - pMinus) / (xPlus - xMinus), 5);
      }
    }
  });
});

describe('regularizer configuration', () => {
  it('serializes as Keras does', () => {
    expect([l1(), l2(), l1l2()].map((r) => r.className)).toEqual(['L1', 'L2', 'L1L2']);
    expect(l1(0.5).getConfig()).toEqual({ l1: 0.5 });
    expect(l2().getConfig()).toEqual({ l2: 0.01 });
    expect(l1l2({ l2: 0.3 }).getConfig()).toEqual({ l1: 0.01, l2: 0.3 });
    expect(l2({ l2: 0.2 }).getConfig()).toEqual({ l2: 0.2 }); // TF.js's argument form
    expect(l1({}).getConfig()).toEqual({ l1: 0.01 });
  });

  it('getRegularizer takes names, serialized configs and instances', () => {
    expect(getRegularizer('l2')).toBeInstanceOf(L2);
    expect(getRegularizer('L1')).toBeInstanceOf(L1);
    expect(getRegularizer('l1_l2')?.getConfig()).toEqual({ l1: 0.01, l2: 0.01 });
    expect(getRegularizer({ className: 'L2', config: { l2: 0.25 } })?.getConfig()).toEqual({ l2: 0.25 });
    expect(getRegularizer({ className: 'L1L2', config: { l1: 0.5 } })?.getConfig()).toEqual({ l1: 0.5, l2: 0 });
    const mine = l1l2();
    expect(getRegularizer(mine)).toBe(mine);
    expect(getRegularizer(null)).toBeNull();
    expect(getRegularizer(undefined)).toBeNull();
    expect(() => getRegularizer('l3')).toThrow(ConfigError);
    expect(() => getRegularizer('l3')).toThrow(/'l3'; expected one of l1, l2, l1l2, l1_l2/);
    expect(() => getRegularizer({ className: 'Orthogonal' })).toThrow(ConfigError);
    expect(new L1L2(0, 0).penalty(backends.reference, storage(backends.reference, W), 6)).toBe(0);
  });

  it('rejects negative and non-finite factors', () => {
    expect(() => l2(-0.01)).toThrow(ValueError);
    expect(() => l2(-0.01)).toThrow(/l2: l2 must be ≥ 0, got -0.01/);
    expect(() => l1(NaN)).toThrow(/l1: l1 must be a finite number, got NaN/);
    expect(() => l1l2({ l1: Infinity })).toThrow(/l1l2: l1 must be a finite number, got Infinity/);
    expect(() => l1l2({ l2: -1 })).toThrow(/l1l2: l2 must be ≥ 0, got -1/);
    expect(() => getRegularizer({ className: 'L2', config: { l2: 'abc' } })).toThrow(ValueError);
  });
});
