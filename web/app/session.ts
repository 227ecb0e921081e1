/**
 * One run of the playground: the data and the model of a config, trained by `fit` with the
 * callbacks that report each epoch, measure the speed, and stop inside an epoch.
 *
 * It uses nothing of the browser, so the worker runs it in the page and the end-to-end test
 * runs the very same code in Node to compare speeds.
 *
 * Stopping: when `shouldStop()` turns true, onBatchEnd sets `model.stopTraining`, and `fit`
 * ends the epoch right after that batch (src/model/fit.ts), with its update applied. `fit` then
 * still validates and logs that partial epoch, as Keras does; the session does not count it
 * (Train redoes the epoch from its start), and early stopping does not see it either, so a
 * Stop neither counts as an epoch without improvement nor puts back the best weights.
 */

import * as nn from 'wasmnn';
import type { PlaygroundConfig } from './config.js';
import type { PreparedData } from './data.js';
import { weightHistogram } from './histogram.js';
import { buildModel } from './model.js';
import type { EndReason, EpochLogs, Snapshot, WeightHistogram } from './protocol.js';

/** Side of the grid the decision boundary is computed on. */
export const BOUNDARY_GRID = 100;
/** Test digits shown in the grid. */
export const SHOWN_DIGITS = 48;
/** Snapshots between epochs no more often than this (short epochs come by the hundred). */
const SNAPSHOT_EVERY_MS = 150;
/** Inside a long epoch, a progress report this often. */
const PROGRESS_EVERY_MS = 500;

/** What the session tells as it trains. */
export interface SessionListener {
  epoch(epoch: number, logs: EpochLogs, samplesPerSecond: number, snapshot: Snapshot | null): void;
  progress(epoch: number, batch: number, batches: number, logs: EpochLogs, samplesPerSecond: number, snapshot: Snapshot): void;
}

export interface TrainResult {
  reason: EndReason;
  /** Training samples per second over this call's batches (see Throughput). */
  samplesPerSecond: number;
  /** True when it stopped inside an epoch. */
  midEpoch: boolean;
  stoppedEpoch: number | null;
  bestEpoch: number | null;
}

/** Training time over which one speed reading is averaged. */
const SPEED_WINDOW_MS = 100;

/**
 * Training samples per second: the samples of the batches over the time they took, from the
 * start of an epoch to the end of its last batch, less what the callbacks spend on reports
 * (snapshots). Validation is left out; the yield between batches is in. Each reading averages
 * at least SPEED_WINDOW_MS of training, across epochs if they are short, so that browsers'
 * coarse clocks (performance.now is rounded to 0.1 ms or more) average out.
 */
class Throughput {
  private mark = 0;
  private busy = 0;
  private samples = 0;
  private rate = 0;
  private totalBusy = 0;
  private totalSamples = 0;

  /** At the start of an epoch: the clock runs from here. */
  startEpoch(): void {
    this.mark = performance.now();
  }

  /** At the start of onBatchEnd: the batch's samples and the time since the last mark. */
  batchDone(size: number): void {
    const elapsed = performance.now() - this.mark;
    this.busy += elapsed;
    this.samples += size;
    this.totalBusy += elapsed;
    this.totalSamples += size;
  }

  /** At the end of onBatchEnd: what the callback did is not training time. */
  resume(): void {
    this.mark = performance.now();
  }

  /** The rate of the last full window; before the first one closes, the rate so far. */
  samplesPerSecond(): number {
    if (this.busy >= SPEED_WINDOW_MS) {
      this.rate = this.samples / (this.busy / 1000);
      this.busy = this.samples = 0;
    }
    if (this.rate > 0) return this.rate;
    return this.busy > 0 ? this.samples / (this.busy / 1000) : 0;
  }

  /** The rate over every batch so far. */
  overall(): number {
    return this.totalBusy > 0 ? this.totalSamples / (this.totalBusy / 1000) : 0;
  }
}

export class Session {
  readonly model: nn.Sequential;
  /** Epochs trained so far (the next fit starts from here). */
  epochsDone = 0;
  /** 2-D sets: the grid points of the boundary, and the half-width of the square they cover. */
  private readonly grid: Float32Array | null;
  readonly extent: number;

  constructor(readonly config: PlaygroundConfig, readonly data: PreparedData) {
    this.model = buildModel(config, data.features, data.classes);
    this.extent = data.features === 2 ? planeExtent(data) : 0;
    this.grid = data.features === 2 ? gridPoints(BOUNDARY_GRID, this.extent) : null;
  }

