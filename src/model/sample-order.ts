/**
 * The order in which `fit` visits the samples. It starts as 0, 1, ..., n-1, and each epoch
 * shuffles the previous epoch's order in place (Fisher–Yates, drawing from the model's
 * shuffle stream), so the order of epoch e depends on every shuffle before it in the fit.
 *
 * To continue a fit exactly after a checkpoint, it is enough to know the stream's state when
 * the fit began and how many shuffles it has done: `resume` replays them (n·k swaps for k
 * epochs, a fraction of one epoch's work) and leaves both the order and the stream where the
 * interrupted fit had them.
 */

import type { Random, RandomState } from '../random.js';

/** What a checkpoint records to put the sample order back. */
export interface ShuffleRecord {
  /** The shuffle stream's state when the fit began. */
  start: RandomState;
  /** Shuffles done since (one per epoch with shuffle on). */
  shuffles: number;
  /** Number of training samples (the order only carries over to data of the same size). */
  samples: number;
}

export class SampleOrder {
  /** The sample indices, in this epoch's order. */
  readonly order: Int32Array;
  private readonly start: RandomState;
  private shuffles = 0;

  /**
   * A fresh order for `samples` samples, or, given the record of an interrupted fit on as
   * many samples, the order and stream state that fit had reached.
   */
  constructor(private readonly random: Random, samples: number, resume: ShuffleRecord | null) {
    this.order = new Int32Array(samples);
    for (let i = 0; i < samples; i++) this.order[i] = i;
    if (resume !== null && resume.samples === samples) {
      random.setState(resume.start);
      this.start = resume.start;
      for (let k = 0; k < resume.shuffles; k++) this.shuffle();
    } else {
      this.start = random.getState();
    }
  }

  /** Shuffles the order for the next epoch. */
  shuffle(): void {
    this.random.shuffle(this.order);
    this.shuffles++;
  }

  /** What to save to come back to this point. */
  record(): ShuffleRecord {
    return { start: { words: [...this.start.words], spareNormal: this.start.spareNormal }, shuffles: this.shuffles, samples: this.order.length };
  }
}
