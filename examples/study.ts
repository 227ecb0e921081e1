/**
 * The regularization study: `npm start`.
 *
 * One network, 784-512-256-10 with relu, far more weights (530,000) than training images
 * (1,000 by default), trained as each variant in the table below. Every variant starts
 * from the same initial Dense weights and sees the same batches in the same order
 * (startFromPlainWeights in common.ts), so what differs between two rows is the technique alone. Without
 * regularization the network memorises its training images: training accuracy reaches
 * 100% while validation accuracy stalls well below. Each technique attacks that gap in
 * its own way; the printed table and report/index.html show by how much, and the report
 * says plainly where a technique does not help on this data.
 *
 *   npm start                                   # all variants, defaults below, ~2 minutes
 *   npm start -- --variants none,dropout --epochs 10
 *   npm start -- --dataset fashion-mnist --train-size 2000 --out /tmp/report
 *
 * Options: --dataset mnist|fashion-mnist, --epochs N, --train-size N, --seed N,
 * --backend wasm|reference, --variants a,b,c, --out DIR.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import * as nn from 'wasmnn';
import { percent, runIfMainWith, startFromPlainWeights, table } from './common.js';
import { studyCharts } from './study/charts.js';
import { loadStudyData, maxTrainSize } from './study/data.js';
import { commandLine, parseOptions, UsageError, type StudySettings } from './study/options.js';
import { reportHtml } from './study/report.js';
import { baselineSentence, tableRows, TABLE_HEADER, verdicts, verdictsLead, type Verdict } from './study/summary.js';
import { trainVariant, type VariantResult } from './study/train.js';

// ---- The table of variants: add your own here ------------------------------------------

/** Hidden layer sizes: 784 -> 512 -> 256 -> 10. */
export const HIDDEN = [512, 256] as const;
/** Adam's learning rate (Keras's default); batches of 32. */
export const LEARNING_RATE = 1e-3;

export interface Variant {
  /** Its name on the command line (--variants), in the table and in the charts. */
  name: string;
  /** What it does, in a few words (printed in the report's settings). */
  description: string;
  /** The network's layers, made fresh for each run: the plain one below plus the technique. */
  layers: () => nn.layers.Layer[];
  /** Callbacks for fit, made fresh for each run (early stopping keeps state). */
  callbacks?: () => nn.Callback[];
}

/** The network without regularization: 784 -> 512 -> 256 -> 10, relu. */
const plain = (): nn.layers.Layer[] => [
  nn.layers.flatten({ inputShape: [28, 28] }),
  nn.layers.dense({ units: HIDDEN[0], activation: 'relu' }),
  nn.layers.dense({ units: HIDDEN[1], activation: 'relu' }),
  nn.layers.dense({ units: 10, activation: 'softmax' }),
];

/** The plain network with `penalty` on every Dense kernel. */
const penalized = (penalty: nn.layers.Regularizer): nn.layers.Layer[] => [
  nn.layers.flatten({ inputShape: [28, 28] }),
  nn.layers.dense({ units: HIDDEN[0], activation: 'relu', kernelRegularizer: penalty }),
  nn.layers.dense({ units: HIDDEN[1], activation: 'relu', kernelRegularizer: penalty }),
  nn.layers.dense({ units: 10, activation: 'softmax', kernelRegularizer: penalty }),
];

