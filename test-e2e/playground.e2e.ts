/**
 * The playground (web/), end to end: `npm run build:web` builds the static site, a plain
 * static server serves web/ so the site sits under a sub-path (/dist/), and headless
 * Chromium uses it as a student would: spirals, train, a repeat with the same seed, then the
 * digits, Stop, and on. Screenshots and the speed figures go to web/e2e-output/ (not committed;
 * web/README.md shows copies). Then the same models train in Node, through the same session
 * code, for the speed comparison that web/README.md reports (logged, never asserted).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import type { Browser, Download, Page } from 'playwright-core';
import * as nn from '../src/index.js';
import type { PlaygroundConfig } from '../web/app/config.js';
import { digitsData, planeData, readDigits, splitDigits, type DigitSplit } from '../web/app/data.js';
import { Session } from '../web/app/session.js';
import { launchChromium, openUntil, serveDirectory, type StaticServer } from './harness.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const web = join(root, 'web');
const output = join(web, 'e2e-output');
const require = createRequire(import.meta.url);

let server: StaticServer;
let browser: Browser;
let page: Page;
const errors: string[] = [];
/** Samples per second of whole runs, in the page and in Node, per model. */
const speeds: Record<string, { config: PlaygroundConfig; page: number[]; node: number[] }> = {};

const text = async (selector: string) => (await page.locator(selector).textContent()) ?? '';
const data = async (selector: string, key: string) => page.locator(selector).evaluate((e, k) => (e as HTMLElement).dataset[k] ?? '', key);

/** Waits until the page's status reads one of `states`. */
async function waitForStatus(states: string[], timeout = 90_000): Promise<string> {
  await page.waitForFunction((want) => want.includes(document.getElementById('status')?.textContent ?? '') || (document.getElementById('status')?.textContent ?? '').startsWith('error'), states, { timeout });
  const status = await text('#status');
  if (!states.includes(status)) throw new Error(`page status '${status}'; errors: ${errors.join('; ')}`);
  return status;
}

/** Waits until the curves show at least `epochs` epochs of the current run. */
async function waitForEpochsDrawn(epochs: number): Promise<void> {
  await page.waitForFunction((n) => Number(document.getElementById('loss-chart')?.dataset.epochs ?? 0) >= n, epochs, { timeout: 90_000 });
}

/** Reset, Train, wait until finished; the run's samples/s and its config. */
async function trainToEnd(): Promise<{ samplesPerSecond: number; config: PlaygroundConfig }> {
  await page.click('#reset');
  await waitForStatus(['ready']);
  await page.click('#train');
  await waitForStatus(['finished']);
  return {
    samplesPerSecond: Number(await data('#throughput', 'runSamplesPerSecond')),
    config: JSON.parse(await data('#main', 'config')) as PlaygroundConfig,
  };
}

beforeAll(async () => {
  execFileSync('npm', ['run', 'build:web'], { cwd: root, stdio: 'inherit' });
  mkdirSync(output, { recursive: true });
  server = await serveDirectory(web);
  browser = await launchChromium();
  page = await openUntil(browser, `${server.base}/dist/index.html`, 'ready', 60_000, errors);
  await page.setViewportSize({ width: 1280, height: 900 });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (Object.keys(speeds).length > 0) writeFileSync(join(output, 'speed.json'), `${JSON.stringify(speeds, null, 2)}\n`);
});

