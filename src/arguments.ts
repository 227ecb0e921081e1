/**
 * Checks for numeric hyperparameters (learning rates, momenta, penalty factors). Each throws
 * a ValueError naming where the value was given, the argument, what was expected and what
 * was found: `adam: beta1 must be in [0, 1), got 1`.
 */

import { ValueError } from './errors.js';

/** Throws unless `value` is a finite number. */
export function requireFinite(where: string, name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValueError(`${where}: ${name} must be a finite number, got ${String(value)}`);
  }
}

/** Throws unless 0 ≤ value < 1 (momentum, beta1, beta2, rho). */
export function requireUnitInterval(where: string, name: string, value: number): void {
  requireFinite(where, name, value);
  if (!(value >= 0 && value < 1)) throw new ValueError(`${where}: ${name} must be in [0, 1), got ${value}`);
}

/** Throws unless value ≥ 0 (epsilon, weightDecay, penalty factors). */
export function requireNonNegative(where: string, name: string, value: number): void {
  requireFinite(where, name, value);
  if (!(value >= 0)) throw new ValueError(`${where}: ${name} must be ≥ 0, got ${value}`);
}

/** Throws unless `value` is an integer in [min, max] (epochs ≥ 0, batchSize ≥ 1, sample counts, seeds). */
export function requireInteger(where: string, name: string, value: number, min = -Infinity, max = Infinity): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max < Infinity ? ` in [${min}, ${max}]` : min > -Infinity ? ` ≥ ${min}` : '';
    const expected = min === 1 && max === Infinity ? 'a positive integer' : `an integer${range}`;
    throw new ValueError(`${where}: ${name} must be ${expected}, got ${String(value)}`);
  }
}

/** Throws unless value > 0 (epsilon, factors that divide). */
export function requirePositive(where: string, name: string, value: number): void {
  requireFinite(where, name, value);
  if (!(value > 0)) throw new ValueError(`${where}: ${name} must be > 0, got ${value}`);
}
