/**
 * What the studies in examples/ share: the backend, the data, the starting weights of the
 * variants they compare, and the plain-text tables they print. Each study file builds its own
 * networks with nn.sequential([...]) and keeps its own experiment.
 *
 * Every study is seeded (the data split, the initial weights, the batch order, the dropout
 * masks) and runs on the plain-SIMD wasm build, so it prints the same numbers on every run
 * and every machine.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as nn from 'wasmnn';
import { renderSvg, type TopLevelSpec } from 'wasmnn/viz';

export type Dataset = nn.data.ImageDataset;
export type Optimizer = nn.optimizers.Optimizer;
export type Regularizer = nn.layers.Regularizer;
export type Weight = nn.layers.Weight;

export interface StudyOptions {
  /** Fewer samples, units and epochs: the whole study in a second or two (for the tests). */
  quick?: boolean;
  /** Where the tables go (default console.log). */
  log?: (line: string) => void;
  /**
   * Directory for the study's chart (default report/examples; quick runs default to a
   * temporary directory, so they never overwrite the committed charts).
   */
  chartDir?: string;
}

/** report/examples/ at the top of the repository. */
export const CHART_DIR = fileURLToPath(new URL('../report/examples/', import.meta.url));

/**
 * Renders a study's chart (a Vega-Lite spec from src/viz) to NAME.svg in the chart
 * directory, prints its path and returns it.
 */
