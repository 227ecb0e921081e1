/**
 * End to end in a real browser: the compiled ES modules (dist/, no bundler) load the .wasm
 * kernels in headless Chromium, train a seeded model there, and must reach bit-identical
 * weights to the same run in Node (plain SIMD build on both sides). Needs Debian's chromium
 * (`apt-get install chromium`); run with `npm run test:e2e`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openUntil, serveDirectory, type StaticServer } from './harness.js';
import * as nn from '../src/index.js';
// @ts-expect-error: plain JavaScript shared with the page
import { runScenario, runThreadedScenario } from '../web/e2e/scenario.js';
import { gzip, writeIdx } from '../test/helpers/idx.js';

const root = fileURLToPath(new URL('..', import.meta.url));

interface ScenarioResult {
  info: { name: string; relaxed: boolean };
  loss: number[];
  valAccuracy: number[];
  weights: number[][];
}

let server: StaticServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  execFileSync(process.execPath, [join(root, 'scripts/build-js.mjs')], { cwd: root, stdio: 'inherit' });
  server = await serveDirectory(root);
  browser = await launchChromium();
  page = await openUntil(browser, `${server.base}/web/e2e/index.html`, 'ready', 30_000);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('wasmnn in Chromium', () => {
  it('trains a seeded model to the same weights, bit for bit, as Node (plain SIMD build)', async () => {
    const inBrowser = (await page.evaluate((relaxed) => (window as unknown as { runScenario(r: boolean): Promise<unknown> }).runScenario(relaxed), false)) as ScenarioResult;
    const inNode = (await runScenario(nn, false)) as ScenarioResult;
    expect(inBrowser.info).toEqual({ name: 'wasm', relaxed: false, threads: 1 }); // not cross-origin isolated: one thread
    expect(inBrowser.loss).toEqual(inNode.loss);
    expect(inBrowser.weights).toEqual(inNode.weights);
    expect(inBrowser.loss[4]).toBeLessThan(inBrowser.loss[0]);
  });

  it('loads a model saved by Node from its URL, fetching weights.bin beside it, and predicts bit for bit the same', async () => {
    await nn.setBackend('wasm', { relaxed: false });
    const model = nn.sequential([
      nn.layers.dense({ units: 16, activation: 'relu', inputShape: [3] }),
      nn.layers.batchNormalization({ momentum: 0.9 }),
      nn.layers.dense({ units: 2, activation: 'softmax' }),
    ], { seed: 77 });
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    const x = Array.from({ length: 32 }, (_, i) => [Math.sin(i), Math.cos(3 * i), (i % 5) / 5]);
    await model.fit(x, x.map((row) => (row[0] > 0 ? 1 : 0)), { epochs: 2, batchSize: 8, verbose: 0 });
    await model.save(join(root, 'dist', 'e2e-model')); // served by the test server, under dist/
    const inNode = Array.from(model.predict(x).data);
    // A string, so that vitest leaves the page's dynamic import alone.
    const inBrowser = await page.evaluate(`(async () => {
      const web = await import('/dist/src/index.js');
      await web.setBackend('wasm', { relaxed: false });
      const loaded = await web.loadModel('/dist/e2e-model/model.json');
      return Array.from(loaded.predict(${JSON.stringify(x)}).data);
    })()`);
    expect(inBrowser).toEqual(inNode);
  });

  it('loads the relaxed-SIMD (FMA) build where the browser has it, and trains to within rounding of Node', async () => {
    const inBrowser = (await page.evaluate((relaxed) => (window as unknown as { runScenario(r: boolean): Promise<unknown> }).runScenario(relaxed), true)) as ScenarioResult;
    const inNode = (await runScenario(nn, false)) as ScenarioResult;
    expect(inBrowser.info.name).toBe('wasm');
    expect(inBrowser.info.relaxed).toBe(true);
    const worst = Math.max(...inBrowser.weights.flatMap((w, i) => w.map((v, j) => Math.abs(v - inNode.weights[i][j]))));
    expect(worst).toBeLessThan(1e-3);
  });

  it('on a cross-origin isolated page, splits big gemms over 2 threads (Web Workers) and gives the bits of one thread in Node', async () => {
    const isolatedServer = await serveDirectory(root, true);
    try {
      const isolated = await openUntil(browser, `${isolatedServer.base}/web/e2e/index.html`, 'ready', 30_000);
      expect(await isolated.evaluate(() => window.crossOriginIsolated)).toBe(true);
      const inBrowser = (await isolated.evaluate((threads) => (window as unknown as { runThreadedScenario(t: number): Promise<unknown> }).runThreadedScenario(threads), 2)) as { info: unknown; outputs: number[] };
      const inNode = (await runThreadedScenario(nn, 1)) as { info: unknown; outputs: number[] };
      expect(inBrowser.info).toEqual({ name: 'wasm', relaxed: false, threads: 2 });
      expect(inBrowser.outputs).toEqual(inNode.outputs);
      await isolated.close();
    } finally {
      await isolatedServer.close();
    }
  });

  it('reads a gzip IDX file with DecompressionStream as Node reads it with node:zlib, and rejects a truncated one', async () => {
    const packed = gzip(writeIdx('int16', [3, 100], Array.from({ length: 300 }, (_, i) => (i * 377) % 65536 - 32768)));
    // A string, so that vitest leaves the page's dynamic import alone.
    const inBrowser = (await page.evaluate(`(async (bytes) => {
      const { data: { readIdx } } = await import('/dist/src/index.js');
      const { shape, data } = await readIdx(new Uint8Array(bytes));
      const error = await readIdx(new Uint8Array(bytes.slice(0, bytes.length - 8))).then(() => '', (e) => e.name + ': ' + e.message);
      return { shape, data: Array.from(data), type: data.constructor.name, error };
    })(${JSON.stringify(Array.from(packed))})`)) as { shape: number[]; data: number[]; type: string; error: string };
    const inNode = await nn.data.readIdx(packed);
    expect(inBrowser.shape).toEqual([3, 100]);
    expect(inBrowser.type).toBe('Int16Array');
    expect(inBrowser.data).toEqual(Array.from(inNode.data));
    expect(inBrowser.error).toMatch(/^DataError: readIdx: the gzip data is corrupt or truncated/);
  });
});
