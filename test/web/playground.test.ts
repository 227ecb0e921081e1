/**
 * The playground's logic without a browser (web/app/): its data, its network, the session
 * that trains it (stop inside an epoch, continue, early stopping, the same seed twice), the
 * weight histogram, the repeat check, and the explanations' links. The page itself is
 * checked in Chromium by test-e2e/playground.e2e.ts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { CHOICES, DEFAULTS, PLANE_VALIDATION, configKey, type PlaygroundConfig } from '../../web/app/config.js';
import { digitsData, planeData, readDigits, splitDigits } from '../../web/app/data.js';
import { EXPLANATIONS } from '../../web/app/explanations.js';
import { BINS, weightHistogram } from '../../web/app/histogram.js';
import { buildModel } from '../../web/app/model.js';
import type { EpochLogs } from '../../web/app/protocol.js';
import { findRepeat, newRun } from '../../web/app/runs.js';
import { BOUNDARY_GRID, SHOWN_DIGITS, Session } from '../../web/app/session.js';
import { gzip, writeIdx } from '../helpers/idx.js';

const root = join(import.meta.dirname, '..', '..');
const spirals = (changes: Partial<PlaygroundConfig> = {}): PlaygroundConfig => ({ ...DEFAULTS.spirals, ...changes });

beforeAll(async () => {
  await nn.setBackend('wasm', { relaxed: false });
});

/** Trains and returns the epoch logs and how it ended. */
async function train(session: Session, shouldStop?: () => boolean) {
  const epochs: EpochLogs[] = [];
  const result = await session.train({ epoch: (e, logs) => { epochs[e] = logs; }, progress: () => {} }, shouldStop);
  return { epochs, result };
}

describe('the data', () => {
  it('takes 2-D training sets as prefixes of one ordering, and a validation set that does not depend on the size', () => {
    const small = planeData(spirals({ trainSize: 30 })), large = planeData(spirals({ trainSize: 100 }));
    expect(small.train.n).toBe(30);
    expect(Array.from(large.train.x.subarray(0, 60))).toEqual(Array.from(small.train.x));
    expect(Array.from(large.train.y.subarray(0, 30))).toEqual(Array.from(small.train.y));
    expect(large.validation.n).toBe(PLANE_VALIDATION);
    expect(Array.from(large.validation.x)).toEqual(Array.from(small.validation.x));
    // Validation points are drawn apart (seed 1), not the training points again.
    expect(large.validation.x[0]).not.toBe(large.train.x[0]);
    expect(new Set(large.train.y)).toEqual(new Set([0, 1, 2]));
  });

  it('reads the digits from gzipped IDX files and splits them, once and for all, into disjoint test, validation and training parts', async () => {
    // 3,000 fake digits: pixel 0 holds the label, pixels 1 and 2 the index, so each is unique.
    const n = 3000, pixels = 784;
    const labels = Uint8Array.from({ length: n }, (_, i) => Math.floor(i / 300)); // sorted by class, as the asset is
    const images = new Uint8Array(n * pixels);
    for (let i = 0; i < n; i++) images.set([labels[i], i % 256, i >> 8], i * pixels);
    const all = await readDigits(gzip(writeIdx('uint8', [n, 28, 28], images)), gzip(writeIdx('uint8', [n], labels)));
    const split = splitDigits(all);
    const ids = (part: { pixels: Uint8Array }) => Array.from({ length: part.pixels.length / pixels }, (_, i) => part.pixels[i * pixels + 1] + 256 * part.pixels[i * pixels + 2]);
    const test = ids(split.test), validation = ids(split.validation), pool = ids(split.pool);
    expect([test.length, validation.length, pool.length]).toEqual([1000, 1000, 1000]);
    expect(new Set([...test, ...validation, ...pool]).size).toBe(n);
    // Stratified: each class (300 digits, a tenth) has exactly 100 of the 1,000 test digits.
    const testLabels = Array.from(split.test.labels);
    for (let c = 0; c < 10; c++) expect(testLabels.filter((l) => l === c)).toHaveLength(100);
    // Labels stay with their images.
    for (let i = 0; i < 1000; i++) expect(split.test.pixels[i * pixels]).toBe(split.test.labels[i]);

    const data = digitsData({ ...DEFAULTS.digits, trainSize: 250 }, split);
    expect(data.train.n).toBe(250);
    expect(data.features).toBe(784);
    expect(data.train.x[1]).toBeCloseTo(split.pool.pixels[1] / 255, 7);
    expect(Array.from(data.train.y)).toEqual(Array.from(split.pool.labels.subarray(0, 250)));
    await expect(readDigits(gzip(writeIdx('uint8', [2, 28, 28], new Uint8Array(2 * pixels))), gzip(writeIdx('uint8', [3], [1, 2, 3]))))
      .rejects.toThrow(/expected uint8 images \[n, 28, 28\] and n uint8 labels, got 2×28×28 and 3/);
  });
});