describe('the playground in Chromium', () => {
  it('serves every file from under the sub-path /dist/, the kernels and the worker included', () => {
    const fetched = server.requests.filter((p) => p !== '/dist/index.html');
    expect(fetched.length).toBeGreaterThan(3);
    expect(fetched.every((p) => p.startsWith('/dist/assets/')), fetched.join(', ')).toBe(true);
    expect(fetched.some((p) => /\/worker-.*\.js$/.test(p))).toBe(true);
    expect(fetched.filter((p) => p.endsWith('.wasm'))).toEqual([expect.stringMatching(/kernels-relaxed-.*\.wasm$/)]);
  });

  it('trains on spirals: epochs render, accuracy is above chance, the boundary is drawn', async () => {
    expect(await page.inputValue('#dataset')).toBe('spirals');
    await page.click('#train');
    await waitForEpochsDrawn(3);
    await waitForStatus(['finished']);
    const accuracy = Number(await data('#val-accuracy', 'value'));
    // Three classes: chance is 1/3. This seeded run ends near 0.78.
    expect(accuracy, await text('#val-accuracy')).toBeGreaterThan(0.6);
    expect(await text('#val-accuracy')).toMatch(/^\d+\.\d%$/);
    expect(await text('#backend')).toBe('backend: wasm, relaxed SIMD · 1 thread');
    expect(Number(await data('#throughput', 'samplesPerSecond'))).toBeGreaterThan(0);

    // The boundary canvas: mostly coloured, and each of the three classes owns part of the plane.
    const shares = await page.locator('#boundary').evaluate((canvas: HTMLCanvasElement) => {
      const { data: pixels } = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height) ?? { data: [] };
      const classes = [[0, 114, 178], [230, 159, 0], [0, 158, 115]];
      const counts = [0, 0, 0];
      let white = 0, total = 0;
      for (let i = 0; i < pixels.length; i += 4 * 13) {
        total++;
        const ink = [255 - pixels[i], 255 - pixels[i + 1], 255 - pixels[i + 2]];
        if (Math.max(...ink) < 12) { white++; continue; }
        // The class whose colour points the same way from white.
        const cosine = (c: number[]) => { const d = c.map((v) => 255 - v); return (ink[0] * d[0] + ink[1] * d[1] + ink[2] * d[2]) / Math.hypot(...d); };
        counts[[0, 1, 2].reduce((best, k) => (cosine(classes[k]) > cosine(classes[best]) ? k : best), 0)]++;
      }
      return { white: white / total, classes: counts.map((c) => c / total) };
    });
    expect(shares.white).toBeLessThan(0.2);
    for (const share of shares.classes) expect(share).toBeGreaterThan(0.1);
  });

  it('trains the same seed again to the same curve, and says so', async () => {
    const again = await trainToEnd();
    expect(await data('#repro', 'repeat')).toBe('same');
    expect(await text('#repro')).toMatch(/has the settings and seed of run \d+, and its first 200 epochs match it to the last bit/);
    expect(again.samplesPerSecond).toBeGreaterThan(0);
  });

  it('with 10% dropout in both layers, ends with a lower validation loss, drawn over the earlier runs', async () => {
    const withoutDropout = Number((await text('#val-loss')));
    for (const id of ['#dropout-1', '#dropout-2']) {
      await page.selectOption(id, '0.1');
      await waitForStatus(['ready']);
    }
    await page.click('#train');
    await waitForStatus(['finished']);
    const withDropout = Number(await text('#val-loss'));
    // This seeded run: about 0.90 against 1.46 without.
    expect(withDropout).toBeLessThan(withoutDropout);
    expect(await page.locator('#runs li.ghost').count()).toBe(2);
    expect(await page.locator('#runs li.now').textContent()).toContain('dropout 0.1/0.1');
    await page.screenshot({ path: join(output, 'spirals.png'), fullPage: true });
  });

  it('exports the trained model: model.json and weights.bin that wasmnn and TensorFlow.js load and that predict as the page reported', async () => {
    expect(await page.isEnabled('#export')).toBe(true);
    const downloads: Download[] = [];
    const both = new Promise<void>((resolve) => {
      const take = (download: Download) => {
        downloads.push(download);
        if (downloads.length === 2) { page.off('download', take); resolve(); }
      };
      page.on('download', take);
    });
    await page.click('#export');
    await both;
    const dir = join(output, 'export');
    mkdirSync(dir, { recursive: true });
    for (const download of downloads) await download.saveAs(join(dir, download.suggestedFilename()));
    expect(downloads.map((d) => d.suggestedFilename()).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest.map((group: { paths: string[] }) => group.paths)).toEqual([['weights.bin']]);

    // The run on screen: 2-64-64-3 with dropout 0.1 after each hidden layer, 200 epochs.
    const config = JSON.parse(await data('#main', 'config')) as PlaygroundConfig;
    expect([config.dataset, config.hidden, config.dropout, config.epochs]).toEqual(['spirals', [64, 64], [0.1, 0.1], 200]);
    await nn.ready();
    const model = await nn.loadModel(dir);
    expect(model.layers.map((l) => l.className)).toEqual(['Dense', 'Dropout', 'Dense', 'Dropout', 'Dense']);
    expect(model.getWeights().map((w) => w.shape)).toEqual([[2, 64], [64], [64, 64], [64], [64, 3], [3]]);
    expect(model.getWeights().every((w) => w.data.every(Number.isFinite))).toBe(true);
    expect(json.userDefinedMetadata.wasmnn).toEqual({ seed: config.seed, epoch: 199 });

    // Its validation accuracy and loss, as the page showed them after the last epoch.
    const { x, y, n } = planeData(config).validation;
    const predicted = model.predict(x);
    const probabilities = Float32Array.from(predicted.data);
    predicted.dispose();
    let correct = 0, loss = 0;
    for (let i = 0; i < n; i++) {
      const row = Array.from(probabilities.subarray(3 * i, 3 * i + 3));
      if (row.indexOf(Math.max(...row)) === y[i]) correct++;
      loss -= Math.log(row[y[i]]); // cross-entropy: -log p(true class)
    }
    expect(correct / n).toBe(Number(await data('#val-accuracy', 'value')));
    expect((loss / n).toPrecision(4)).toBe(await text('#val-loss'));
    model.dispose();

    // TensorFlow.js reads the same files and predicts the same probabilities.
    await tf.setBackend('cpu');
    const weights = readFileSync(join(dir, 'weights.bin'));
    const artifacts = await tf.io.getModelArtifactsForJSON(json, async (manifest) => [
      manifest[0].weights, weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    ]);
    const tfModel = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    expect(tfModel.layers).toHaveLength(5);
    const tfOutput = tfModel.predict(tf.tensor2d(x, [n, 2])) as tf.Tensor;
    const tfProbabilities = tfOutput.dataSync();
    tfOutput.dispose();
    let largest = 0;
    for (let i = 0; i < probabilities.length; i++) largest = Math.max(largest, Math.abs(tfProbabilities[i] - probabilities[i]));
    expect(largest).toBeLessThanOrEqual(1e-5);
  });

  it('switches to digits, trains an epoch, shows the grid with labels and mistakes; Stop stops within a second', async () => {
    await page.selectOption('#dataset', 'digits');
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready' && !document.getElementById('digits-card')?.hidden, null, { timeout: 60_000 });
    await page.click('#train');
    await waitForEpochsDrawn(1);
    const cells = page.locator('#digit-grid .digit');
    expect(await cells.count()).toBe(48);
    const captions = await page.locator('#digit-grid figcaption').allTextContents();
    expect(captions.every((c) => /^\d( \(is \d\))?$/.test(c)), captions.join(' ')).toBe(true);
    const mistakes = await page.locator('#digit-grid .digit.mistake').count();
    expect(mistakes).toBe(captions.filter((c) => c.includes('is')).length);
    expect(mistakes).toBeLessThan(24); // after one epoch on 2,000 digits most of 48 are right
    const testAccuracy = Number(/test accuracy ([\d.]+)%/.exec(await text('#digits-summary'))?.[1]);
    expect(testAccuracy).toBeGreaterThan(70);
    const confusion = await page.locator('#confusion td').allTextContents();
    expect(confusion).toHaveLength(100);
    expect(confusion.reduce((s, c) => s + Number(c || 0), 0)).toBe(1000);

    // Stop while an epoch is under way: the clock runs in the page, from the click to the status.
    expect(await text('#status')).toBe('training');
    const stopMs = await page.evaluate(() => new Promise<number>((resolve) => {
      const status = document.getElementById('status') as HTMLElement;
      const start = performance.now();
      new MutationObserver(() => { if (status.textContent === 'stopped') resolve(performance.now() - start); }).observe(status, { childList: true, characterData: true, subtree: true });
      (document.getElementById('stop') as HTMLButtonElement).click();
    }));
    expect(stopMs).toBeLessThan(1000);
    expect(await text('#ended')).toMatch(/^Stopped during epoch \d+\. Train continues this run/);
    const stoppedAt = Number(await data('#epoch', 'epoch'));
    expect(stoppedAt).toBeLessThan(20);
    console.log(`Stop: ${stopMs.toFixed(0)} ms from the click to 'stopped', during epoch ${stoppedAt + 1}`);

    // Train continues the run to the end.
    await page.click('#train');
    await waitForStatus(['finished']);
    expect(await data('#epoch', 'epoch')).toBe('20');
    await page.screenshot({ path: join(output, 'digits.png'), fullPage: true });
  });

  it('lays out in one column on a narrow screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const columns = await page.locator('main').evaluate((m) => getComputedStyle(m).gridTemplateColumns.split(' ').length);
    expect(columns).toBe(1);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(output, 'narrow.png') });
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});

