/**
 * What the study concludes, in numbers and in words: the table (the same cells on the
 * terminal and in the report) and, for each technique, a plain verdict against the
 * baseline computed from the results: on the gap between training and validation
 * accuracy, and on test accuracy with McNemar's test (compare.ts).
 */

import { percent } from '../common.js';
import { mcnemar, Z_CRITICAL, type PairedComparison } from './compare.js';
import type { VariantResult } from './train.js';

/** The variant every other is judged against. */
const BASELINE = 'none';

/** A change of the gap smaller than this (1 point of accuracy) counts as no change. */
const GAP_TOLERANCE = 0.01;

export const TABLE_HEADER = ['variant', 'train acc', 'best val acc (epoch)', 'final val acc', 'train−val gap', 'test acc', 'epochs', 'time', '|w| < 1e-3'];

/** One row of cells per variant, formatted once for both the terminal and the report. */
export function tableRows(results: VariantResult[]): string[][] {
  return results.map((r) => [
    r.name,
    percent(r.finalTrainAccuracy),
    `${percent(r.bestValAccuracy)} (${r.bestEpoch})`,
    percent(r.finalValAccuracy),
    points(r.gap),
    percent(r.testAccuracy),
    String(r.epochsRun),
    `${r.seconds.toFixed(1)} s`,
    percent(r.nearZero),
  ]);
}

/** 0.0834 -> '8.3 pts' (a difference of accuracies, in percentage points). */
function points(x: number): string {
  return `${(100 * x).toFixed(1)} pts`;
}

type VerdictKind = 'helps' | 'no measurable effect' | 'hurts';

export interface Verdict {
  name: string;
  kind: VerdictKind;
  /** One or two plain sentences, every number in them from the results. */
  text: string;
  comparison: PairedComparison;
}

/** How the baseline did: does it overfit at these settings? */
export function baselineSentence(baseline: VariantResult, trainSize: number): string {
  const fits = `Without regularization the network reaches ${percent(baseline.finalTrainAccuracy)} accuracy on its ${trainSize.toLocaleString('en-US')} training images ` +
    `and ${percent(baseline.finalValAccuracy)} on the validation images: a gap of ${points(baseline.gap)}.`;
  return baseline.gap >= 0.02
    ? `${fits} It has memorised much of its training set: that gap is the overfitting the other variants try to shrink.`
    : `${fits} At these settings it barely overfits, so there is little for regularization to fix.`;
}

/** "Against the baseline, on the 2,000 test images: 1 helps, 2 make no measurable difference, 3 hurt." and how that is judged. */
export function verdictsLead(verdicts: Verdict[], testSize: number): string {
  const count = (kind: VerdictKind): number => verdicts.filter((v) => v.kind === kind).length;
  const helps = count('helps'), none = count('no measurable effect'), hurts = count('hurts');
  return `Against the baseline, on the ${testSize.toLocaleString('en-US')} test images: ${helps} ${helps === 1 ? 'technique helps' : 'techniques help'}, ` +
    `${none} ${none === 1 ? 'makes' : 'make'} no measurable difference, ${hurts} ${hurts === 1 ? 'hurts' : 'hurt'}. ` +
    `Judged by McNemar's test on the images where the two disagree: |z| ≥ ${Z_CRITICAL} is a difference chance alone makes less than 5% of the time.`;
}

/** The verdict on each variant but the baseline. */
export function verdicts(results: VariantResult[], maxEpochs: number): Verdict[] {
  const baseline = results.find((r) => r.name === BASELINE);
  if (!baseline) return [];
  return results.filter((r) => r !== baseline).map((r) => verdict(r, baseline, maxEpochs));
}

function verdict(r: VariantResult, baseline: VariantResult, maxEpochs: number): Verdict {
  const comparison = mcnemar(baseline.testCorrect, r.testCorrect);
  const kind: VerdictKind = !comparison.significant ? 'no measurable effect' : comparison.z > 0 ? 'helps' : 'hurts';
  const change = r.testAccuracy - baseline.testAccuracy;
  const evidence = `${comparison.onlyVariant} test images only it gets right, ${comparison.onlyBaseline} only the baseline does: z = ${signed(comparison.z.toFixed(1))}`;
  const test = kind === 'helps'
    ? `Test accuracy rises from ${percent(baseline.testAccuracy)} to ${percent(r.testAccuracy)} (${signedPoints(change)}; ${evidence}, beyond chance).`
    : kind === 'hurts'
      ? `Test accuracy falls from ${percent(baseline.testAccuracy)} to ${percent(r.testAccuracy)} (${signedPoints(change)}; ${evidence}, beyond chance).`
      : `Test accuracy ${percent(r.testAccuracy)} against ${percent(baseline.testAccuracy)} (${signedPoints(change)}; ${evidence}): within what chance gives, so it does not help measurably on this data.`;
  const gapChange = r.gap - baseline.gap;
  const gap = gapChange <= -GAP_TOLERANCE
    ? `It narrows the train−validation gap from ${points(baseline.gap)} to ${points(r.gap)}.`
    : gapChange >= GAP_TOLERANCE
      ? `It widens the train−validation gap from ${points(baseline.gap)} to ${points(r.gap)}.`
      : `It leaves the train−validation gap about where it was (${points(baseline.gap)} → ${points(r.gap)}).`;
  const stopped = r.epochsRun < maxEpochs ? ` It trained ${r.epochsRun} of ${maxEpochs} epochs.` : '';
  return { name: r.name, kind, text: `${gap} ${test}${stopped}`, comparison };
}

function signedPoints(x: number): string {
  return `${x >= 0 ? '+' : '−'}${points(Math.abs(x))}`;
}

/** '-1.2' -> '−1.2' (a minus sign, not a hyphen). */
function signed(text: string): string {
  return text.replace(/^-/, '−');
}
