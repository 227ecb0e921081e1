/**
 * k-means on the MNIST digits: unsupervised (no labels: find groups) beside supervised
 * (labels: learn a mapping). Read src/cluster/kmeans.ts first.
 *
 * 1. All 10,000 digits are clustered into k = 10 groups (best of 10 seeded starts). The
 *    labels are never shown to k-means; afterwards they measure how pure each cluster is:
 *    purity = (1/n)·Σ_clusters (count of the cluster's most common digit).
 * 2. The same digits, split 8,000 / 2,000. k-means on the 8,000 training digits becomes a
 *    classifier once each cluster is named after its most common training label; beside
 *    it, a small network (784-128-10) trained on the labels. Both are scored on the 2,000
 *    test digits.
 * 3. The elbow: inertia for k = 2..15. It always falls as k grows; where it stops falling
 *    fast is the usual hint for k. On digits there is no sharp elbow: the ten classes are
 *    not ten round blobs.
 * 4. The ten centroids drawn as 28×28 images, and the elbow chart, in
 *    report/examples/kmeans.svg.
 *
 * Against scikit-learn 1.2.1 (Debian's python3-sklearn; numpy 1.24, OpenBLAS 0.3.21), on the
 * same 10,000 digits (float32, pixel values in [0, 1]); measured 2026-12-01, Node 20, AMD EPYC:
 *   inertia, k = 10, 10 starts:
 *     ours, nInit 10, seed 0 (this study)                388,051.6
 *     ours, seeds 0..4                                   388,051.6 to 388,237.3
 *     sklearn KMeans(n_clusters=10, n_init=10),
 *       random_state 0..4                                388,052.9 to 388,333.4 (median 388,053.3)
 *   Each of our five results is within 0.08% of each of scikit-learn's (seed 0 is 0.0004%
 *   below its median); the issue asks for 1%.
 *   CPU time per Lloyd iteration, k = 10, one thread (bench/kmeans.ts; sklearn algorithm='lloyd',
 *   OMP_NUM_THREADS=1, timed the same way):
 *     ours 15.6 ms (relaxed SIMD), 17.4 ms (plain SIMD); sklearn 8.8 ms (bench/README.md).
 *   Per iteration we run two products of 10 × 784 × 10,000 (distances, then cluster sums) in
 *   128-bit WebAssembly SIMD; scikit-learn runs one (distances, OpenBLAS sgemm in 256-bit AVX2
 *   with FMA) and adds the rows to their cluster sums in a compiled loop.
 *
 *   npx tsx examples/kmeans.ts            (about a minute)
 *   npx tsx examples/kmeans.ts --quick
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as nn from '../src/index.js';
import { fixed, mlp, percent, print, runIfMain, table, useBackend, type StudyOptions } from './common.js';

export interface KMeansStudyOptions extends StudyOptions {
  /** Where the SVG goes (default report/examples/kmeans.svg); null writes none. */
  svgPath?: string | null;
}

export interface KMeansStudy {
  /** Digits clustered in part 1. */
  n: number;
  /** Part 1: inertia, iterations and purity of the k = 10 clustering. */
  inertia: number;
  iterations: number;
  converged: boolean;
  purity: number;
  /** The most common digit of each cluster, and its share of the cluster. */
  majority: { digit: number; share: number; size: number }[];
  /** Part 2: test accuracy of k-means with named clusters, and of the network. */
  clusterAccuracy: number;
  networkAccuracy: number;
  /** Part 3: inertia for each k. */
  elbow: { k: number; inertia: number }[];
  /** Where the SVG was written (null if it was not). */
  svgPath: string | null;
}

const DEFAULT_SVG = join(dirname(fileURLToPath(import.meta.url)), '..', 'report', 'examples', 'kmeans.svg');
const PIXELS = 28 * 28;