  /**
   * Trains from epoch `epochsDone` up to config.epochs, reporting to `listener`; ends after
   * the current batch once `shouldStop()` is true.
   */
  async train(listener: SessionListener, shouldStop: () => boolean = () => false): Promise<TrainResult> {
    const { config, data, model } = this;
    const meter = new Throughput();
    const batches = Math.ceil(data.train.n / config.batchSize);
    let lastSnapshot = -Infinity, lastProgress = performance.now(), midEpoch = false, stopped = false;
    const reporter: nn.Callback = {
      onEpochBegin: () => {
        midEpoch = true;
        lastProgress = performance.now();
        meter.startEpoch();
      },
      onBatchEnd: (batch, logs = {}) => {
        meter.batchDone(logs.size ?? 0);
        if (shouldStop()) {
          stopped = model.stopTraining = true;
          return;
        }
        const now = performance.now();
        if (now - lastProgress >= PROGRESS_EVERY_MS && batch < batches - 1) {
          listener.progress(this.epochsDone, batch, batches, { ...logs }, meter.samplesPerSecond(), this.snapshot());
          lastProgress = lastSnapshot = performance.now();
        }
        meter.resume();
      },
      onEpochEnd: (epoch, logs = {}) => {
        if (stopped) return; // the partial epoch of a Stop (see the file comment)
        midEpoch = false;
        this.epochsDone = epoch + 1;
        const now = performance.now();
        let snapshot: Snapshot | null = null;
        if (now - lastSnapshot >= SNAPSHOT_EVERY_MS || epoch + 1 === config.epochs) {
          snapshot = this.snapshot();
          lastSnapshot = performance.now();
        }
        listener.epoch(epoch, { ...logs }, meter.samplesPerSecond(), snapshot);
      },
    };
    const earlyStopping = config.patience > 0 ? nn.callbacks.earlyStopping({ patience: config.patience, restoreBestWeights: true }) : null;
    await model.fit(data.train.x, data.train.y, {
      epochs: config.epochs,
      initialEpoch: this.epochsDone,
      batchSize: config.batchSize,
      validationData: [data.validation.x, data.validation.y],
      verbose: 0,
      callbacks: earlyStopping ? [reporter, unlessStopped(earlyStopping, () => stopped)] : [reporter],
    });
    if (stopped) return { reason: 'stopped', samplesPerSecond: meter.overall(), midEpoch, stoppedEpoch: null, bestEpoch: null };
    const stoppedEpoch = earlyStopping?.stoppedEpoch ?? null;
    return {
      reason: stoppedEpoch === null ? 'finished' : 'early-stopping', samplesPerSecond: meter.overall(), midEpoch: false, stoppedEpoch, bestEpoch: earlyStopping?.bestEpoch ?? null,
    };
  }

  /** What the views draw of the model now. */
  snapshot(): Snapshot {
    return { histograms: this.histograms(), boundary: this.boundary(), digits: this.digits() };
  }

  /** The kernel of each dense layer: 'hidden 1', 'hidden 2', ..., 'output'. */
  private histograms(): WeightHistogram[] {
    const kernels = this.model.layers.flatMap((layer) => layer.weights().filter((w) => w.name === 'kernel'));
    return kernels.map((w, i) => weightHistogram(i === kernels.length - 1 ? 'output' : `hidden ${i + 1}`, [...w.value.shape], w.value.data));
  }

  private boundary(): Snapshot['boundary'] {
    if (this.grid === null) return null;
    const probabilities = this.predict(this.grid);
    return { size: BOUNDARY_GRID, extent: this.extent, classes: this.data.classes, probabilities };
  }

  private digits(): Snapshot['digits'] {
    const test = this.data.test;
    if (test === null) return null;
    const classes = this.data.classes;
    const probabilities = this.predict(test.x);
    const predicted = new Uint8Array(test.n);
    const confusion = new Int32Array(classes * classes);
    let correct = 0;
    for (let i = 0; i < test.n; i++) {
      const p = argmax(probabilities, i * classes, classes);
      predicted[i] = p;
      confusion[test.y[i] * classes + p]++;
      if (p === test.y[i]) correct++;
    }
    return { predicted: predicted.slice(0, SHOWN_DIGITS), confusion, testAccuracy: correct / test.n };
  }

  /** Class probabilities of flat rows x, copied out of the backend's memory. */
  private predict(x: Float32Array): Float32Array {
    const output = this.model.predict(x, { batchSize: 1024 });
    const values = Float32Array.from(output.data);
    output.dispose();
    return values;
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** `callback`, except that it does not see the end of the epoch and of training once `stopped()`. */
function unlessStopped(callback: nn.Callback, stopped: () => boolean): nn.Callback {
  return {
    setModel: (model) => callback.setModel?.(model),
    onTrainBegin: (logs) => callback.onTrainBegin?.(logs),
    onEpochBegin: (epoch, logs) => callback.onEpochBegin?.(epoch, logs),
    onBatchBegin: (batch, logs) => callback.onBatchBegin?.(batch, logs),
    onBatchEnd: (batch, logs) => callback.onBatchEnd?.(batch, logs),
    onEpochEnd: (epoch, logs) => (stopped() ? undefined : callback.onEpochEnd?.(epoch, logs)),
    onTrainEnd: (logs) => (stopped() ? undefined : callback.onTrainEnd?.(logs)),
  };
}

/** Index of the largest of values[from .. from+count). */
function argmax(values: Float32Array, from: number, count: number): number {
  let best = 0;
  for (let k = 1; k < count; k++) if (values[from + k] > values[from + best]) best = k;
  return best;
}

/** Half-width of a square around 0 that holds every point, with a margin, rounded up to 0.5. */
function planeExtent(data: PreparedData): number {
  let largest = 0;
  for (const values of [data.train.x, data.validation.x]) for (const v of values) largest = Math.max(largest, Math.abs(v));
  return Math.ceil((largest * 1.1) / 0.5) * 0.5;
}

/** Centres of a size × size grid over [-extent, extent]², row by row from the top (y = +extent). */
function gridPoints(size: number, extent: number): Float32Array {
  const points = new Float32Array(size * size * 2);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const at = 2 * (row * size + col);
      points[at] = -extent + ((col + 0.5) * 2 * extent) / size;
      points[at + 1] = extent - ((row + 0.5) * 2 * extent) / size;
    }
  }
  return points;
}