describe('the network of a config', () => {
  it('puts batch norm between the product and the activation (and drops the bias), dropout after, softmax last', () => {
    const model = buildModel(spirals({ hidden: [8, 4], dropout: [0.5, 0], batchNorm: true }), 2, 3);
    expect(model.layers.map((l) => l.className)).toEqual([
      'Dense', 'BatchNormalization', 'Activation', 'Dropout', 'Dense', 'BatchNormalization', 'Activation', 'Dense',
    ]);
    // Kernels 2×8 + 8×4 + 4×3 + the output bias 3; batch norm: 4 weights per unit (2 trainable).
    expect(model.countParams()).toEqual({ trainable: 16 + 32 + 12 + 3 + 2 * (8 + 4), nonTrainable: 2 * (8 + 4) });
    model.dispose();
  });

  it('penalizes every kernel and no bias, with L1, L2 or both', () => {
    const penalties = (l1: number, l2: number) => buildModel(spirals({ hidden: [4], dropout: [0], l1, l2 }), 2, 3)
      .weights().map((w) => `${w.name}:${w.regularizer?.className ?? '-'}`);
    expect(penalties(1e-3, 0)).toEqual(['kernel:L1', 'bias:-', 'kernel:L1', 'bias:-']);
    expect(penalties(0, 1e-3)).toEqual(['kernel:L2', 'bias:-', 'kernel:L2', 'bias:-']);
    expect(penalties(1e-3, 1e-4)).toEqual(['kernel:L1L2', 'bias:-', 'kernel:L1L2', 'bias:-']);
    expect(penalties(0, 0)).toEqual(['kernel:-', 'bias:-', 'kernel:-', 'bias:-']);
  });

  it('with no hidden layer is logistic regression', () => {
    const model = buildModel(spirals({ hidden: [], dropout: [] }), 2, 3);
    expect(model.countParams().trainable).toBe(2 * 3 + 3);
  });
});

