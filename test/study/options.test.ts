/**
 * The study's command line: every option, and every mistake answered with one line that
 * names the valid choices; through the real CLI, exit code 2 and no stack trace.
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULTS, VARIANTS } from '../../examples/study.js';
import { maxTrainSize } from '../../examples/study/data.js';
import { commandLine, parseOptions, UsageError } from '../../examples/study/options.js';

const context = { defaults: DEFAULTS, variantNames: VARIANTS.map((v) => v.name), maxTrainSize };
const parse = (...argv: string[]) => parseOptions(argv, context);

function usageError(argv: string[]): string {
  try {
    parse(...argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}

describe('parseOptions', () => {
  it('no options: the defaults, every variant in table order', () => {
    expect(parse()).toEqual(DEFAULTS);
    expect(DEFAULTS.variants).toEqual(['none', 'dropout', 'l2', 'l1', 'batch-norm', 'combined', 'early-stopping']);
  });

  it('every option, as "--name value" or "--name=value"; variants keep the table order', () => {
    expect(parse('--dataset', 'fashion-mnist', '--epochs=3', '--train-size', '5000', '--seed', '7', '--backend=reference', '--variants', 'l1,none', '--out', 'tmp/r')).toEqual({
      dataset: 'fashion-mnist', epochs: 3, trainSize: 5000, seed: 7, backend: 'reference', variants: ['none', 'l1'], out: 'tmp/r',
    });
  });

  it('--train-size is bounded by the dataset, whichever comes first', () => {
    expect(parse('--train-size', '6000').trainSize).toBe(6000); // 10,000 digits − 2,000 validation − 2,000 test
    expect(usageError(['--train-size', '6001'])).toBe("--train-size must be an integer from 10 to 6000 for mnist; got '6001'");
    expect(parse('--train-size', '58000', '--dataset', 'fashion-mnist').trainSize).toBe(58000);
  });

  it('each mistake: one line naming the option, the valid choices and what was given', () => {
    expect(usageError(['--epoch', '3'])).toBe("unknown option '--epoch'; valid options: --dataset, --epochs, --train-size, --seed, --backend, --variants, --out");
    expect(usageError(['--dataset', 'cifar'])).toBe("--dataset must be one of mnist, fashion-mnist; got 'cifar'");
    expect(usageError(['--backend', 'gpu'])).toBe("--backend must be one of wasm, reference; got 'gpu'");
    expect(usageError(['--epochs', '0'])).toBe("--epochs must be an integer from 1 to 1000; got '0'");
    expect(usageError(['--epochs', '2.5'])).toBe("--epochs must be an integer from 1 to 1000; got '2.5'");
    expect(usageError(['--seed', '-1'])).toBe("--seed must be an integer from 0 to 4294967295; got '-1'");
    expect(usageError(['--variants', 'none,dropuot'])).toBe("--variants: unknown variant 'dropuot'; valid variants: none, dropout, l2, l1, batch-norm, combined, early-stopping");
    expect(usageError(['--variants', 'l1,l1'])).toBe("--variants names a variant twice: 'l1,l1'");
    expect(usageError(['--variants', ','])).toContain('--variants needs at least one of none, dropout');
    expect(usageError(['--epochs'])).toBe('--epochs needs a value, e.g. --epochs 20');
    expect(usageError(['--epochs', '--seed', '3'])).toBe('--epochs needs a value, e.g. --epochs 20');
    expect(usageError(['--epochs', '2', '--epochs', '3'])).toBe('--epochs is given twice');
    expect(usageError(['extra'])).toContain("unknown option 'extra'");
  });

  it('commandLine spells out every setting, and parses back to the same settings', () => {
    const settings = parse('--epochs', '3', '--variants', 'dropout,none', '--out', 'my report');
    const command = commandLine(settings);
    expect(command).toBe("npm start -- --dataset mnist --epochs 3 --train-size 1000 --seed 1 --backend wasm --variants none,dropout --out 'my report'");
    const argv = command.replace('npm start -- ', '').replace("'my report'", 'my_report').split(' ');
    expect(parse(...argv)).toEqual({ ...settings, out: 'my_report' });
  });
});

describe('the command line', () => {
  const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
  const tsx = join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'cli.mjs');

  function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(process.execPath, [tsx, join(root, 'examples/study.ts'), ...args], { cwd: root }, (error, stdout, stderr) => {
        resolve({ code: error ? (error as { code?: number }).code ?? null : 0, stdout, stderr });
      });
    });
  }

  it('a wrong option or value: exit code 2, one line on stderr, no stack trace, nothing trained', async () => {
    const [unknown, badValue] = await Promise.all([run(['--variants', 'none', '--epohcs', '2']), run(['--dataset', 'cifar'])]);
    for (const r of [unknown, badValue]) {
      expect(r.code).toBe(2);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
    }
    expect(unknown.stderr).toBe("study: unknown option '--epohcs'; valid options: --dataset, --epochs, --train-size, --seed, --backend, --variants, --out\n");
    expect(badValue.stderr).toBe("study: --dataset must be one of mnist, fashion-mnist; got 'cifar'\n");
  });
});
