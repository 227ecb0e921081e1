/**
 * The study's report as a person sees it: `npm start` with small settings (all seven
 * variants, so the page has its full layout), then report/index.html opened from disk in
 * headless Chromium with the network cut off. The page must fetch nothing, raise no error,
 * fit its width, and show each chart at a readable size with its axis titles, legend and
 * caption; then a full-page screenshot is taken (left beside the report, for a person to
 * look at).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../examples/study.js';
import { openFile, screenshot, type OpenedPage } from './screenshot.js';

const out = mkdtempSync(join(tmpdir(), 'wasmnn-report-e2e-'));
let opened: OpenedPage;

beforeAll(async () => {
  const code = await main(['--train-size', '200', '--epochs', '3', '--out', out], { log: () => {}, error: (line) => console.error(line), progress: false });
  expect(code).toBe(0);
  opened = await openFile(join(out, 'index.html'));
}, 180_000);

afterAll(async () => {
  await opened?.browser.close();
});

describe('report/index.html in Chromium', () => {
  it('loads from disk with no request outside the file and no error', () => {
    expect(opened.blocked).toEqual([]);
    expect(opened.errors).toEqual([]);
  });

  it('fits the window: nothing wider than the page', async () => {
    const widths = await opened.page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      window: window.innerWidth,
      main: document.querySelector('main')!.getBoundingClientRect().right,
      widest: Math.max(...[...document.querySelectorAll('main svg, main table')].map((e) => e.getBoundingClientRect().right)),
    }));
    expect(widths.page).toBeLessThanOrEqual(widths.window);
    expect(widths.widest).toBeLessThanOrEqual(widths.main);
  });

  it('shows the four charts at a readable size, each with its heading, axis titles and caption', async () => {
    const figures = await opened.page.evaluate(() => [...document.querySelectorAll('figure')].map((figure) => {
      const svg = figure.querySelector('svg')!.getBoundingClientRect();
      const texts = [...figure.querySelectorAll('svg text')].filter((t) => {
        const box = t.getBoundingClientRect();
        return box.width > 0 && box.height > 0; // drawn, not hidden
      }).map((t) => t.textContent);
      return { id: figure.id, heading: figure.querySelector('h2')?.textContent, caption: figure.querySelector('figcaption')?.textContent ?? '', width: svg.width, height: svg.height, texts };
    }));
    expect(figures.map((f) => f.id)).toEqual(['accuracy', 'loss', 'gap', 'weights']);
    const titles: Record<string, string[]> = {
      accuracy: ['epoch', 'accuracy', 'train', 'validation', 'none', 'early-stopping'],
      loss: ['epoch', 'cross-entropy', 'train', 'validation', 'combined'],
      gap: ['epoch', 'train − validation accuracy', 'no gap', 'none', 'dropout', 'l2', 'l1', 'batch-norm', 'combined', 'early-stopping'],
      weights: ['weight', 'share of weights', 'none', 'l1', 'l2'],
    };
    for (const f of figures) {
      expect(f.heading, f.id).toBeTruthy();
      expect(f.caption.length, f.id).toBeGreaterThan(40);
      expect(f.width, f.id).toBeGreaterThan(500);
      expect(f.height, f.id).toBeGreaterThan(200);
      for (const t of titles[f.id]) expect(f.texts, `${f.id}: '${t}'`).toContain(t);
    }
  });

  it('shows the table (a row per variant) and the verdicts', async () => {
    const { rows, verdicts } = await opened.page.evaluate(() => ({
      rows: [...document.querySelectorAll('tbody tr')].map((tr) => tr.querySelector('td')!.textContent),
      verdicts: [...document.querySelectorAll('.verdicts li')].map((li) => li.textContent ?? ''),
    }));
    expect(rows).toEqual(['none', 'dropout', 'l2', 'l1', 'batch-norm', 'combined', 'early-stopping']);
    expect(verdicts).toHaveLength(6);
    for (const v of verdicts) expect(v).toMatch(/^[\w-]+: (Helps\.|Hurts on this data\.|No measurable help on this data\.) /);
  });

  it('takes a full-page screenshot', async () => {
    const path = join(out, 'screenshot.png');
    await screenshot(opened.page, path);
    const png = readFileSync(path);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const height = png.readUInt32BE(20); // IHDR: width at byte 16, height at 20
    expect(png.readUInt32BE(16)).toBe(1200);
    expect(height).toBeGreaterThan(2500); // the whole page, not the window
    console.log(`report screenshot: ${path}`);
  });
});
