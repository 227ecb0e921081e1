/**
 * What early stopping and learning-rate reduction share: watching one logged quantity and
 * deciding whether a new value improves on the best so far.
 *
 * mode 'min' (losses): improved when current < best - minDelta.
 * mode 'max' (accuracies): improved when current > best + minDelta.
 * mode 'auto': 'max' when the name contains "acc", else 'min' (as Keras decides).
 */

import { ValueError } from '../errors.js';

export type MonitorMode = 'auto' | 'min' | 'max';

export class Monitor {
  readonly direction: 'min' | 'max';

  constructor(readonly name: string, mode: MonitorMode, readonly minDelta: number, where: string) {
    if (mode !== 'auto' && mode !== 'min' && mode !== 'max') throw new ValueError(`${where}: mode must be 'auto', 'min' or 'max', got '${mode}'`);
    if (!(minDelta >= 0)) throw new ValueError(`${where}: minDelta must be ≥ 0, got ${minDelta}`);
    this.direction = mode === 'auto' ? (name.includes('acc') ? 'max' : 'min') : mode;
  }

  /** The starting "best": +∞ when minimising, -∞ when maximising. */
  worst(): number {
    return this.direction === 'min' ? Infinity : -Infinity;
  }

  /** True when `current` beats `reference` by more than minDelta. */
  improves(current: number, reference: number): boolean {
    return this.direction === 'min' ? current < reference - this.minDelta : current > reference + this.minDelta;
  }
}