export async function run(options: KMeansStudyOptions = {}): Promise<KMeansStudy> {
  const quick = options.quick ?? false;
  await useBackend();
  const size = quick ? 1500 : 10_000;
  const nInit = quick ? 2 : 10;
  const seed = 0;

  // 1. All digits, k = 10, labels unseen.
  const { train: all } = await nn.data.loadMnist({ trainSize: size, testSize: 0, seed: 1 });
  const started = performance.now();
  const clustering = nn.cluster.kmeans(all.x, { k: 10, nInit, seed, shape: [all.n, PIXELS] });
  const seconds = (performance.now() - started) / 1000;
  const centroids = clustering.centroids.data.slice();
  clustering.centroids.dispose();
  const majority = majorityDigits(clustering.labels, all.y, 10);
  const purity = majority.reduce((s, m) => s + m.share * m.size, 0) / all.n;
  print(options, [
    `k-means on ${all.n} MNIST digits (784 pixels each), k = 10, best of ${nInit} k-means++ starts:`,
    `inertia ${fixed(clustering.inertia, 1)} after ${clustering.iterations} iterations (${clustering.converged ? 'converged' : 'not converged'}), ${seconds.toFixed(1)} s in all.`,
    '',
    'The clusters, by size, with the true digit most of their members are (never shown to k-means):',
  ]);
  const order = majority.map((_, j) => j).sort((a, b) => majority[b].size - majority[a].size);
  print(options, table(['cluster', 'digits', 'most are', 'share'], order.map((j) => [String(j), String(majority[j].size), String(majority[j].digit), percent(majority[j].share)])));
  const missing = Array.from({ length: 10 }, (_, d) => d).filter((d) => !majority.some((m) => m.digit === d));
  print(options, [
    `Purity ${percent(purity)}: that share of the digits sit in a cluster whose majority is their own digit.`,
    missing.length > 0 ? `No cluster has a majority of ${missing.join(', ')}: ${missing.length === 1 ? 'that digit is' : 'those digits are'} split between clusters of look-alikes.` : 'Every digit leads some cluster.',
    '',
  ]);

  // 2. A train/test split: clusters named by their training labels, against a network.
  const split = await nn.data.loadMnist({ trainSize: quick ? 1200 : 8000, testSize: quick ? 300 : 2000, seed: 1 });
  const { train, test } = split;
  const named = nn.cluster.kmeans(train.x, { k: 10, nInit, seed, shape: [train.n, PIXELS] });
  named.centroids.dispose();
  const names = majorityDigits(named.labels, train.y, 10).map((m) => m.digit);
  const predicted = named.predict(test.x);
  let correct = 0;
  for (let i = 0; i < test.n; i++) if (names[predicted[i]] === test.y[i]) correct++;
  const clusterAccuracy = correct / test.n;
  const model = mlp({ hidden: [quick ? 32 : 128], optimizer: nn.optimizers.adam({ learningRate: 1e-3 }) });
  await model.fit(train.x, train.y, { epochs: quick ? 2 : 5, batchSize: 32, verbose: 0 });
  const networkAccuracy = model.evaluate(test.x, test.y).accuracy;
  model.dispose();
  print(options, [`The same digits split ${train.n} / ${test.n}; accuracy on the ${test.n} test digits:`]);
  print(options, table(['model', 'sees labels', 'test accuracy'], [
    ['k-means, k = 10, clusters named by their training majority', 'only to name clusters', percent(clusterAccuracy)],
    [`network 784-${quick ? 32 : 128}-10, Adam, ${quick ? 2 : 5} epochs`, 'yes, to learn', percent(networkAccuracy)],
  ]));
  print(options, '');

  // 3. The elbow.
  const ks = Array.from({ length: quick ? 5 : 14 }, (_, i) => i + 2);
  const elbow = ks.map((k) => {
    const r = nn.cluster.kmeans(all.x, { k, nInit: quick ? 1 : 3, seed, shape: [all.n, PIXELS] });
    r.centroids.dispose();
    return { k, inertia: r.inertia };
  });
  print(options, [`Inertia against k (${all.n} digits, best of ${quick ? 1 : 3} starts each):`]);
  print(options, table(['k', 'inertia', 'drop from k-1'], elbow.map((e, i) => [
    String(e.k), fixed(e.inertia, 0), i === 0 ? '' : percent(1 - e.inertia / elbow[i - 1].inertia),
  ])));

  // 4. The picture.
  const svgPath = options.svgPath === undefined ? DEFAULT_SVG : options.svgPath;
  if (svgPath !== null) {
    const captions = majority.map((m) => `${m.digit} · ${percent(m.share)}`);
    mkdirSync(dirname(svgPath), { recursive: true });
    writeFileSync(svgPath, kmeansSvg(centroids, captions, order, elbow));
    print(options, ['', `Centroids and elbow chart written to ${svgPath}`]);
  }

  return {
    n: all.n, inertia: clustering.inertia, iterations: clustering.iterations, converged: clustering.converged,
    purity, majority, clusterAccuracy, networkAccuracy, elbow, svgPath,
  };
}

/** For each cluster: its size, its most common label and that label's share of it. */
function majorityDigits(labels: Int32Array, truth: Float32Array, k: number): { digit: number; share: number; size: number }[] {
  const counts = Array.from({ length: k }, () => new Array<number>(10).fill(0));
  for (const [i, cluster] of labels.entries()) counts[cluster][truth[i]]++;
  return counts.map((c) => {
    const size = c.reduce((a, b) => a + b, 0);
    const digit = c.indexOf(Math.max(...c));
    return { digit, share: size === 0 ? 0 : c[digit] / size, size };
  });
}

/**
 * The report picture as one hand-made SVG: the centroids as 28×28 grey images (ink dark),
 * in `order`, each captioned, and the elbow chart (inertia against k) beside them.
 * (To be replaced by the src/viz chart helpers once they land.)
 */
