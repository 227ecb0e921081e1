/**
 * The study's verdicts come from the numbers: McNemar's z on the test images decides
 * 'helps', 'hurts' or 'no measurable effect', and the gap sentence follows the gaps.
 */
import { describe, expect, it } from 'vitest';
import { mcnemar } from '../../examples/study/compare.js';
import { baselineSentence, tableRows, verdicts, verdictsLead } from '../../examples/study/summary.js';
import type { VariantResult } from '../../examples/study/train.js';

/** n images; the first `right` are classified correctly. */
function correct(n: number, right: number[]): Uint8Array {
  const c = new Uint8Array(n);
  for (const i of right) c[i] = 1;
  return c;
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

function result(name: string, testCorrect: Uint8Array, train: number, val: number, epochsRun = 20): VariantResult {
  const testAccuracy = testCorrect.reduce((s, c) => s + c, 0) / testCorrect.length;
  return {
    name, description: name, trainLoss: [], trainAccuracy: [], valLoss: [], valAccuracy: [],
    finalTrainAccuracy: train, finalValAccuracy: val, testAccuracy, gap: train - val, bestValAccuracy: val, bestEpoch: 3,
    epochsRun, seconds: 1.25, nearZero: 0.5, firstLayer: new Float32Array(0), testCorrect,
  };
}

describe('mcnemar', () => {
  it('counts only the disagreements: z = (b − c) / √(b + c)', () => {
    const baseline = correct(10, [0, 1, 2, 3, 4, 5]);
    const variant = correct(10, [0, 1, 2, 6, 7, 8, 9]); // right where the baseline was wrong on 6..9, wrong on 3..5
    const r = mcnemar(baseline, variant);
    expect([r.onlyVariant, r.onlyBaseline]).toEqual([4, 3]);
    expect(r.z).toBeCloseTo(1 / Math.sqrt(7), 12);
    expect(r.significant).toBe(false);
    expect(mcnemar(baseline, baseline)).toEqual({ onlyVariant: 0, onlyBaseline: 0, z: 0, significant: false });
  });

  it('|z| ≥ 1.96 is significant, either way', () => {
    const baseline = correct(100, range(0, 50));
    const better = correct(100, range(0, 70)); // 20 more right, none fewer: z = 20/√20 ≈ 4.47
    expect(mcnemar(baseline, better).z).toBeCloseTo(Math.sqrt(20), 12);
    expect(mcnemar(better, baseline).significant).toBe(true);
    expect(mcnemar(better, baseline).z).toBeCloseTo(-Math.sqrt(20), 12);
  });
});

describe('verdicts', () => {
  const n = 2000;
  const baseline = result('none', correct(n, range(0, 1800)), 1, 0.91);

  it('helps / no measurable effect / hurts, with the numbers that decided it', () => {
    const helps = result('dropout', correct(n, range(0, 1850)), 0.98, 0.93); // b = 50, c = 0
    const same = result('l2', correct(n, [...range(0, 1790), ...range(1800, 1812)]), 1, 0.912); // b = 12, c = 10
    const hurts = result('l1', correct(n, range(0, 1700)), 0.99, 0.9); // c = 100
    const stopped = result('early-stopping', correct(n, range(0, 1800)), 1, 0.905, 7);
    const [v1, v2, v3, v4] = verdicts([baseline, helps, same, hurts, stopped], 20);
    expect(v1.kind).toBe('helps');
    expect(v1.text).toBe('It narrows the train−validation gap from 9.0 pts to 5.0 pts. Test accuracy rises from 90.0% to 92.5% (+2.5 pts; 50 test images only it gets right, 0 only the baseline does: z = 7.1, beyond chance).');
    expect(v2.kind).toBe('no measurable effect');
    expect(v2.text).toContain('(+0.1 pts; 12 test images only it gets right, 10 only the baseline does: z = 0.4): within what chance gives, so it does not help measurably on this data.');
    expect(v2.text).toContain('leaves the train−validation gap about where it was (9.0 pts → 8.8 pts)');
    expect(v3.kind).toBe('hurts');
    expect(v3.text).toContain('Test accuracy falls from 90.0% to 85.0% (−5.0 pts; 0 test images only it gets right, 100 only the baseline does: z = −10.0, beyond chance).');
    expect(v4.text).toMatch(/It trained 7 of 20 epochs\.$/);
    expect(verdictsLead([v1, v2, v3, v4], n)).toMatch(/^Against the baseline, on the 2,000 test images: 1 technique helps, 2 make no measurable difference, 1 hurts\. /);
  });

  it('no baseline in the run: no verdicts', () => {
    expect(verdicts([result('l1', correct(10, []), 1, 1)], 20)).toEqual([]);
  });

  it('the baseline sentence says whether it overfits', () => {
    expect(baselineSentence(baseline, 1000)).toMatch(/^Without regularization the network reaches 100\.0% accuracy on its 1,000 training images and 91\.0% on the validation images: a gap of 9\.0 pts\. It has memorised/);
    expect(baselineSentence(result('none', correct(1, []), 0.9, 0.89), 1000)).toContain('barely overfits');
  });

  it('table rows: one formatted row per variant', () => {
    expect(tableRows([baseline])).toEqual([['none', '100.0%', '91.0% (3)', '91.0%', '9.0 pts', '90.0%', '20', '1.3 s', '50.0%']]);
  });
});
