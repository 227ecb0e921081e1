/**
 * The regularization study: `npm start`.
 *
 * One network, 784-512-256-10 with relu, far more weights (530,000) than training images
 * (1,000 by default), trained as each variant in the table below. Every variant starts
 * from the same initial Dense weights and sees the same batches in the same order (mlp()
 * in common.ts), so what differs between two rows is the technique alone. Without
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
import { mlp, percent, runIfMainWith, table, type MlpOptions } from './common.js';
import { studyCharts } from './study/charts.js';
import { loadStudyData, maxTrainSize } from './study/data.js';
import { commandLine, parseOptions, UsageError, type StudySettings } from './study/options.js';
import { reportHtml } from './study/report.js';
import { baselineSentence, tableRows, TABLE_HEADER, verdicts, verdictsLead, type Verdict } from './study/summary.js';
import { trainVariant, type VariantResult } from './study/train.js';

// ---- The table of variants: add your own here ------------------------------------------

export interface Variant {
  /** Its name on the command line (--variants), in the table and in the charts. */
  name: string;
  /** What it does, in a few words (printed in the report's settings). */
  description: string;
  /** Network options on top of the plain one: dropout, inputDropout, batchNorm, kernelRegularizer (see mlp() in common.ts). */
  model?: Omit<MlpOptions, 'hidden' | 'optimizer' | 'seed'>;
  /** Callbacks for fit, made fresh for each run (early stopping keeps state). */
  callbacks?: () => nn.Callback[];
}

export const VARIANTS: Variant[] = [
  { name: 'none', description: 'no regularization: the baseline' },
  { name: 'dropout', description: 'dropout 0.5 after each hidden layer', model: { dropout: 0.5 } },
  { name: 'l2', description: 'L2 penalty 1e-3·Σw² on every Dense kernel', model: { kernelRegularizer: nn.regularizers.l2(1e-3) } },
  { name: 'l1', description: 'L1 penalty 1e-4·Σ|w| on every Dense kernel', model: { kernelRegularizer: nn.regularizers.l1(1e-4) } },
  { name: 'batch-norm', description: 'batch normalization between each hidden Dense and its relu', model: { batchNorm: true } },
  {
    name: 'combined',
    description: 'the lessons\' combined model: L2 1e-3, batch norm and dropout 0.5',
    model: { kernelRegularizer: nn.regularizers.l2(1e-3), batchNorm: true, dropout: 0.5 },
  },
  {
    name: 'early-stopping',
    description: 'the baseline with earlyStopping on val_loss, patience 3, restoreBestWeights',
    callbacks: () => [nn.callbacks.earlyStopping({ monitor: 'val_loss', patience: 3, restoreBestWeights: true })],
  },
];

// ---- What every variant shares -----------------------------------------------------------

/** Hidden layer sizes: 784 -> 512 -> 256 -> 10. */
export const HIDDEN = [512, 256];
/** Adam's learning rate (Keras's default); batches of 32. */
export const LEARNING_RATE = 1e-3;

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
  for (const [i, variant] of variants.entries()) {
    io.log('');
    io.log(`[${i + 1}/${variants.length}] ${variant.name}: ${variant.description}`);
    const model = mlp({ hidden: HIDDEN, optimizer: nn.optimizers.adam({ learningRate: LEARNING_RATE }), seed: settings.seed, ...variant.model });
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
    charts: await studyCharts(results, variants.filter((v) => v.model?.kernelRegularizer).map((v) => v.name)),
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