describe('the digits asset', () => {
  it("holds the mnist package's 10,000 digits: labels by class, each pixel k with k/255 within rounding of the package's value", async () => {
    const { pixels, labels } = await readDigits(readFileSync(join(web, 'generated', 'digits-images.idx.gz')), readFileSync(join(web, 'generated', 'digits-labels.idx.gz')));
    expect(labels).toHaveLength(10_000);
    let row = 0;
    for (let digit = 0; digit < 10; digit++) {
      const values = (require(`mnist/src/digits/${digit}.json`) as { data: number[] }).data;
      const count = values.length / 784;
      expect(labels.subarray(row, row + count).every((l) => l === digit), `digit ${digit}`).toBe(true);
      let worst = 0;
      for (let i = 0; i < values.length; i++) worst = Math.max(worst, Math.abs(pixels[row * 784 + i] / 255 - values[i]));
      expect(worst).toBeLessThanOrEqual(0.0005 + 1e-12); // the package rounds k/255 to three decimals
      row += count;
    }
  });
});

describe('training speed, page against Node (logged for web/README.md)', () => {
  let split: DigitSplit;

  beforeAll(async () => {
    // Relaxed SIMD in Node too, as in Chromium, and as many threads as the page has: one here,
    // since the test's static server sends no COOP/COEP headers (the page is not cross-origin
    // isolated), so Node must not split its gemms either for the same work.
    const backend = (await page.textContent('#backend')) ?? '';
    const threads = Number(/(\d+) threads?/.exec(backend)?.[1]);
    expect(threads, backend).toBeGreaterThanOrEqual(1);
    await nn.ready({ threads });
    split = splitDigits(await readDigits(readFileSync(join(web, 'generated', 'digits-images.idx.gz')), readFileSync(join(web, 'generated', 'digits-labels.idx.gz'))));
  });

  async function inNode(config: PlaygroundConfig): Promise<number> {
    const session = new Session(config, config.dataset === 'digits' ? digitsData(config, split) : planeData(config));
    const result = await session.train({ epoch: () => {}, progress: () => {} });
    session.dispose();
    return result.samplesPerSecond;
  }

  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

  it('trains the same models at comparable speed (whole runs, alternating page and Node, medians of three)', async () => {
    for (const name of ['spirals', 'digits']) {
      await page.selectOption('#dataset', name);
      await page.waitForFunction((want) => JSON.parse(document.getElementById('main')?.dataset.config ?? '{}').dataset === want && document.getElementById('status')?.textContent === 'ready', name, { timeout: 60_000 });
      // One run on each side first, so both have their code optimized (V8 tiers up as it runs).
      const { config } = await trainToEnd();
      await inNode(config);
      const entry = { config, page: [] as number[], node: [] as number[] };
      for (let round = 0; round < 3; round++) {
        entry.page.push((await trainToEnd()).samplesPerSecond);
        entry.node.push(await inNode(config));
      }
      speeds[name] = entry;
      const ratio = median(entry.node) / median(entry.page), best = Math.max(...entry.node) / Math.max(...entry.page);
      console.log(`${name}: page ${entry.page.map(Math.round).join(', ')} samples/s; Node ${entry.node.map(Math.round).join(', ')}; Node/page: medians ${ratio.toFixed(2)}, best ${best.toFixed(2)}`);
      expect(Math.min(...entry.page, ...entry.node)).toBeGreaterThan(0);
    }
  });
});

