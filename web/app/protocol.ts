/**
 * The messages between the page (main.ts) and the training worker (worker.ts), and the
 * pictures of the model the worker sends: everything that crosses postMessage is here.
 */

import type { PlaygroundConfig } from './config.js';

/** Epoch logs as fit reports them: loss, accuracy, val_loss, val_accuracy. */
export type EpochLogs = Record<string, number>;

/** The weights of one kernel as a histogram over [-limit, limit], with a bin centred on 0. */
export interface WeightHistogram {
  /** The layer whose kernel it is: 'hidden 1', ..., 'output'. */
  name: string;
  /** 'in × out'. */
  shape: number[];
  /** Half-width of the range; bin i covers [-limit + i·w, -limit + (i+1)·w), w = 2·limit/bins; the end bins also hold what lies beyond. */
  limit: number;
  /** max|w|. */
  largest: number;
  counts: number[];
  /** Standard deviation of the weights. */
  std: number;
  /** Fraction with |w| < 0.01·max|w| (what L1 piles up). */
  nearZero: number;
}

/** What the views draw of the model at one moment. */
export interface Snapshot {
  histograms: WeightHistogram[];
  /** 2-D sets: class probabilities on a size × size grid over [-extent, extent]², row-major from the top. */
  boundary: { size: number; extent: number; classes: number; probabilities: Float32Array } | null;
  /** Digits: predicted classes of the shown test digits, and the confusion matrix of the whole test set. */
  digits: { predicted: Uint8Array; confusion: Int32Array; testAccuracy: number } | null;
}

/** The points and pictures the page draws beside the model (sent once per data set). */
export interface DataForViews {
  dataset: PlaygroundConfig['dataset'];
  classes: number;
  /** 2-D sets: the training and validation points, flat (x, y) pairs, and their labels. */
  points: { train: Float32Array; trainLabels: Float32Array; validation: Float32Array; validationLabels: Float32Array } | null;
  /** Digits: the first test digits as pixel bytes (n × 784) and their labels. */
  digits: { pixels: Uint8Array; labels: Float32Array } | null;
  trainSize: number;
  validationSize: number;
}

export interface BackendReport {
  name: string;
  relaxed: boolean;
  /** Whether the page may share memory between threads (COOP/COEP served). */
  isolated: boolean;
  /** Threads the backend runs on. */
  threads: number;
}

export type ToWorker =
  /** Start (or continue) training with `config`; a new config starts a new run. */
  | { type: 'train'; config: PlaygroundConfig }
  /** Stop after the current batch. */
  | { type: 'stop' }
  /** Throw the model away and build it again from the seed. */
  | { type: 'reset'; config: PlaygroundConfig }
  | { type: 'export' };

/** Why a call to train ended. */
export type EndReason = 'finished' | 'early-stopping' | 'stopped';

export type FromWorker =
  | { type: 'ready'; backend: BackendReport }
  /** A new run: a fresh model from the seed (its snapshot before any training). */
  | { type: 'run'; run: number; config: PlaygroundConfig; data: DataForViews; snapshot: Snapshot; parameters: number }
  | { type: 'training'; run: number }
  /** After each epoch; `snapshot` at most every few hundred milliseconds, and on the last epoch. */
  | { type: 'epoch'; run: number; epoch: number; logs: EpochLogs; samplesPerSecond: number; snapshot: Snapshot | null }
  /** Inside a long epoch: the running training means so far. */
  | { type: 'progress'; run: number; epoch: number; batch: number; batches: number; logs: EpochLogs; samplesPerSecond: number; snapshot: Snapshot }
  /** Training ended; `midEpoch` when it stopped inside an epoch (the run no longer repeats an uninterrupted one). */
  | {
    type: 'ended'; run: number; reason: EndReason; epochsDone: number; midEpoch: boolean; stoppedEpoch: number | null; bestEpoch: number | null;
    /** Training samples per second over the whole call (the run bar shows the latest reading). */
    samplesPerSecond: number;
    snapshot: Snapshot;
  }
  | { type: 'exported'; modelJson: string; weights: ArrayBuffer }
  | { type: 'error'; message: string };
