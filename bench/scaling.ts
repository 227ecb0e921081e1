/**
 * `npm run bench -- --scaling`: how the cost of training grows, against the FLOP model.
 *
 *   epoch time  against training-set size, 1,000 to 60,000 Fashion-MNIST images (784-512-256-10, batch 128)
 *   step time   against width, 64 to 2048 units in each of the two hidden layers (batch 128)
 *   step time   against batch size, 16 to 1024 (784-512-256-10)
 *
 * each with 1 and 2 threads (alternating, in this process; the fastest of 5 epochs), each figure next to the FLOP
 * model's prediction: time = flops / R, the flops of bench/mlp.ts (`stepFlops`: the gemms
 * of forward and backward), with one rate R per series and thread count, taken from the
 * series' largest point. A point far off the model (> 20%) is where the model leaves
 * something out; bench/README.md says what. Writes bench/report.html (a chart per series,
 * drawn with wasmnn/viz, and the tables) and the measured points to bench/scaling.json;
 * `npx tsx bench/scaling.ts --report-only` draws the report again from that file.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as nn from 'wasmnn';
import { lineChart, renderSvg } from 'wasmnn/viz';
import { epochSeconds, oursMlp, stepFlops } from './mlp.js';
import { loadAverage } from './timing.js';

const here = dirname(fileURLToPath(import.meta.url));

/** One measured point: its label, flops, and seconds on 1 and 2 threads. */
interface Point {
  label: string;
  flops: number;
  seconds: [number, number];
}

interface Series {
  title: string;
  /** What `seconds` measures: an epoch or a step. */
  unit: 'epoch' | 'step';
  /** The x axis of the chart: its title, and each point's value. */
  xTitle: string;
  x: number[];
  points: Point[];
}

/** Flops of one epoch over n samples: full batches, then a short last one. */
function epochFlops(n: number, batch: number, hidden?: number[]): number {
  const full = Math.floor(n / batch), rest = n % batch;
  return full * stepFlops(batch, hidden) + (rest > 0 ? stepFlops(rest, hidden) : 0);
}

/** The first n samples as Pixels and labels. */
function firstRows(train: nn.data.ImageDataset, n: number): { x: nn.data.Pixels; y: Float32Array } {
  return { x: { pixels: train.x.pixels.subarray(0, n * 784), scale: train.x.scale }, y: train.y.subarray(0, n) };
}

async function bySize(train: nn.data.ImageDataset, rounds: number): Promise<Series> {
  const sizes = [1000, 2000, 5000, 10_000, 20_000, 40_000, 60_000].filter((n) => n <= train.n);
  const model = oursMlp();
  const warm = firstRows(train, 2048);
  await model.fit(warm.x, warm.y, { epochs: 1, batchSize: 128, verbose: 0 });
  const points: Point[] = [];
  for (const n of sizes) {
    const { x, y } = firstRows(train, n);
    points.push({ label: `${n}`, flops: epochFlops(n, 128), seconds: await epochSeconds(model, x, y, 128, rounds, 'fastest') });
    console.error(`  size ${n}: ${points.at(-1)!.seconds.map((s) => s.toFixed(3)).join(' / ')} s`);
  }
  model.dispose();
  return { title: 'Epoch time against training-set size (784-512-256-10, batch 128)', unit: 'epoch', xTitle: 'training samples', x: sizes, points };
}

async function byWidth(train: nn.data.ImageDataset, rounds: number): Promise<Series> {
  const steps = 16, batch = 128;
  const { x, y } = firstRows(train, steps * batch);
  const points: Point[] = [];
  const widths = [64, 128, 256, 512, 1024, 2048];
  for (const width of widths) {
    const hidden = [width, width];
    const model = oursMlp(hidden);
    await model.fit(x, y, { epochs: 1, batchSize: batch, verbose: 0 }); // warm-up
    const [t1, t2] = await epochSeconds(model, x, y, batch, rounds, 'fastest');
    points.push({ label: `784-${width}-${width}-10`, flops: stepFlops(batch, hidden), seconds: [t1 / steps, t2 / steps] });
    console.error(`  width ${width}: ${points.at(-1)!.seconds.map((s) => (s * 1e3).toFixed(2)).join(' / ')} ms/step`);
    model.dispose();
  }
  return { title: 'Step time against width (784-w-w-10, batch 128)', unit: 'step', xTitle: 'units in each hidden layer', x: widths, points };
}

async function byBatch(train: nn.data.ImageDataset, rounds: number): Promise<Series> {
  const samples = 8192;
  const { x, y } = firstRows(train, samples);
  const model = oursMlp();
  await model.fit(x, y, { epochs: 1, batchSize: 128, verbose: 0 }); // warm-up
  const points: Point[] = [];
  const batches = [16, 32, 64, 128, 256, 512, 1024];
  for (const batch of batches) {
    const steps = samples / batch;
    const [t1, t2] = await epochSeconds(model, x, y, batch, rounds, 'fastest');
    points.push({ label: `${batch}`, flops: stepFlops(batch), seconds: [t1 / steps, t2 / steps] });
    console.error(`  batch ${batch}: ${points.at(-1)!.seconds.map((s) => (s * 1e3).toFixed(2)).join(' / ')} ms/step`);
  }
  model.dispose();
  return { title: 'Step time against batch size (784-512-256-10)', unit: 'step', xTitle: 'batch size', x: batches, points };
}

