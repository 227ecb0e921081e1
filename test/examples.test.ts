/**
 * Every study in examples/ runs in its quick mode (a few hundred digits, small networks),
 * prints its tables and returns finite numbers; where the effect is strong and the run
 * seeded, the test also checks its direction (L1 zeroes more weights than L2, early stopping
 * stops before the last epoch, ...). The exact numbers are not pinned: they belong to the
 * kernels, not to the studies.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as nn from '../src/index.js';
import type { StudyOptions } from '../examples/common.js';
import { run as overfitting } from '../examples/overfitting.js';
import { run as dropout } from '../examples/dropout.js';
import { run as l1VsL2 } from '../examples/l1-vs-l2.js';
import { run as batchNorm } from '../examples/batch-norm.js';
import { run as earlyStopping } from '../examples/early-stopping.js';
import { run as learningRate } from '../examples/learning-rate.js';
import { run as crossValidation } from '../examples/cross-validation.js';
import { run as adamw } from '../examples/adamw.js';
import { run as kmeansStudy } from '../examples/kmeans.js';

/** Where the quick runs draw their charts (never report/examples, which holds the full runs' charts). */
const chartDir = mkdtempSync(join(tmpdir(), 'wasmnn-examples-test-'));

/** Quick mode, with the printed lines collected instead of shown. */
function quick(): StudyOptions & { lines: string[] } {
  const lines: string[] = [];
  return { quick: true, log: (line) => lines.push(line), lines, chartDir };
}

function expectFinite(values: number[], what: string): void {
  for (const v of values) expect(Number.isFinite(v), `${what}: ${v}`).toBe(true);
}

beforeAll(async () => {
  await nn.setBackend('wasm', { relaxed: false }); // the backend the examples choose when run alone
});

afterAll(() => rmSync(chartDir, { recursive: true, force: true }));