export async function saveChart(options: StudyOptions, name: string, spec: TopLevelSpec): Promise<string> {
  const dir = options.chartDir ?? (options.quick ? join(tmpdir(), 'wasmnn-examples') : CHART_DIR);
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.svg`);
  await writeFile(path, await renderSvg(spec, { idPrefix: name }));
  const shown = relative(process.cwd(), path);
  print(options, ['', `Chart: ${shown.startsWith('..') ? path : shown}`]);
  return path;
}

/**
 * Runs `run` when this file is the one given to node/tsx (not when a test imports it).
 * `npx tsx examples/dropout.ts --quick` runs the quick version.
 */
export function runIfMain(moduleUrl: string, run: (options: StudyOptions) => Promise<unknown>): void {
  runIfMainWith(moduleUrl, async (argv) => {
    await run({ quick: argv.includes('--quick') });
    return 0;
  });
}

/** Runs `main` with the command-line arguments when this file is the one given to node/tsx; its result is the exit code. */
export function runIfMainWith(moduleUrl: string, main: (argv: string[]) => Promise<number>): void {
  const script = process.argv[1];
  if (script === undefined || moduleUrl !== pathToFileURL(script).href) return;
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  }, (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

/**
 * The wasm backend without relaxed FMA (bit-identical everywhere, see docs/DESIGN.md, "Build and loading"), unless
 * the caller (a test) has already chosen one.
 */
export async function useBackend(): Promise<void> {
  try {
    nn.getBackend();
  } catch {
    await nn.setBackend('wasm', { relaxed: false });
  }
}

/** The training and validation digits of a study: a seeded draw from the 10,000 MNIST digits. */
export interface Digits {
  train: Dataset;
  validation: Dataset;
}

/** Sets the backend up and draws `trainSize` training and `validationSize` validation digits. */
export async function loadDigits(trainSize: number, validationSize: number, seed = 1): Promise<Digits> {
  await useBackend();
  const { train, test } = await nn.data.loadMnist({ trainSize, testSize: validationSize, seed });
  return { train, validation: test };
}

/** What most studies start from: their digits, whether the run is quick, and the big network's hidden sizes. */
export interface Study {
  quick: boolean;
  digits: Digits;
  /** [512, 512] (quick: [128, 128]): far more weights than training digits. */
  hidden: [number, number];
}

/** 1,000 training and 1,000 validation digits (quick: 300 and 300). */
export async function startStudy(options: StudyOptions): Promise<Study> {
  const quick = options.quick ?? false;
  const digits = await loadDigits(quick ? 300 : 1000, quick ? 300 : 1000);
  return { quick, digits, hidden: quick ? [128, 128] : [512, 512] };
}

/**
 * Gives `model` the initial Dense kernels and biases of the plain network with the same seed:
 * flatten -> Dense -> ... -> Dense, the same Dense sizes, nothing between them. Returns `model`.
 *
 * The initializers are seeded by layer position, so a Dropout or BatchNormalization layer
 * shifts the Dense layers after it onto other initial weights. A variant that starts from
 * the plain network's weights differs from it by the technique alone, which is what a study
 * compares. Other weights (batch norm's gamma and beta) keep their own initial values.
 */
export function startFromPlainWeights(model: nn.Sequential): nn.Sequential {
  const kernels = model.weights().filter((w) => w.name === 'kernel');
  const plain = nn.sequential([
    nn.layers.flatten({ inputShape: [kernels[0].value.shape[0]] }),
    ...kernels.map((kernel) => nn.layers.dense({ units: kernel.value.shape[1] })),
  ], { seed: model.seed });
  const source = plain.weights().filter(isDense);
  let next = 0;
  model.setWeights(model.weights().map((w) => (isDense(w) ? source[next++].value : w.value)));
  plain.dispose();
  return model;
}

const isDense = (w: Weight): boolean => w.name === 'kernel' || w.name === 'bias';

/** fit on the training digits, validating on the validation digits after every epoch. */
export function fitDigits(model: nn.Sequential, digits: Digits, epochs: number, callbacks: nn.Callback[] = []): Promise<nn.History> {
  return model.fit(digits.train.x, digits.train.y, {
    epochs,
    batchSize: 32,
    validationData: [digits.validation.x, digits.validation.y],
    callbacks,
    verbose: 0,
  });
}

/** What a fit that may blow up returns: its History, and the epoch (from 1) where the loss stopped being finite. */
export interface FitOutcome {
  history: nn.History;
  divergedAt: number | null;
}

/**
 * fitDigits, for learning rates that may be too large: fit throws NonFiniteLossError at the
 * first non-finite loss, carrying the History of the epochs that finished.
 */
export async function fitOrDiverge(model: nn.Sequential, digits: Digits, epochs: number, callbacks: nn.Callback[] = []): Promise<FitOutcome> {
  try {
    return { history: await fitDigits(model, digits, epochs, callbacks), divergedAt: null };
  } catch (error) {
    if (!(error instanceof nn.NonFiniteLossError)) throw error;
    const history = error.history as nn.History;
    return { history, divergedAt: (history.stoppedEpoch ?? 0) + 1 };
  }
}

/** The kernels (not biases) of a model's Dense layers, first layer first. */
export function denseKernels(model: nn.Sequential): Float32Array[] {
  return model.weights().filter((w) => w.name === 'kernel').map((w) => w.value.data);
}

/** The rows of a first-layer kernel (784 × units): the weights from each input pixel, one array per pixel. */
export function pixelWeights(firstKernel: Float32Array, pixels = 28 * 28): Float32Array[] {
  const units = firstKernel.length / pixels;
  return Array.from({ length: pixels }, (_, p) => firstKernel.subarray(p * units, (p + 1) * units));
}

/** Below this size a weight counts as "near zero". */
export const NEAR_ZERO = 1e-3;

/** Summary statistics of a set of weights. */
export interface WeightStats {
  /** Fraction with |w| < NEAR_ZERO (1e-3). */
  nearZero: number;
  /** mean |w|. */
  meanAbs: number;
  /** ‖w‖₂ = sqrt(Σ w²). */
  norm: number;
}

export function weightStats(arrays: Float32Array[]): WeightStats {
  let count = 0, nearZero = 0, absSum = 0, squares = 0;
  for (const values of arrays) {
    for (const w of values) {
      if (Math.abs(w) < NEAR_ZERO) nearZero++;
      absSum += Math.abs(w);
      squares += w * w;
    }
    count += values.length;
  }
  return { nearZero: nearZero / count, meanAbs: absSum / count, norm: Math.sqrt(squares) };
}

/**
 * A text histogram of `values` over [-limit, limit] in `bins` equal bins (values outside go
 * to the end bins), one line per bin, the bar proportional to its share of the values.
 */
export function histogram(values: Float32Array, limit: number, bins = 9, width = 40): string[] {
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    const bin = Math.floor(((v + limit) / (2 * limit)) * bins);
    counts[Math.min(Math.max(bin, 0), bins - 1)]++;
  }
  return counts.map((count, i) => {
    const low = -limit + (2 * limit * i) / bins;
    const high = low + (2 * limit) / bins;
    const share = count / values.length;
    const label = `[${signed(low)}, ${signed(high)})`;
    return `  ${label}  ${'#'.repeat(Math.round(share * width)).padEnd(width)} ${percent(share)}`;
  });
}

/**
 * Lines of a table: a header, a rule, the rows. Columns of numbers are right-aligned, columns
 * with words or notes ('<- best') left-aligned.
 */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const left = header.map((_, c) => rows.some((r) => /^([A-Za-z]|<-)/.test(r[c])));
  const line = (cells: string[]): string => cells.map((cell, c) => (left[c] ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

/** Prints lines through the study's log. */
export function print(options: StudyOptions, lines: string | string[]): void {
  const log = options.log ?? console.log;
  for (const line of Array.isArray(lines) ? lines : [lines]) log(line);
}

/** 0.9123 -> '91.2%'. */
export function percent(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

/** A fixed-point number with 4 decimals. */
export function fixed(x: number, digits = 4): string {
  return x.toFixed(digits);
}

function signed(x: number): string {
  return (x < 0 ? '' : '+') + x.toFixed(3);
}

/** The epoch (from 0) with the smallest value. */
export function argmin(values: number[]): number {
  return values.reduce((best, v, i) => (v < values[best] ? i : best), 0);
}
