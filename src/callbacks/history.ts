/**
 * History: what `fit` returns. `history.history.loss[e]` is the mean training loss of epoch e
 * (penalties included), `history.history.val_loss[e]` the validation loss after it, and so on
 * for every logged metric, as Keras records them. `history.epoch` lists the epochs that ran
 * and `history.params` the settings of the fit.
 *
 * Printed (`console.log(history)`, `String(history)`), it is a short summary, one line per
 * metric with its first and last value and its best epoch, rather than a raw object:
 *
 *   History: 10 epochs (1–10), 800 samples in 25 batches of 32, 200 validation samples
 *     accuracy      0.1125 → 0.9025   best 0.9025 at epoch 10
 *     loss          2.3104 → 0.3012   best 0.3012 at epoch 10
 *     val_accuracy  0.1050 → 0.8750   best 0.8800 at epoch 9
 *     val_loss      2.3050 → 0.4120   best 0.4022 at epoch 9
 *
 * Epochs are counted from 1 there, as the progress bar counts them; `history.epoch` holds
 * them from 0, as Keras does. "Best" is the largest value for names with "acc" in them and
 * the smallest otherwise (earlyStopping's mode 'auto').
 */

import type { Callback, Logs } from './callback.js';
import { Monitor } from './monitor.js';
import { displayOrder, formatNumber } from './progress.js';

export interface TrainingParams {
  epochs: number;
  initialEpoch: number;
  batchSize: number;
  samples: number;
  steps: number;
  validationSamples: number;
  verbose: number;
}

export class History implements Callback {
  /** Epoch numbers that ran (from initialEpoch). */
  readonly epoch: number[] = [];
  /** Per-metric lists, one value per epoch. */
  readonly history: Record<string, number[]> = {};
  params: TrainingParams | null = null;
  /** Epoch at which a callback stopped training early (null when it ran to the end). */
  stoppedEpoch: number | null = null;
  /** Epoch whose weights a callback judged best (set by earlyStopping). */
  bestEpoch: number | null = null;
  /** Set when training stopped early, with the reason. */
  stopReason: string | null = null;

  onEpochEnd(epoch: number, logs: Logs = {}): void {
    this.epoch.push(epoch);
    for (const [key, value] of Object.entries(logs)) {
      if (!Object.hasOwn(this.history, key)) this.history[key] = [];
      this.history[key].push(value);
    }
  }

  /** The summary shown at the top of this file. */
  toString(): string {
    const n = this.epoch.length;
    if (n === 0) return 'History: no epochs recorded';
    const p = this.params;
    const setting = p === null ? '' :
      `, ${p.samples} samples in ${p.steps} batches of ${p.batchSize}${p.validationSamples > 0 ? `, ${p.validationSamples} validation samples` : ''}`;
    const lines = [`History: ${n} epoch${n === 1 ? '' : 's'} (${this.epoch[0] + 1}–${this.epoch[n - 1] + 1})${setting}`];
    const names = displayOrder(Object.keys(this.history));
    const width = Math.max(...names.map((name) => name.length));
    for (const name of names) {
      const values = this.history[name];
      const monitor = new Monitor(name, 'auto', 0, 'History');
      let best = 0;
      values.forEach((v, i) => { if (monitor.improves(v, values[best])) best = i; });
      const span = `${formatNumber(values[0])} → ${formatNumber(values[values.length - 1])}`;
      lines.push(`  ${name.padEnd(width)}  ${span}   best ${formatNumber(values[best])} at epoch ${this.epoch[best] + 1}`);
    }
    if (this.stoppedEpoch !== null) lines.push(`  stopped early at epoch ${this.stoppedEpoch + 1}${this.stopReason ? `: ${this.stopReason}` : ''}`);
    return lines.join('\n');
  }

  /** What Node's console.log and util.inspect print: the summary. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