describe('a training session', () => {
  const config = spirals({ trainSize: 50, epochs: 4 });

  it('logs the same numbers, bit for bit, for the same seed, and others for another seed', async () => {
    const first = await train(new Session(config, planeData(config)));
    const again = await train(new Session(config, planeData(config)));
    const other = await train(new Session({ ...config, seed: 2 }, planeData(config)));
    expect(first.result).toEqual({ reason: 'finished', samplesPerSecond: expect.any(Number), midEpoch: false, stoppedEpoch: null, bestEpoch: null });
    expect(first.result.samplesPerSecond).toBeGreaterThan(0);
    expect(first.epochs).toHaveLength(4);
    expect(again.epochs).toEqual(first.epochs);
    expect(other.epochs[0].loss).not.toBe(first.epochs[0].loss);
  });

  it('stops inside an epoch, right after the batch in progress, and Train continues from that epoch', async () => {
    const session = new Session(config, planeData(config));
    const before = session.model.getWeights().map((w) => Array.from(w.data));
    let asked = 0;
    // Asked after each batch; true after the third: three of epoch 1's four batches ran, then it stops.
    const stopped = await train(session, () => ++asked === 3);
    expect(stopped.result).toEqual({ reason: 'stopped', samplesPerSecond: expect.any(Number), midEpoch: true, stoppedEpoch: null, bestEpoch: null });
    expect(asked).toBe(3);
    expect(stopped.epochs).toEqual([]);
    expect(session.epochsDone).toBe(0);
    const after = session.model.getWeights().map((w) => Array.from(w.data));
    expect(after[0]).not.toEqual(before[0]); // the batches ran
    const resumed = await train(session);
    expect(resumed.result.reason).toBe('finished');
    expect(Object.keys(resumed.epochs).map(Number)).toEqual([0, 1, 2, 3]);
  });

  it('stops early when validation loss stops improving, and says at which epoch', async () => {
    // 30 points and 64-64 units: it overfits, and validation loss turns up within 100 epochs.
    const wild = spirals({ trainSize: 30, epochs: 100, learningRate: 0.03, patience: 2 });
    const { epochs, result } = await train(new Session(wild, planeData(wild)));
    expect(result.reason).toBe('early-stopping');
    expect(result.stoppedEpoch).toBe(epochs.length - 1);
    expect(result.bestEpoch).toBeLessThanOrEqual(epochs.length - 3);
    const best = Math.min(...epochs.map((e) => e.val_loss));
    expect(epochs[result.bestEpoch as number].val_loss).toBe(best);
  });

  it('a Stop is not an epoch for early stopping: no epoch counted, no best weights put back', async () => {
    // Patience 50 has not fired by then; the Stop comes inside epoch 21, after validation loss has turned up.
    const wild = spirals({ trainSize: 30, epochs: 100, learningRate: 0.03 });
    const batches = Math.ceil(30 / wild.batchSize);
    const stopAt = 20 * batches + 1;
    const watched = new Session({ ...wild, patience: 50 }, planeData(wild));
    const plain = new Session(wild, planeData(wild));
    let asked = 0;
    const withPatience = await train(watched, () => ++asked === stopAt);
    asked = 0;
    await train(plain, () => ++asked === stopAt);
    expect(withPatience.result).toEqual({ reason: 'stopped', samplesPerSecond: expect.any(Number), midEpoch: true, stoppedEpoch: null, bestEpoch: null });
    expect(withPatience.epochs).toHaveLength(20);
    expect(watched.epochsDone).toBe(20);
    const losses = withPatience.epochs.map((e) => e.val_loss);
    expect(losses.indexOf(Math.min(...losses))).toBeLessThan(19); // putting back the best weights would change them
    const weights = (s: Session) => s.model.getWeights().map((w) => Array.from(w.data));
    expect(weights(watched)).toEqual(weights(plain));
  });

  it('pictures the boundary on the grid, as probabilities, and the digits with a confusion matrix', async () => {
    const session = new Session(config, planeData(config));
    const { boundary, digits, histograms } = session.snapshot();
    expect(digits).toBeNull();
    expect(boundary?.probabilities).toHaveLength(BOUNDARY_GRID * BOUNDARY_GRID * 3);
    for (let cell = 0; cell < BOUNDARY_GRID * BOUNDARY_GRID; cell += 97) {
      const p = boundary?.probabilities.subarray(3 * cell, 3 * cell + 3) ?? [];
      expect(p[0] + p[1] + p[2]).toBeCloseTo(1, 5);
    }
    // Every point lies inside the square, whose half-width is a multiple of 0.5.
    expect(boundary?.extent).toBeGreaterThanOrEqual(Math.max(...Array.from(session.data.train.x, Math.abs)));
    expect((boundary?.extent ?? 0) % 0.5).toBe(0);
    expect(histograms.map((h) => `${h.name} ${h.shape.join('x')}`)).toEqual(['hidden 1 2x64', 'hidden 2 64x64', 'output 64x3']);

    const n = 1200;
    const pixels = Uint8Array.from({ length: n * 784 }, (_, i) => (i * 31) % 256);
    const split = { test: { pixels, labels: Uint8Array.from({ length: n }, (_, i) => i % 10) }, validation: { pixels, labels: new Uint8Array(n) }, pool: { pixels, labels: new Uint8Array(n) } };
    const digitConfig = { ...DEFAULTS.digits, trainSize: 250 };
    const shown = new Session(digitConfig, digitsData(digitConfig, split)).snapshot().digits;
    expect(shown?.predicted).toHaveLength(SHOWN_DIGITS);
    expect(shown?.confusion.reduce((a, b) => a + b, 0)).toBe(n);
    const diagonal = Array.from({ length: 10 }, (_, c) => shown?.confusion[11 * c] ?? 0).reduce((a, b) => a + b, 0);
    expect(shown?.testAccuracy).toBeCloseTo(diagonal / n, 12);
  });
});

