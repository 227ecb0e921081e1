/**
 * Synthetic data sets, seeded: the same options give the same data on every machine.
 *
 *   noise:    x ~ N(0, 1)^features, y ~ Uniform{0, …, classes-1}, drawn independently of x.
 *             There is nothing to learn, only to memorize: training accuracy rises while
 *             validation accuracy stays at chance, 1/classes.
 *   blobs:    class c is a Gaussian around the point at angle 2πc/k on the unit circle:
 *             x = (cos 2πc/k, sin 2πc/k) + noise·N(0, I₂)
 *   spirals:  class c is one arm of a spiral of 1.5 turns, t ~ Uniform[0, 1):
 *             r = t,  θ = 2πc/k + 3π·t,  x = r·(cos θ, sin θ) + noise·N(0, I₂)
 *
 * (k = classes.) blobs and spirals are two-dimensional, to be drawn; their labels go round the
 * classes (sample i has class i mod k), so each class has ⌊n/k⌋ or ⌈n/k⌉ samples and any
 * slice, such as the last one fit's validationSplit takes, holds every class.
 *
 * Each returns a Dataset, as loadMnist does: flat Float32Array rows x and Float32Array labels y.
 */

import { checkOptions } from '../options.js';
import { Random } from '../random.js';
import { requireInteger, requireNonNegative } from '../arguments.js';
import type { Dataset } from './dataset.js';

export interface NoiseOptions {
  /** Number of samples. */
  n: number;
  /** Inputs per sample (default 20). */
  features?: number;
  /** Number of classes, labels 0..classes-1 (default 10). */
  classes?: number;
  /** Seed (default 0). */
  seed?: number;
}

export interface PlaneOptions {
  /** Number of samples. */
  n: number;
  /** Number of classes (default 3). */
  classes?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate (blobs default 0.1, spirals 0.05). */
  noise?: number;
  /** Seed (default 0). */
  seed?: number;
}

/** Random normal inputs with random labels: a pure memorization task. */
export function noise(options: NoiseOptions): Dataset {
  checkOptions<NoiseOptions>('noise', options, { n: 'number', features: 'number', classes: 'number', seed: 'number' });
  const { n, features = 20, classes = 10, seed = 0 } = options;
  requireInteger('noise', 'n', n, 1);
  requireInteger('noise', 'features', features, 1);
  requireInteger('noise', 'classes', classes, 2);
  requireInteger('noise', 'seed', seed);
  const random = new Random(seed);
  const x = new Float32Array(n * features), y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < features; j++) x[i * features + j] = random.normal();
    y[i] = random.int(classes);
  }
  return { x, y, n, sampleShape: [features], numClasses: classes };
}

/** Gaussian blobs around points evenly spaced on the unit circle, one per class. */
export function blobs(options: PlaneOptions): Dataset {
  return plane('blobs', options, 0.1, (c, k) => {
    const angle = (2 * Math.PI * c) / k;
    return [Math.cos(angle), Math.sin(angle)];
  });
}

/** Interleaved spiral arms, one per class. */
export function spirals(options: PlaneOptions): Dataset {
  return plane('spirals', options, 0.05, (c, k, random) => {
    const t = random.next();
    const angle = (2 * Math.PI * c) / k + 3 * Math.PI * t;
    return [t * Math.cos(angle), t * Math.sin(angle)];
  });
}

/** n points in the plane: sample i of class i mod k at `point(c, k, random)`, plus noise·N(0, I₂). */
function plane(name: string, options: PlaneOptions, defaultNoise: number, point: (c: number, k: number, random: Random) => [number, number]): Dataset {
  checkOptions<PlaneOptions>(name, options, { n: 'number', classes: 'number', noise: 'number', seed: 'number' });
  const { n, classes = 3, noise = defaultNoise, seed = 0 } = options;
  requireInteger(name, 'n', n, 1);
  requireInteger(name, 'classes', classes, 2);
  requireNonNegative(name, 'noise', noise);
  requireInteger(name, 'seed', seed);
  const random = new Random(seed);
  const x = new Float32Array(2 * n), y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    const [px, py] = point(c, classes, random);
    x[2 * i] = px + noise * random.normal();
    x[2 * i + 1] = py + noise * random.normal();
    y[i] = c;
  }
  return { x, y, n, sampleShape: [2], numClasses: classes };
}