describe('on a cross-origin isolated page', () => {
  it('trains digits with the threaded backend, to the very numbers of one thread in Node', async () => {
    const isolatedServer = await serveDirectory(web, true);
    const isolated = await openUntil(browser, `${isolatedServer.base}/dist/index.html`, 'ready', 60_000, errors);
    try {
      expect(await isolated.evaluate(() => window.crossOriginIsolated)).toBe(true);
      const threads = Math.min(4, await isolated.evaluate(() => navigator.hardwareConcurrency));
      expect(await isolated.locator('#backend').textContent()).toBe(`backend: wasm, relaxed SIMD · ${threads} thread${threads === 1 ? '' : 's'}`);
      await isolated.selectOption('#dataset', 'digits');
      await isolated.waitForFunction(() => JSON.parse(document.getElementById('main')?.dataset.config ?? '{}').dataset === 'digits' && document.getElementById('status')?.textContent === 'ready', null, { timeout: 60_000 });
      await isolated.click('#train');
      await isolated.waitForFunction(() => ['finished', 'stopped'].includes(document.getElementById('status')?.textContent ?? '') || (document.getElementById('status')?.textContent ?? '').startsWith('error'), null, { timeout: 120_000 });
      expect(await isolated.locator('#status').textContent()).toBe('finished');
      const config = JSON.parse((await isolated.locator('#main').getAttribute('data-config')) ?? '{}') as PlaygroundConfig;
      const shown = {
        loss: Number(await isolated.locator('#val-loss').getAttribute('data-value')),
        accuracy: Number(await isolated.locator('#val-accuracy').getAttribute('data-value')),
      };
      // The same run in Node on one thread: each element of a split product is computed by one
      // thread in the one-thread order, so the logged numbers agree to the last bit.
      await nn.ready({ threads: 1 });
      const split = splitDigits(await readDigits(readFileSync(join(web, 'generated', 'digits-images.idx.gz')), readFileSync(join(web, 'generated', 'digits-labels.idx.gz'))));
      const session = new Session(config, digitsData(config, split));
      let last: Record<string, number> = {};
      await session.train({ epoch: (_epoch, logs) => { last = logs as Record<string, number>; }, progress: () => {} });
      session.dispose();
      expect(shown).toEqual({ loss: last.val_loss, accuracy: last.val_accuracy });
      expect(shown.accuracy).toBeGreaterThan(0.8);
    } finally {
      await isolated.close();
      await isolatedServer.close();
    }
  });
});

describe('the console', () => {
  it('shows no errors, from the first load to the last run', () => {
    expect(errors).toEqual([]);
  });
});