export const VARIANTS: Variant[] = [
  { name: 'none', description: 'no regularization: the baseline', layers: plain },
  {
    name: 'dropout',
    description: 'dropout 0.5 after each hidden layer',
    layers: () => [
      nn.layers.flatten({ inputShape: [28, 28] }),
      nn.layers.dense({ units: HIDDEN[0], activation: 'relu' }),
      nn.layers.dropout({ rate: 0.5 }),
      nn.layers.dense({ units: HIDDEN[1], activation: 'relu' }),
      nn.layers.dropout({ rate: 0.5 }),
      nn.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  },
  { name: 'l2', description: 'L2 penalty 1e-3·Σw² on every Dense kernel', layers: () => penalized(nn.regularizers.l2(1e-3)) },
  { name: 'l1', description: 'L1 penalty 1e-4·Σ|w| on every Dense kernel', layers: () => penalized(nn.regularizers.l1(1e-4)) },
  {
    name: 'batch-norm',
    description: 'batch normalization between each hidden Dense and its relu',
    // Dense -> BatchNormalization -> relu: normalize the pre-activations (Ioffe & Szegedy's placement).
    layers: () => [
      nn.layers.flatten({ inputShape: [28, 28] }),
      nn.layers.dense({ units: HIDDEN[0] }),
      nn.layers.batchNormalization(),
      nn.layers.activation({ activation: 'relu' }),
      nn.layers.dense({ units: HIDDEN[1] }),
      nn.layers.batchNormalization(),
      nn.layers.activation({ activation: 'relu' }),
      nn.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  },
  {
    name: 'combined',
    description: 'the lessons\' combined model: L2 1e-3, batch norm and dropout 0.5',
    layers: () => {
      const l2 = nn.regularizers.l2(1e-3);
      return [
        nn.layers.flatten({ inputShape: [28, 28] }),
        nn.layers.dense({ units: HIDDEN[0], kernelRegularizer: l2 }),
        nn.layers.batchNormalization(),
        nn.layers.activation({ activation: 'relu' }),
        nn.layers.dropout({ rate: 0.5 }),
        nn.layers.dense({ units: HIDDEN[1], kernelRegularizer: l2 }),
        nn.layers.batchNormalization(),
        nn.layers.activation({ activation: 'relu' }),
        nn.layers.dropout({ rate: 0.5 }),
        nn.layers.dense({ units: 10, activation: 'softmax', kernelRegularizer: l2 }),
      ];
    },
  },
  {
    name: 'early-stopping',
    description: 'the baseline with earlyStopping on val_loss, patience 3, restoreBestWeights',
    layers: plain,
    callbacks: () => [nn.callbacks.earlyStopping({ monitor: 'val_loss', patience: 3, restoreBestWeights: true })],
  },
];

/**
 * A variant's network, compiled: Adam, sparse categorical cross-entropy, accuracy. Every
 * variant starts from the plain network's initial Dense weights (dropout and batch-norm
 * layers shift the Dense layers' positions, and with them their seeded initial weights).
 */
function buildNetwork(variant: Variant, seed: number): nn.Sequential {
  const model = startFromPlainWeights(nn.sequential(variant.layers(), { seed }));
  model.compile({ optimizer: nn.optimizers.adam({ learningRate: LEARNING_RATE }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

// ---- The defaults of the command line ----------------------------------------------------

export const DEFAULTS: StudySettings = {
  dataset: 'mnist',
  epochs: 20,
  trainSize: 1000,
  seed: 1,
  backend: 'wasm',
  variants: VARIANTS.map((v) => v.name),
  out: 'report',
};

// ---- The run -----------------------------------------------------------------------------

/** Where the study prints. */
export interface StudyIO {
  log(line: string): void;
  error(line: string): void;
  /** The Keras progress bar during each fit (default true). */
  progress?: boolean;
}

export interface StudyOutcome {
  settings: StudySettings;
  results: VariantResult[];
  verdicts: Verdict[];
  /** The printed table: header and cells. */
  table: { header: string[]; rows: string[][] };
  /** Absolute path of the report. */
  reportPath: string;
}

export async function runStudy(settings: StudySettings, io: StudyIO): Promise<StudyOutcome> {
  await (settings.backend === 'wasm' ? nn.setBackend('wasm', { relaxed: false }) : nn.setBackend('reference'));
  const backend = nn.getBackendInfo();
  const data = await loadStudyData(settings.dataset, settings.trainSize, settings.seed);
  const variants = VARIANTS.filter((v) => settings.variants.includes(v.name));
  const network = `784-${HIDDEN.join('-')}-10 relu network`;
  const sizes = `${data.train.n.toLocaleString('en-US')} training, ${data.validation.n.toLocaleString('en-US')} validation, ${data.test.n.toLocaleString('en-US')} test images`;
  io.log(`Regularization study: ${settings.dataset}, ${sizes}; ${network}, Adam ${LEARNING_RATE}, up to ${epochs(settings.epochs)}; seed ${settings.seed}; backend ${backendName(backend)}`);

  const results: VariantResult[] = [];
  const withPenalty: string[] = []; // variants whose reported loss includes a weight penalty
  for (const [i, variant] of variants.entries()) {
    io.log('');
    io.log(`[${i + 1}/${variants.length}] ${variant.name}: ${variant.description}`);
    const model = buildNetwork(variant, settings.seed);
    if (model.weights().some((w) => w.regularizer !== null)) withPenalty.push(variant.name);
    const result = await trainVariant(model, data, {
      name: variant.name, description: variant.description, epochs: settings.epochs,
      callbacks: variant.callbacks?.() ?? [], verbose: io.progress === false ? 0 : 1,
    });
    model.dispose();
    io.log(`      train ${percent(result.finalTrainAccuracy)}, validation ${percent(result.finalValAccuracy)}, test ${percent(result.testAccuracy)} after ${epochs(result.epochsRun)} (${result.seconds.toFixed(1)} s)`);
    results.push(result);
  }

  const rows = tableRows(results);
  const baseline = results.find((r) => r.name === 'none');
  const judged = verdicts(results, settings.epochs);
  io.log('');
  for (const line of table(TABLE_HEADER, rows)) io.log(line);
  io.log('');
  if (baseline) io.log(baselineSentence(baseline, data.train.n));
  if (judged.length) io.log(verdictsLead(judged, data.test.n));
  for (const v of judged) io.log(`- ${v.name}: ${v.kind}. ${v.text}`);

  const html = reportHtml({
    title: 'Regularization study',
    subtitle: `${settings.dataset}: ${sizes}. ${network}, Adam ${LEARNING_RATE}, batches of 32, up to ${epochs(settings.epochs)}.`,
    baseline: baseline ? baselineSentence(baseline, data.train.n) : null,
    verdictsLead: verdictsLead(judged, data.test.n),
    verdicts: judged,
    variants: results.map((r) => r.name),
    table: { header: TABLE_HEADER, rows },
    charts: await studyCharts(results, withPenalty),
    settings: [
      ['data', data.source],
      ['images', `${sizes}; validation drawn from the training pool, test kept apart until the end`],
      ['network', `${network}; every variant starts from the same initial Dense weights and sees the same batches`],
      ['training', `Adam (learning rate ${LEARNING_RATE}), batch size 32, sparse categorical cross-entropy, up to ${epochs(settings.epochs)}`],
      ['seed', `${settings.seed} (data split, initial weights, batch order, dropout masks)`],
      ['backend', backendName(backend)],
      ['Node.js', process.version],
    ],
    descriptions: variants.map((v) => [v.name, v.description]),
    command: commandLine(settings),
  });
  const dir = resolve(settings.out);
  await mkdir(dir, { recursive: true });
  const reportPath = join(dir, 'index.html');
  await writeFile(reportPath, html);
  io.log('');
  io.log(`Report: ${displayPath(reportPath)}`);
  return { settings, results, verdicts: judged, table: { header: TABLE_HEADER, rows }, reportPath };
}

/** 1 -> '1 epoch', 20 -> '20 epochs'. */
function epochs(n: number): string {
  return `${n} epoch${n === 1 ? '' : 's'}`;
}

function backendName(info: { name: string; relaxed: boolean }): string {
  return info.name === 'wasm' ? `wasm (${info.relaxed ? 'relaxed SIMD, FMA' : 'plain SIMD: bit-identical on every machine'})` : 'reference (plain TypeScript loops)';
}

/** A path relative to the working directory when it lies inside it. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') || rel === '' ? path : rel;
}

export const USAGE = `usage: npm start -- [--dataset mnist|fashion-mnist] [--epochs N] [--train-size N] [--seed N] [--backend wasm|reference] [--variants ${VARIANTS.map((v) => v.name).join(',')}] [--out DIR]`;

/**
 * The command line: returns the exit code. 2 for a wrong option or value (one line on
 * stderr), 1 for an error the library reports (a WasmnnError: missing data files, ...).
 */
export async function main(argv: readonly string[], io: StudyIO): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.log(USAGE);
    return 0;
  }
  let settings: StudySettings;
  try {
    settings = parseOptions(argv, { defaults: DEFAULTS, variantNames: VARIANTS.map((v) => v.name), maxTrainSize });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.error(`study: ${error.message}`);
    return 2;
  }
  try {
    await runStudy(settings, io);
    return 0;
  } catch (error) {
    if (!(error instanceof nn.WasmnnError)) throw error;
    io.error(`study: ${error.message}`);
    return 1;
  }
}

runIfMainWith(import.meta.url, (argv) => main(argv, { log: console.log, error: console.error }));
