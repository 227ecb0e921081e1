// The float64 erfc behind the reference gelu (src/backend/erfc.ts), against tabulated values
// and against an independent computation: Romberg-refined Simpson integration of its
// definition erfc(x) = (2/√π)·∫_x^∞ e^(-s²) ds.

import { describe, expect, it } from 'vitest';
import { erfc, scaledErfc } from '../../src/backend/erfc.js';

/**
 * (2/√π)·∫_x^(x+12) e^(-s²) ds (the rest of the tail is below e^(-144)·erfc(x)), written as
 * e^(-x²)·∫ e^(-(s² - x²)) ds so the integrand is O(1) at any x: Simpson's rule on 2N and N
 * panels, combined by one Richardson step, (16·S_2N - S_N)/15.
 */
function erfcByIntegration(x: number): number {
  const simpson = (panels: number): number => {
    const h = 12 / panels;
    let sum = 0;
    for (let i = 0; i <= panels; i++) {
      const s = x + i * h;
      sum += (i === 0 || i === panels ? 1 : i % 2 === 1 ? 4 : 2) * Math.exp(-(s - x) * (s + x));
    }
    return (sum * h) / 3;
  };
  return ((16 * simpson(40_000) - simpson(20_000)) / 15) * (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x);
}

const relativeError = (actual: number, expected: number): number => Math.abs(actual - expected) / Math.abs(expected);

describe('erfc in float64', () => {
  it('matches the tabulated values to 1e-14 relative', () => {
    // erfc at 0.5, 1, 2, 3, 5 and 10 (the float64 nearest each tabulated value).
    const table: [number, number][] = [
      [0.5, 0.4795001221869535], [1, 0.15729920705028513], [2, 0.004677734981047266],
      [3, 2.209049699858544e-5], [5, 1.537459794428035e-12], [10, 2.088487583762545e-45],
    ];
    for (const [x, value] of table) expect(relativeError(erfc(x), value), `erfc(${x})`).toBeLessThan(1e-14);
  });

  it('matches numerical integration of its definition to 1e-12 relative, on both sides of the switch at x = 1 and into the far tail', () => {
    for (let x = 0; x <= 25; x += x < 2 ? 0.0625 : 0.5) {
      expect(relativeError(erfc(x), erfcByIntegration(x)), `erfc(${x})`).toBeLessThan(1e-12);
    }
  });

  it('is 2 - erfc(-x) below 0, 1 at 0, NaN for NaN, and 0 and 2 at ∓Infinity', () => {
    for (const x of [0.25, 1, 3.5]) expect(erfc(-x)).toBe(2 - erfc(x));
    expect(erfc(0)).toBe(1);
    expect(erfc(NaN)).toBeNaN();
    expect(erfc(Infinity)).toBe(0);
    expect(erfc(-Infinity)).toBe(2);
  });

  it('the scaled form e^(x²)·erfc(x) stays finite where erfc underflows, tending to 1/(x√π)', () => {
    expect(erfc(30)).toBe(0);
    // e^(x²)·erfc(x)·x√π = 1 - 1/(2x²) + 3/(4x⁴) - ...
    const x = 1000;
    expect(scaledErfc(x) * x * Math.sqrt(Math.PI)).toBeCloseTo(1 - 1 / (2 * x * x) + 3 / (4 * x ** 4), 14);
  });
});
