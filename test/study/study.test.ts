/**
 * A smoke run of the study with tiny settings (100 training images, 2 epochs, 3 variants,
 * the report in a temporary folder): the table it prints and the table in the report hold
 * the same cells, the numbers in them agree with each other, and the report holds the
 * charts and the command that reproduces the run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../examples/study.js';
import { TABLE_HEADER } from '../../examples/study/summary.js';

const out = mkdtempSync(join(tmpdir(), 'wasmnn-study-'));
const lines: string[] = [];
const errors: string[] = [];
let code = -1;
let html = '';

beforeAll(async () => {
  code = await main(['--train-size', '100', '--epochs', '2', '--variants', 'none,dropout,l1', '--out', out], {
    log: (line) => lines.push(line), error: (line) => errors.push(line), progress: false,
  });
  html = readFileSync(join(out, 'index.html'), 'utf8');
}, 120_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

/** The printed table: the rows under the header and its rule, cells split on runs of 2+ spaces. */
function printedRows(): string[][] {
  const start = lines.findIndex((l) => l.startsWith('variant '));
  expect(start, 'table header printed').toBeGreaterThanOrEqual(0);
  expect(lines[start].split(/\s{2,}/)).toEqual(TABLE_HEADER);
  const rows: string[][] = [];
  for (let i = start + 2; i < lines.length && lines[i].trim() !== ''; i++) rows.push(lines[i].trim().split(/\s{2,}/));
  return rows;
}

/** The report's table body: cell texts per row (HTML entities decoded, swatches dropped). */
function reportRows(): string[][] {
  const body = html.match(/<tbody>([\s\S]*?)<\/tbody>/)![1];
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1].matchAll(/<td>([\s\S]*?)<\/td>/g)].map((cell) => cell[1].replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')));
}

const pct = (cell: string): number => Number(cell.replace(/%.*$/, ''));

describe('npm start, tiny settings', () => {
  it('exits 0, shows which variant it is on, and says where the report is', () => {
    expect(errors).toEqual([]);
    expect(code).toBe(0);
    expect(lines.filter((l) => /^\[\d\/3\] /.test(l)).map((l) => l.slice(0, 5))).toEqual(['[1/3]', '[2/3]', '[3/3]']);
    expect(lines.at(-1)).toBe(`Report: ${join(out, 'index.html')}`);
  });

  it('the printed table and the report\'s table hold the same cells', () => {
    const printed = printedRows();
    expect(printed.map((r) => r[0])).toEqual(['none', 'dropout', 'l1']);
    expect(reportRows()).toEqual(printed);
    const head = [...html.matchAll(/<th>([^<]*)<\/th>/g)].map((m) => m[1].replace(/&lt;/g, '<'));
    expect(head).toEqual(TABLE_HEADER);
  });

  it('the numbers agree: gap = train − final validation; best ≥ final validation; 2 epochs; L1 zeroes more weights', () => {
    for (const [name, train, best, finalVal, gap, test, epochs, time, nearZero] of printedRows()) {
      for (const cell of [train, best, finalVal, test, nearZero]) expect(pct(cell), `${name}: ${cell}`).toBeGreaterThanOrEqual(0);
      expect(pct(train)).toBeLessThanOrEqual(100);
      expect(Math.abs(pct(train) - pct(finalVal) - Number(gap.replace(' pts', ''))), `${name}: gap`).toBeLessThanOrEqual(0.11);
      expect(pct(best)).toBeGreaterThanOrEqual(pct(finalVal));
      expect(best).toMatch(/^\d+\.\d% \([12]\)$/);
      expect(pct(test)).toBeGreaterThan(30); // far above chance (10%) even after 2 epochs on 100 images
      expect(epochs).toBe('2');
      expect(time).toMatch(/^\d+\.\d s$/);
    }
    const near = Object.fromEntries(printedRows().map((r) => [r[0], pct(r[8])]));
    expect(near.l1).toBeGreaterThan(near.none);
  });

  it('the verdicts printed are the verdicts in the report', () => {
    const verdicts = lines.filter((l) => /^- (dropout|l1): /.test(l));
    expect(verdicts).toHaveLength(2);
    for (const line of verdicts) {
      const text = line.replace(/^- [\w-]+: [a-z ]+\. /, '');
      expect(html).toContain(text);
    }
    const baseline = lines.find((l) => l.startsWith('Without regularization'))!;
    expect(html).toContain(baseline);
    const lead = lines.find((l) => l.startsWith('Against the baseline'))!;
    expect(lead).toMatch(/test images: \d techniques? helps?, \d makes? no measurable difference, \d hurts?\./);
    expect(html).toContain(lead);
  });

  it('the report holds the charts: inline SVG with axis titles, panels per variant, unique ids', () => {
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs).toHaveLength(4);
    for (const id of ['accuracy', 'loss', 'gap', 'weights']) expect(html).toContain(`<figure id="${id}">`);
    const texts = new Set([...html.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]));
    for (const t of ['epoch', 'accuracy', 'cross-entropy', 'train − validation accuracy', 'share of weights', 'weight', 'train', 'validation', 'none', 'dropout', 'l1', 'no gap']) {
      expect(texts.has(t), `axis or legend text '${t}'`).toBe(true);
    }
    const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('is self-contained (no script, nothing fetched) and says how to run it again', () => {
    expect(html).not.toMatch(/<script|<link|<img|<iframe|src=|href="http|url\(http/i);
    expect(html).toContain(`npm start -- --dataset mnist --epochs 2 --train-size 100 --seed 1 --backend wasm --variants none,dropout,l1 --out ${out}`);
    expect(html).toContain('wasm (plain SIMD');
  });
});