/** The FLOP model's rate R for 1 and 2 threads: flops per second of the series' largest point. */
function rates(series: Series): [number, number] {
  const anchor = series.points.at(-1)!;
  return [anchor.flops / anchor.seconds[0], anchor.flops / anchor.seconds[1]];
}

/** Rows of a series: measured, predicted (flops / R from the largest point), how far off, per thread count. */
function rows(series: Series): string[][] {
  const rate = rates(series);
  const scale = series.unit === 'epoch' ? 1 : 1e3;
  return series.points.map((p) => {
    const cells = [p.label, (p.flops / 1e9).toFixed(3)];
    for (const t of [0, 1]) {
      const predicted = p.flops / rate[t];
      const off = p.seconds[t] / predicted - 1;
      cells.push((p.seconds[t] * scale).toFixed(series.unit === 'epoch' ? 2 : 3), (predicted * scale).toFixed(series.unit === 'epoch' ? 2 : 3), `${off >= 0 ? '+' : ''}${(off * 100).toFixed(0)}%${Math.abs(off) > 0.2 ? ' *' : ''}`);
    }
    cells.push(`${(p.seconds[0] / p.seconds[1]).toFixed(2)}×`);
    return cells;
  });
}

function header(series: Series): string[] {
  const u = series.unit === 'epoch' ? 's/epoch' : 'ms/step';
  return ['point', 'Gflop', `1 thread (${u})`, 'model', 'off', `2 threads (${u})`, 'model', 'off', '2 / 1 speedup'];
}

function markdown(series: Series): string {
  const head = header(series);
  return [`### ${series.title}`, '', `| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows(series).map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** A chart of a series: measured and predicted time against x, 1 and 2 threads, both axes logarithmic. */
function chart(series: Series): Promise<string> {
  const rate = rates(series);
  const scale = series.unit === 'epoch' ? 1 : 1e3;
  const line = (name: string, y: (p: Point) => number) => ({ name, x: series.x, y: series.points.map(y) });
  const spec = lineChart({
    title: series.title,
    subtitle: 'measured, and the FLOP model (flops / R, R from the largest point)',
    xTitle: series.xTitle,
    yTitle: series.unit === 'epoch' ? 'seconds per epoch' : 'ms per step',
    xScale: 'log',
    yScale: 'log',
    series: [
      line('1 thread', (p) => p.seconds[0] * scale),
      line('1 thread, model', (p) => (p.flops / rate[0]) * scale),
      line('2 threads', (p) => p.seconds[1] * scale),
      line('2 threads, model', (p) => (p.flops / rate[1]) * scale),
    ],
  });
  return renderSvg(spec, { idPrefix: series.unit + series.x.length + series.xTitle.length });
}

async function html(all: Series[], note: string): Promise<string> {
  const text = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const sections: string[] = [];
  for (const series of all) {
    sections.push([
      await chart(series), // titled: no heading above it
      '<table>',
      `<tr>${header(series).map((h) => `<th>${text(h)}</th>`).join('')}</tr>`,
      ...rows(series).map((r) => `<tr>${r.map((c) => `<td>${text(c)}</td>`).join('')}</tr>`),
      '</table>',
    ].join('\n'));
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>wasmnn: cost growth</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0 2em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}</style>
</head><body>
<h1>wasmnn: how training cost grows</h1>
<p>${text(note)}</p>
<p>"model" is the FLOP model's prediction, flops / R, with R taken from each series' largest point; "off" is measured / predicted − 1, and * marks points more than 20% off (bench/README.md says why).</p>
${sections.join('\n')}
</body></html>
`;
}

/** What bench/scaling.json holds: the series and the note on how they were measured. */
interface Measured {
  note: string;
  series: Series[];
}

async function writeReport(measured: Measured): Promise<string> {
  const text = [`## Cost growth`, '', measured.note, '', ...measured.series.map(markdown).flatMap((t) => [t, ''])].join('\n');
  console.log(text);
  writeFileSync(join(here, 'report.html'), await html(measured.series, measured.note));
  console.log('Wrote bench/report.html');
  return text;
}

export async function runScalingBench(rounds = 5): Promise<string> {
  await nn.setBackend('wasm', { threads: 2 });
  const load = loadAverage();
  let data: nn.data.ImageDataset;
  let source: string;
  try {
    data = (await nn.data.loadFashionMnist({ testSize: 0 })).train;
    source = 'Fashion-MNIST';
  } catch {
    data = (await nn.data.loadMnist({ trainSize: 10_000, testSize: 0 })).train; // no Fashion-MNIST here: sizes stop at 10,000
    source = 'MNIST digits (mnist package; Fashion-MNIST not installed)';
  }
  const series = [await bySize(data, rounds), await byWidth(data, rounds), await byBatch(data, rounds)];
  const note = `${source}, relaxed build, Node ${process.versions.node}, the fastest of ${rounds} epochs (1 and 2 threads alternating); load average ${load} at the start and ${loadAverage()} at the end, 2 cores.`;
  writeFileSync(join(here, 'scaling.json'), `${JSON.stringify({ note, series }, null, 1)}\n`);
  return writeReport({ note, series });
}

if (import.meta.url === `file://${process.argv[1]}` && process.argv.includes('--report-only')) {
  await writeReport(JSON.parse(readFileSync(join(here, 'scaling.json'), 'utf8')) as Measured);
}