describe('examples/ (quick mode)', () => {
  it("imports 'wasmnn' as this source tree: one module, so the backend chosen above is theirs", async () => {
    expect(await import('wasmnn')).toBe(nn);
  });

  it('overfitting: training loss falls far below validation loss, which turns up', async () => {
    const options = quick();
    const r = await overfitting(options);
    expect(options.lines.join('\n')).toContain('val_loss');
    const epochs = r.loss.length;
    expect(epochs).toBeGreaterThan(1);
    for (const series of [r.loss, r.accuracy, r.valLoss, r.valAccuracy]) {
      expect(series).toHaveLength(epochs);
      expectFinite(series, 'history');
    }
    expect(r.loss[epochs - 1]).toBeLessThan(r.loss[0] / 10);
    expect(r.loss[epochs - 1]).toBeLessThan(r.valLoss[epochs - 1] / 4);
    expect(r.bestEpoch, `validation loss lowest at epoch ${r.bestEpoch} of ${epochs}`).toBeLessThan(epochs);
    expect(r.finalGap, `gap ${r.finalGap}`).toBeGreaterThan(0.1);
  });

  it('dropout: the train/validation gap is smaller with dropout', async () => {
    const options = quick();
    const [none, inverted, classic] = await dropout(options);
    expect(options.lines.length).toBeGreaterThan(10);
    for (const r of [none, inverted, classic]) {
      expectFinite([r.trainAccuracy, r.valAccuracy, r.gap, ...r.valLoss], r.name);
      expect(r.valAccuracy).toBeGreaterThan(0.5);
    }
    expect(none.trainAccuracy).toBeGreaterThan(0.99); // the plain network memorises its digits
    expect(inverted.gap, `gap ${inverted.gap} with dropout vs ${none.gap} without`).toBeLessThan(none.gap - 0.03);
    expect(classic.gap).toBeLessThan(none.gap - 0.03);
    expect(none.bestEpoch).toBeLessThan(none.valLoss.length); // without dropout validation loss turned up
  });

  it('l1-vs-l2: L1 drives many more weights to near zero than L2; both shrink them', async () => {
    const options = quick();
    const [none, l1, l2, strongL2] = await l1VsL2(options);
    expect(options.lines.join('\n')).toContain('First-layer weights');
    for (const r of [none, l1, l2, strongL2]) expectFinite([r.valAccuracy, r.nearZero, r.meanAbs, r.penalty, r.droppedPixels], r.name);
    expect(none.penalty).toBe(0);
    expect(l1.penalty).toBeGreaterThan(0);
    expect(l2.penalty).toBeGreaterThan(0);
    expect(l1.nearZero, `near-zero fraction: L1 ${l1.nearZero}, L2 ${l2.nearZero}`).toBeGreaterThan(5 * l2.nearZero);
    expect(l1.nearZero).toBeGreaterThan(5 * strongL2.nearZero);
    expect(l1.meanAbs).toBeLessThan(none.meanAbs / 2);
    expect(strongL2.meanAbs).toBeLessThan(none.meanAbs / 2);
    expect(l2.meanAbs).toBeLessThan(none.meanAbs);
  });

  it('batch-norm: at both high learning rates the loss ends lower with batch norm', async () => {
    const options = quick();
    const runs = await batchNorm(options);
    expect(options.lines.join('\n')).toContain('batch norm, lr 1');
    expect(runs).toHaveLength(4);
    for (const rate of [0.5, 1]) {
      const plain = runs.find((r) => r.learningRate === rate && !r.batchNorm)!;
      const normalized = runs.find((r) => r.learningRate === rate && r.batchNorm)!;
      expect(normalized.divergedAt).toBeNull();
      expectFinite([...normalized.loss, normalized.valAccuracy], normalized.name);
      const plainFinal = plain.divergedAt === null ? plain.loss[plain.loss.length - 1] : Infinity;
      expect(normalized.loss[normalized.loss.length - 1], `lr ${rate}: ${normalized.loss.at(-1)} vs ${plainFinal}`).toBeLessThan(plainFinal / 2);
    }
  });

  it('early-stopping: stops before the last epoch and restores the best epoch\'s weights', async () => {
    const options = quick();
    const r = await earlyStopping(options);
    expect(options.lines.join('\n')).toContain('restored');
    expectFinite([r.bestValLoss, r.restoredValLoss, r.lastValLoss, r.restoredTest.loss, r.restoredTest.accuracy, r.lastTest.loss, r.fullValLoss], 'losses');
    expect(r.stoppedEpoch).not.toBeNull();
    expect(r.stoppedEpoch!).toBeLessThan(r.maxEpochs);
    expect(r.epochsRun).toBe(r.stoppedEpoch);
    expect(r.bestEpoch).toBe(r.stoppedEpoch! - 3); // patience 3
    // The restored weights are the best epoch's: evaluated again, the same validation loss.
    expect(r.restoredValLoss).toBeCloseTo(r.bestValLoss, 6);
    expect(r.restoredValLoss).toBeLessThan(r.lastValLoss);
    expect(r.restoredValLoss).toBeLessThan(r.fullValLoss);
  });

  it('learning-rate: too small and too large both lose; reduceLROnPlateau lowers the rate and the loss', async () => {
    const options = quick();
    const { sweep, plateau } = await learningRate(options);
    expect(options.lines.join('\n')).toContain('reduceLROnPlateau');
    expect(sweep).toHaveLength(10);
    for (const optimizer of ['adam', 'sgd'] as const) {
      const points = sweep.filter((p) => p.optimizer === optimizer);
      const losses = points.map((p) => (Number.isNaN(p.valLoss) ? Infinity : p.valLoss));
      const best = Math.min(...losses);
      expect(Number.isFinite(best)).toBe(true);
      expect(losses[0], `${optimizer}: smallest rate`).toBeGreaterThan(best * 1.5);
      expect(losses[losses.length - 1], `${optimizer}: largest rate`).toBeGreaterThan(best * 1.5);
    }
    // Adam's best rate is below SGD's.
    const bestRate = (optimizer: string): number => {
      const points = sweep.filter((p) => p.optimizer === optimizer && !Number.isNaN(p.valLoss));
      return points.reduce((a, b) => (b.valLoss < a.valLoss ? b : a)).learningRate;
    };
    expect(bestRate('adam')).toBeLessThan(bestRate('sgd'));

    const [constant, reduced] = plateau;
    expectFinite([...constant.valLoss, ...reduced.valLoss, ...reduced.learningRate], 'plateau');
    expect(reduced.learningRate[0]).toBe(1e-2);
    for (let e = 1; e < reduced.learningRate.length; e++) expect(reduced.learningRate[e]).toBeLessThanOrEqual(reduced.learningRate[e - 1]);
    expect(reduced.learningRate[reduced.learningRate.length - 1]).toBeLessThan(1e-2);
    expect(reduced.valLoss[reduced.valLoss.length - 1]).toBeLessThan(constant.valLoss[constant.valLoss.length - 1]);
  });

  it('cross-validation: stratified parts, five folds with mean ± std, a test score', async () => {
    const options = quick();
    const r = await crossValidation(options);
    expect(options.lines.join('\n')).toContain('5-fold');
    expect(r.sizes).toEqual({ train: 300, validation: 100, test: 100 });
    expect(r.foldAccuracies).toHaveLength(5);
    expectFinite([...r.foldAccuracies, r.meanAccuracy, r.stdAccuracy, r.singleSplitAccuracy, r.testAccuracy], 'accuracies');
    const mean = r.foldAccuracies.reduce((a, b) => a + b, 0) / 5;
    expect(r.meanAccuracy).toBeCloseTo(mean, 12);
    expect(r.stdAccuracy).toBeCloseTo(Math.sqrt(r.foldAccuracies.reduce((a, v) => a + (v - mean) ** 2, 0) / 5), 12);
    for (const accuracy of [...r.foldAccuracies, r.singleSplitAccuracy, r.testAccuracy]) {
      expect(accuracy).toBeGreaterThan(0.5); // far above chance (0.1)
      expect(accuracy).toBeLessThanOrEqual(1);
    }
  });

  it('adamw: with Adam an L2 penalty erases the blank pixels\' weights; AdamW decays every weight by (1 - lr·wd)^steps', async () => {
    const options = quick();
    const [adam, adamL2, ...adamW] = await adamw(options);
    expect(options.lines.join('\n')).toContain('blank-pixel');
    for (const r of [adam, adamL2, ...adamW]) expectFinite([r.valAccuracy, r.valLoss, r.kernelNorm, r.blankRatio, r.inkRatio, r.decayFactor], r.name);
    // No data gradient reaches a blank pixel's weights: under Adam they never move.
    expect(adam.blankRatio).toBe(1);
    expect(adamL2.blankRatio, `Adam + L2: ×${adamL2.blankRatio}`).toBeLessThan(0.5);
    expect(adamW[0].blankRatio, `AdamW at 2λ: ×${adamW[0].blankRatio}`).toBeGreaterThan(0.99);
    for (const r of adamW) {
      expect(r.blankRatio, r.name).toBeCloseTo(r.decayFactor, 4);
    }
    expect(adamW[adamW.length - 1].kernelNorm).toBeLessThan(adam.kernelNorm);
  });

  it('kmeans: clusters the digits far above chance, the network beats named clusters, inertia falls with k; its chart holds ten centroid images and the elbow', async () => {
    const options = quick();
    const r = await kmeansStudy(options);
    expect(options.lines.join('\n')).toContain('Purity');
    expectFinite([r.inertia, r.purity, r.clusterAccuracy, r.networkAccuracy, ...r.elbow.map((e) => e.inertia)], 'kmeans');
    expect(r.majority).toHaveLength(10);
    expect(r.majority.reduce((s, m) => s + m.size, 0)).toBe(r.n);
    // Chance purity on ten balanced digits is about 0.1; k-means finds much of the structure.
    expect(r.purity, `purity ${r.purity}`).toBeGreaterThan(0.4);
    expect(r.clusterAccuracy).toBeGreaterThan(0.4);
    expect(r.networkAccuracy, `network ${r.networkAccuracy} vs clusters ${r.clusterAccuracy}`).toBeGreaterThan(r.clusterAccuracy);
    for (let i = 1; i < r.elbow.length; i++) expect(r.elbow[i].inertia).toBeLessThan(r.elbow[i - 1].inertia);

    expect(r.chartPath).toBe(join(chartDir, 'kmeans.svg'));
    expect(options.lines.join('\n')).toContain(r.chartPath);
    const svg = readFileSync(r.chartPath, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    // Ten image panels, each with some grey rects, captioned with its cluster's majority digit and share.
    const panels = [...svg.matchAll(/<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)<\/g>/g)].map((m) => m[1].match(/<path/g)?.length ?? 0);
    expect(panels).toHaveLength(10);
    for (const rects of panels) expect(rects).toBeGreaterThan(10);
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    for (const m of r.majority) expect(texts).toContain(`${m.digit} · ${(100 * m.share).toFixed(1)}%`);
    // The elbow: a dot per k, and its axis titles.
    const dots = svg.match(/<g class="mark-symbol role-mark[^"]*"[^>]*>(.*?)<\/g>/)?.[1].match(/<path/g)?.length;
    expect(dots).toBe(r.elbow.length);
    for (const t of ['k (number of clusters)', 'inertia', 'mean pixel value']) expect(texts).toContain(t);
  });

  it('each study drew its chart: an SVG with axis titles, in the directory it was given', () => {
    for (const name of ['overfitting', 'dropout', 'l1-vs-l2', 'batch-norm', 'early-stopping', 'learning-rate', 'cross-validation', 'adamw']) {
      const path = join(chartDir, `${name}.svg`);
      expect(existsSync(path), path).toBe(true);
      const svg = readFileSync(path, 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toMatch(/<text[^>]*>(epoch|weight|fold|learning rate \(log scale\))<\/text>/);
    }
  });
});