describe('the weight histogram', () => {
  it('has an odd number of bins, one centred on 0, and counts every weight once', () => {
    expect(BINS % 2).toBe(1);
    const h = weightHistogram('hidden 1', [2, 3], Float32Array.from([0, 0, 0.004, -1, 1, 0.5]));
    expect(h.limit).toBe(1);
    expect(h.largest).toBe(1);
    expect(h.counts).toHaveLength(BINS);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(6);
    expect(h.counts[(BINS - 1) / 2]).toBe(3); // 0, 0, 0.004
    expect(h.counts[0]).toBe(1); // -1
    expect(h.counts[BINS - 1]).toBe(1); // +1, the top edge, in the last bin
    expect(h.nearZero).toBeCloseTo(3 / 6, 12); // |w| < 0.01
    const mean = 0.504 / 6;
    const variance = [0, 0, 0.004, -1, 1, 0.5].reduce((s, v) => s + (Math.fround(v) - mean) ** 2, 0) / 6;
    expect(h.std).toBeCloseTo(Math.sqrt(variance), 6);
    expect(weightHistogram('output', [2], new Float32Array(2)).counts[(BINS - 1) / 2]).toBe(2);
  });

  it('spans the 99th percentile of |w| (at least a tenth of the largest), with the few beyond in the end bins', () => {
    // 200 weights of ±0.1 and two of ±10: the range is ±1 (10/10), not ±10.
    const values = Float32Array.from({ length: 202 }, (_, i) => (i < 200 ? (i % 2 ? 0.1 : -0.1) : i === 200 ? 10 : -10));
    const h = weightHistogram('hidden 1', [202], values);
    expect(h.largest).toBe(10);
    expect(h.limit).toBe(1);
    expect(h.counts[0]).toBe(1);
    expect(h.counts[BINS - 1]).toBe(1);
    // ±0.1 with bins of width 2/41: bins 18 and 22 (bin(w) = ⌊(w + 1)/width⌋).
    expect(h.counts[Math.floor((1 - 0.1) / (2 / BINS))]).toBe(100);
    expect(h.counts[Math.floor((1 + 0.1) / (2 / BINS))]).toBe(100);
    // Without outliers the 99th percentile sets it: 1,000 weights spread evenly over ±0.5 and ten at ±0.9.
    const spread = Float32Array.from({ length: 1010 }, (_, i) => (i < 1000 ? -0.5 + i / 999 : i % 2 ? 0.9 : -0.9));
    expect(weightHistogram('hidden 1', [1010], spread).limit).toBeCloseTo(0.5, 2);
  });
});

describe('the repeat check', () => {
  const logs = (loss: number): EpochLogs => ({ loss, accuracy: 0.5, val_loss: loss + 1, val_accuracy: 0.4 });

  it('finds the latest earlier run with the same config, and the first epoch that differs', () => {
    const a = newRun(1, spirals()), b = newRun(2, spirals({ seed: 9 })), c = newRun(3, spirals());
    a.epochs = [logs(1), logs(0.5), logs(0.25)];
    b.epochs = [logs(1), logs(0.5)];
    c.epochs = [logs(1), logs(0.5)];
    expect(findRepeat(c, [a, b, c])).toEqual({ earlier: a, epochs: 2, firstDifference: null });
    c.epochs.push(logs(0.2500001));
    expect(findRepeat(c, [a, b, c])?.firstDifference).toBe(3);
    expect(findRepeat(b, [a, b, c])).toBeNull();
    a.comparable = 1; // stopped inside epoch 2
    expect(findRepeat(c, [a, b, c])).toEqual({ earlier: a, epochs: 1, firstDifference: null });
    expect(configKey(spirals({ seed: 9 }))).not.toBe(configKey(spirals()));
    expect(configKey({ ...spirals() })).toBe(configKey(spirals()));
  });
});

describe('the explanations', () => {
  it('explain every setting in one or two sentences, and link files that exist', () => {
    for (const key of [...Object.keys(DEFAULTS.spirals).filter((k) => k !== 'dropout'), 'dropout']) {
      expect(EXPLANATIONS[key], key).toBeDefined();
    }
    for (const [key, { text, sources }] of Object.entries(EXPLANATIONS)) {
      expect(text.split(/[.!?](?:\s|$)/).filter((s) => s.trim() !== '').length, key).toBeLessThanOrEqual(2);
      expect(sources.length, key).toBeGreaterThan(0);
      for (const path of sources) expect(existsSync(join(root, path)), path).toBe(true);
    }
  });

  it('offer training-set and batch sizes that never leave a batch of one sample (batch norm refuses it)', () => {
    for (const n of [...CHOICES.trainSize.plane, ...CHOICES.trainSize.digits]) {
      for (const b of CHOICES.batchSize) expect(n % b, `${n} samples in batches of ${b}`).not.toBe(1);
    }
  });
});
