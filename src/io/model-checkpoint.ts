/**
 * Model checkpoint: save the model at the end of epochs, so a long run survives a crash.
 *
 * Keras semantics: after every epoch, or with `saveBestOnly` only when the monitored
 * quantity improves on the best so far (mode 'min' for losses, 'max' for accuracies, 'auto'
 * from the name). The checkpoint is a directory in the TensorFlow.js layers format that
 * `nn.loadModel(path)` reads, written atomically (io/checkpoint.ts): a crash at any moment
 * leaves the previous checkpoint or the new one, complete. Its metadata records the epoch.
 * Node only (it writes files).
 */

import type { Callback, Logs, TrainingModel } from '../callbacks/callback.js';
import { Monitor, type MonitorMode } from '../callbacks/monitor.js';
import { Sequential } from '../model/sequential.js';
import { ConfigError } from '../errors.js';
import { checkOptions } from '../options.js';
import { writeCheckpoint } from './checkpoint.js';
import { toArtifacts } from './artifacts.js';

export interface ModelCheckpointArgs {
  /** Directory to write the checkpoint to (created if missing; model.json and its weights). */
  path: string;
  /** Logged quantity that decides "best" with saveBestOnly (default 'val_loss'). */
  monitor?: string;
  /** 'min', 'max' or 'auto' (default: 'max' when the name contains "acc", else 'min'). */
  mode?: MonitorMode;
  /** Write only when the monitored quantity improves on the best so far (default false: every epoch). */
  saveBestOnly?: boolean;
  /**
   * Also save the optimizer's state and where training stands, so that a run restarted from
   * the checkpoint continues exactly: `fit(x, y, { initialEpoch: loaded.resumeEpoch })` (default false).
   */
  includeOptimizer?: boolean;
  /** 1 to print a line per checkpoint written (default 0). */
  verbose?: 0 | 1;
}

export class ModelCheckpoint implements Callback {
  readonly path: string;
  readonly monitor: Monitor;
  readonly saveBestOnly: boolean;
  readonly includeOptimizer: boolean;
  readonly verbose: 0 | 1;
  /** Best monitored value so far (with saveBestOnly). */
  best: number;
  /** Epoch of the last checkpoint written (null before the first). */
  lastSavedEpoch: number | null = null;
  private model: Sequential | null = null;

  constructor(args: ModelCheckpointArgs) {
    checkOptions<ModelCheckpointArgs>('modelCheckpoint', args, {
      path: 'string', monitor: 'string', mode: 'string', saveBestOnly: 'boolean', includeOptimizer: 'boolean', verbose: 'number',
    });
    if (args === undefined || typeof args.path !== 'string' || args.path.length === 0) {
      throw new ConfigError(`modelCheckpoint: 'path' (a directory) is required, got ${String(args?.path)}`);
    }
    this.path = args.path;
    this.monitor = new Monitor(args.monitor ?? 'val_loss', args.mode ?? 'auto', 0, 'modelCheckpoint');
    this.saveBestOnly = args.saveBestOnly ?? false;
    this.includeOptimizer = args.includeOptimizer ?? false;
    this.verbose = args.verbose ?? 0;
    this.best = this.monitor.worst();
  }

  setModel(model: TrainingModel): void {
    if (!(model instanceof Sequential)) throw new ConfigError('modelCheckpoint: saves Sequential models only');
    this.model = model;
  }

  onTrainBegin(): void {
    this.best = this.monitor.worst();
  }

  async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    if (this.saveBestOnly) {
      const current = logs[this.monitor.name];
      if (current === undefined) {
        console.warn(`modelCheckpoint: '${this.monitor.name}' is not logged (available: ${Object.keys(logs).join(', ')}); is validation data set? Not saving.`);
        return;
      }
      if (!this.monitor.improves(current, this.best)) return;
      this.best = current;
    }
    if (this.model === null) throw new ConfigError('modelCheckpoint: no model to save (fit calls setModel first)');
    await writeCheckpoint(toArtifacts(this.model, { includeOptimizer: this.includeOptimizer }, epoch), this.path);
    this.lastSavedEpoch = epoch;
    if (this.verbose) console.log(`Epoch ${epoch + 1}: saved the model to ${this.path}`);
  }
}

/** Saves the model after each epoch (or each improvement); see ModelCheckpoint. */
export function modelCheckpoint(args: ModelCheckpointArgs): ModelCheckpoint {
  return new ModelCheckpoint(args);
}
