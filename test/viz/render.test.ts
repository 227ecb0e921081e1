/**
 * Rendering: each helper's spec, compiled by vega-lite and drawn by vega in Node, gives a
 * self-contained SVG with its axis titles, legend entries and one mark per series.
 * Also: the core library's import graph stays free of the charts (and of vega), so it
 * keeps loading in a browser with no bundler.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gapChart, lineChart, renderSvg, trainValidationCurves, weightHistograms } from '../../src/viz/index.js';

/** The text of every <text> element. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

/** Line marks: one <path> per series in a 'mark-line' group. */
function lineCount(svg: string): number {
  return [...svg.matchAll(/<g class="mark-line role-mark[^"]*"[^>]*>(.*?)<\/g>/g)].reduce((n, m) => n + (m[1].match(/<path/g)?.length ?? 0), 0);
}

function expectSelfContained(svg: string): void {
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  expect(svg).not.toMatch(/<script|<image|<foreignObject|href="http/);
}

describe('renderSvg', () => {
  it('lineChart: axis titles, a legend entry and a line per series, the rule label, round log ticks', async () => {
    const svg = await renderSvg(lineChart({
      title: 'Loss', xTitle: 'epoch', yTitle: 'loss (log scale)', yScale: 'log', xIntegers: true,
      series: [{ name: 'training loss', x: [1, 2, 3], y: [1, 0.1, 0.01] }, { name: 'validation loss', x: [1, 2, 3], y: [1.1, 0.5, 0.6] }],
      rules: [{ x: 2, label: 'lowest validation loss' }],
    }), { idPrefix: 'loss' });
    expectSelfContained(svg);
    const labels = texts(svg);
    for (const t of ['Loss', 'epoch', 'loss (log scale)', 'training loss', 'validation loss', 'lowest validation loss']) expect(labels).toContain(t);
    expect(labels).toEqual(expect.arrayContaining(['0.01', '0.1', '1']));
    expect(labels).not.toContain('1.5'); // integer epochs only
    expect(lineCount(svg)).toBe(2);
  });

  it('trainValidationCurves: a panel per run with its name, the train/validation legend, percent ticks', async () => {
    const runs = ['none', 'dropout', 'l2'].map((name, i) => ({ name, train: [0.8, 0.95, 1], validation: [0.75, 0.85 + i / 100, 0.86] }));
    const svg = await renderSvg(trainValidationCurves({ metric: 'accuracy', runs }), { idPrefix: 'accuracy' });
    expectSelfContained(svg);
    const labels = texts(svg);
    for (const t of ['none', 'dropout', 'l2', 'train', 'validation', 'epoch', 'accuracy', '80%']) expect(labels).toContain(t);
    expect(lineCount(svg)).toBe(2 * runs.length);
    // ids made unique per chart: two charts in one page must not share a clip path.
    for (const id of svg.matchAll(/\bid="([^"]+)"/g)) expect(id[1].startsWith('accuracy-')).toBe(true);
  });

  it('gapChart: the y title, a zero line labelled "no gap"', async () => {
    const svg = await renderSvg(gapChart({ runs: [{ name: 'none', train: [0.9, 1], validation: [0.85, 0.9] }] }));
    const labels = texts(svg);
    for (const t of ['train − validation accuracy', 'no gap', 'epoch']) expect(labels).toContain(t);
  });

  it('weightHistograms: a panel per run, its share axis, and as many bars as bins in each', async () => {
    const values = Float32Array.from({ length: 500 }, (_, i) => Math.sin(i) / 10);
    const svg = await renderSvg(weightHistograms({ bins: 21, runs: [{ name: 'none', values }, { name: 'l1', values: values.map((v) => v / 10) }] }));
    expectSelfContained(svg);
    const labels = texts(svg);
    for (const t of ['none', 'l1', 'weight', 'share of weights']) expect(labels).toContain(t);
    const bars = [...svg.matchAll(/<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)<\/g>/g)].map((m) => m[1].match(/<path/g)?.length ?? 0);
    expect(bars).toEqual([21, 21]);
  });
});

describe('the core library stays free of the charts', () => {
  it('nothing that src/index.ts imports, directly or not, is under src/viz or imports vega', () => {
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      for (const [, spec] of source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/g)) {
        expect(spec, `${file} imports ${spec}`).not.toMatch(/^vega/);
        if (spec.startsWith('.')) visit(join(dirname(file), spec.replace(/\.js$/, '.ts')));
      }
    };
    visit(join(root, 'index.ts'));
    expect(seen.size).toBeGreaterThan(20);
    for (const file of seen) expect(file.includes(`${join('src', 'viz')}`), file).toBe(false);
  });
});
