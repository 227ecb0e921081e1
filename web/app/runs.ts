/**
 * The runs of a page visit, and the check behind "the same seed gives the same curve": a
 * run with the same config (seed included) as an earlier one must log the same numbers,
 * bit for bit, epoch by epoch, for as long as neither was interrupted inside an epoch (a
 * stop mid-epoch keeps that batch's update, so the epochs after it follow another path).
 */

import { configKey, describeConfig, type PlaygroundConfig } from './config.js';
import type { EndReason, EpochLogs } from './protocol.js';

export interface Run {
  /** The worker's number for the model (one per Reset or changed setting). */
  id: number;
  /** The number the page shows: runs are counted once they have trained an epoch. */
  number: number | null;
  config: PlaygroundConfig;
  key: string;
  label: string;
  epochs: EpochLogs[];
  /** Epochs that an uninterrupted run would repeat: all of them until a stop inside an epoch. */
  comparable: number;
  ended: EndReason | null;
}

export function newRun(id: number, config: PlaygroundConfig): Run {
  return { id, number: null, config, key: configKey(config), label: describeConfig(config), epochs: [], comparable: Infinity, ended: null };
}

/** The quantities compared, as fit logs them. */
const LOGGED = ['loss', 'accuracy', 'val_loss', 'val_accuracy'];

export interface Repeat {
  /** The earlier run compared with. */
  earlier: Run;
  /** Epochs compared. */
  epochs: number;
  /** First epoch (1-based) whose numbers differ, or null when all compared epochs match. */
  firstDifference: number | null;
}

/**
 * Compares `run` with the latest earlier run of the same config that has epochs to compare;
 * null when there is none.
 */
export function findRepeat(run: Run, earlier: readonly Run[]): Repeat | null {
  for (let i = earlier.length - 1; i >= 0; i--) {
    const other = earlier[i];
    if (other.id === run.id || other.key !== run.key) continue;
    const epochs = Math.min(run.epochs.length, other.epochs.length, run.comparable, other.comparable);
    if (epochs === 0) continue;
    let firstDifference: number | null = null;
    for (let e = 0; e < epochs && firstDifference === null; e++) {
      if (LOGGED.some((k) => !Object.is(run.epochs[e][k], other.epochs[e][k]))) firstDifference = e + 1;
    }
    return { earlier: other, epochs, firstDifference };
  }
  return null;
}