export function kmeansSvg(centroids: Float32Array, captions: string[], order: number[], elbow: { k: number; inertia: number }[]): string {
  const scale = 3, cell = 28 * scale, gap = 14, captionHeight = 16, columns = 5;
  const parts: string[] = [];
  const text = (x: number, y: number, s: string, attributes = ''): string =>
    `<text x="${x}" y="${y}" ${attributes}>${s.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</text>`;
  parts.push(text(10, 22, 'k-means centroids of the MNIST digits (caption: majority digit · its share)', 'font-size="14" font-weight="bold"'));

  // Centroid images: each row of pixels drawn as runs of equal grey (32 levels).
  order.forEach((j, slot) => {
    const left = 10 + (slot % columns) * (cell + gap);
    const top = 36 + Math.floor(slot / columns) * (cell + gap + captionHeight);
    parts.push(`<g transform="translate(${left},${top}) scale(${scale})"><rect width="28" height="28" fill="#fff" stroke="#ccc" stroke-width="0.3"/>`);
    for (let row = 0; row < 28; row++) {
      let start = 0;
      const level = (col: number): number => Math.round(31 * Math.min(1, Math.max(0, centroids[j * PIXELS + row * 28 + col])));
      for (let col = 1; col <= 28; col++) {
        if (col < 28 && level(col) === level(start)) continue;
        const l = level(start);
        if (l > 0) {
          const grey = Math.round(255 * (1 - l / 31));
          parts.push(`<rect x="${start}" y="${row}" width="${col - start}" height="1" fill="rgb(${grey},${grey},${grey})"/>`);
        }
        start = col;
      }
    }
    parts.push('</g>');
    parts.push(text(left + cell / 2, top + cell + 13, captions[j], 'font-size="12" text-anchor="middle"'));
  });

  // Elbow chart.
  const chartLeft = 10 + columns * (cell + gap) + 70, chartTop = 50, width = 300, height = 200;
  const kMin = elbow[0].k, kMax = elbow[elbow.length - 1].k;
  const values = elbow.map((e) => e.inertia);
  const [yMin, yMax, yStep] = niceRange(Math.min(...values), Math.max(...values));
  const px = (k: number): number => chartLeft + ((k - kMin) / Math.max(1, kMax - kMin)) * width;
  const py = (v: number): number => chartTop + height - ((v - yMin) / (yMax - yMin)) * height;
  parts.push(text(chartLeft, chartTop - 14, 'Elbow: inertia against k', 'font-size="13" font-weight="bold"'));
  parts.push(`<rect x="${chartLeft}" y="${chartTop}" width="${width}" height="${height}" fill="none" stroke="#999"/>`);
  for (let v = yMin; v <= yMax + yStep / 2; v += yStep) {
    parts.push(`<line x1="${chartLeft - 4}" x2="${chartLeft + width}" y1="${py(v)}" y2="${py(v)}" stroke="#eee"/>`);
    parts.push(text(chartLeft - 6, py(v) + 4, formatThousands(v), 'font-size="10" text-anchor="end"'));
  }
  for (const { k } of elbow) {
    parts.push(`<line x1="${px(k)}" x2="${px(k)}" y1="${chartTop + height}" y2="${chartTop + height + 4}" stroke="#999"/>`);
    parts.push(text(px(k), chartTop + height + 16, String(k), 'font-size="10" text-anchor="middle"'));
  }
  parts.push(`<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="${elbow.map((e) => `${px(e.k).toFixed(1)},${py(e.inertia).toFixed(1)}`).join(' ')}"/>`);
  for (const e of elbow) {
    parts.push(`<circle cx="${px(e.k).toFixed(1)}" cy="${py(e.inertia).toFixed(1)}" r="${e.k === 10 ? 5 : 3}" fill="${e.k === 10 ? '#d62728' : '#1f77b4'}"/>`);
  }
  const xTitle = elbow.some((e) => e.k === 10) ? 'k (number of clusters; k = 10 in red)' : 'k (number of clusters)';
  parts.push(text(chartLeft + width / 2, chartTop + height + 34, xTitle, 'font-size="11" text-anchor="middle"'));
  parts.push(text(chartLeft - 50, chartTop + height / 2, 'inertia', `font-size="11" text-anchor="middle" transform="rotate(-90 ${chartLeft - 50} ${chartTop + height / 2})"`));

  const totalWidth = chartLeft + width + 20;
  const totalHeight = Math.max(36 + 2 * (cell + gap + captionHeight), chartTop + height + 50);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${totalWidth}" height="${totalHeight}" viewBox="0 0 ${totalWidth} ${totalHeight}" font-family="sans-serif">\n` +
    `<rect width="100%" height="100%" fill="#fff"/>\n${parts.join('\n')}\n</svg>\n`;
}

/** [low, high, step]: [min, max] widened to multiples of a round step (1, 2 or 5 × a power of ten), 3 to 8 steps. */
function niceRange(min: number, max: number): [number, number, number] {
  const span = max - min || Math.abs(max) || 1;
  const power = 10 ** Math.floor(Math.log10(span / 4));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => span / s <= 6) ?? 10 * power;
  return [Math.floor(min / step) * step, Math.ceil(max / step) * step, step];
}

/** 388052.9 -> '388,053'. */
function formatThousands(v: number): string {
  return Math.round(v).toLocaleString('en-US');
}

runIfMain(import.meta.url, run);
