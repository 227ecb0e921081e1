/**
 * The Keras-style progress display, as a callback.
 *
 *   Epoch 3/10
 *   469/469 ━━━━━━━━━━━━━━━━━━━━ 2s 4ms/step - accuracy: 0.9221 - loss: 0.2528 - val_accuracy: 0.9591 - val_loss: 0.1595
 *
 * verbose 1 on a terminal redraws the line in place as batches finish; when stdout is not a
 * terminal (a log file, CI) or verbose is 2, it prints one plain line per epoch. verbose 0
 * prints nothing (no callback is installed).
 */

import type { Callback, Logs } from './callback.js';

const BAR_WIDTH = 20;
const REDRAW_MS = 50;

interface Output {
  isTTY: boolean;
  write(text: string): void;
}

function defaultOutput(): Output {
  const stdout = typeof process !== 'undefined' ? process.stdout : undefined;
  if (stdout && typeof stdout.write === 'function') {
    return { isTTY: Boolean(stdout.isTTY), write: (text) => void stdout.write(text) };
  }
  // Browsers: no in-place redraw; console.log one line per epoch.
  return { isTTY: false, write: (text) => console.log(text.replace(/\n$/, '')) };
}

/** Metric names in Keras's display order: training metrics by name, then validation metrics. */
export function displayOrder(names: string[]): string[] {
  return [...names].sort((a, b) => Number(a.startsWith('val_')) - Number(b.startsWith('val_')) || a.localeCompare(b));
}

/** Formats logs as Keras does: training metrics sorted by name, then validation metrics. */
export function formatLogs(logs: Logs): string {
  const keys = displayOrder(Object.keys(logs).filter((k) => k !== 'batch' && k !== 'size'));
  return keys.map((k) => `${k}: ${formatNumber(logs[k])}`).join(' - ');
}

/** A logged number as Keras prints it: 4 decimals, or 4 significant digits in exponent form when tiny or huge. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5)) return v.toExponential(4);
  return v.toFixed(4);
}

function formatDuration(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const m = Math.floor(seconds / 60);
  return `${m}m ${Math.round(seconds - m * 60)}s`;
}

function formatPerStep(seconds: number): string {
  return seconds >= 1 ? `${seconds.toFixed(1)}s/step` : seconds * 1000 >= 1 ? `${Math.round(seconds * 1000)}ms/step` : `${Math.round(seconds * 1e6)}us/step`;
}

/** The bar for `done` of `total` steps: ━ for done, a dim ━ for the rest. */
export function progressBar(done: number, total: number, color: boolean): string {
  const filled = total === 0 ? BAR_WIDTH : Math.round((BAR_WIDTH * done) / total);
  const rest = '━'.repeat(BAR_WIDTH - filled);
  return '━'.repeat(filled) + (color && rest ? `\x1b[2m${rest}\x1b[0m` : rest);
}

export class ProgressBar implements Callback {
  private readonly output: Output;
  private epochs = 0;
  private steps = 0;
  private epochStart = 0;
  private lastDraw = 0;
  private line = '';

  constructor(private readonly verbose: 1 | 2, output?: Output) {
    this.output = output ?? defaultOutput();
  }

  configure(epochs: number, steps: number): void {
    this.epochs = epochs;
    this.steps = steps;
  }

  private get live(): boolean {
    return this.verbose === 1 && this.output.isTTY;
  }

  onEpochBegin(epoch: number): void {
    this.epochStart = now();
    this.lastDraw = 0;
    this.output.write(`Epoch ${epoch + 1}/${this.epochs}\n`);
  }

  onBatchEnd(batch: number, logs: Logs = {}): void {
    if (!this.live) return;
    const t = now();
    if (t - this.lastDraw < REDRAW_MS && batch + 1 < this.steps) return;
    this.lastDraw = t;
    this.draw(batch + 1, logs, false);
  }

  onEpochEnd(_epoch: number, logs: Logs = {}): void {
    this.draw(this.steps, logs, true);
  }

  private draw(done: number, logs: Logs, final: boolean): void {
    const elapsed = (now() - this.epochStart) / 1000;
    const perStep = done > 0 ? elapsed / done : 0;
    const time = final ? `${formatDuration(elapsed)} ${formatPerStep(perStep)}` : `${formatDuration(perStep * (this.steps - done))} ${formatPerStep(perStep)}`;
    const width = String(this.steps).length;
    const metrics = Object.keys(logs).length ? ` - ${formatLogs(logs)}` : '';
    const text = `${String(done).padStart(width)}/${this.steps} ${progressBar(done, this.steps, this.output.isTTY)} ${time}${metrics}`;
    if (this.live) {
      // \r returns to the line start; \x1b[K clears what a longer previous line left.
      this.output.write(`\r${text}\x1b[K${final ? '\n' : ''}`);
    } else if (final) this.output.write(`${text}\n`);
    this.line = text;
  }

  /** The last line drawn (for tests). */
  get lastLine(): string {
    return this.line;
  }
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
