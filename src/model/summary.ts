/**
 * model.summary(): the Keras 3 table of layers, output shapes and parameter counts.
 */

import type { Layer } from '../layers/layer.js';

/** What the summary shows of a model. */
interface Summarized {
  name: string;
  layers: readonly Layer[];
  countParams(): { trainable: number; nonTrainable: number };
}

const WIDTHS = [33, 24, 15];

function row(cells: string[], left: string, sep: string, right: string): string {
  return left + cells.map((c, i) => (i === 2 ? ` ${c.padStart(WIDTHS[i] - 2)} ` : ` ${c.padEnd(WIDTHS[i] - 2)} `)).join(sep) + right;
}

function rule(left: string, fill: string, sep: string, right: string): string {
  return left + WIDTHS.map((w) => fill.repeat(w)).join(sep) + right;
}

function bytes(n: number): string {
  const b = n * 4;
  if (b < 1024) return `${b.toFixed(2)} B`;
  if (b < 1024 ** 2) return `${(b / 1024).toFixed(2)} KB`;
  return `${(b / 1024 ** 2).toFixed(2)} MB`;
}

export function formatSummary(model: Summarized): string {
  const lines = [`Model: "${model.name}"`];
  lines.push(rule('┏', '━', '┳', '┓'));
  lines.push(row(['Layer (type)', 'Output Shape', 'Param #'], '┃', '┃', '┃'));
  lines.push(rule('┡', '━', '╇', '┩'));
  model.layers.forEach((layer, i) => {
    const params = layer.weights().reduce((s, w) => s + w.value.size, 0);
    const shape = `(None, ${layer.outputShape.join(', ')})`;
    lines.push(row([`${layer.name} (${layer.className})`, shape, params.toLocaleString('en-US')], '│', '│', '│'));
    if (i < model.layers.length - 1) lines.push(rule('├', '─', '┼', '┤'));
  });
  lines.push(rule('└', '─', '┴', '┘'));
  const { trainable, nonTrainable } = model.countParams();
  const total = trainable + nonTrainable;
  lines.push(` Total params: ${total.toLocaleString('en-US')} (${bytes(total)})`);
  lines.push(` Trainable params: ${trainable.toLocaleString('en-US')} (${bytes(trainable)})`);
  lines.push(` Non-trainable params: ${nonTrainable.toLocaleString('en-US')} (${bytes(nonTrainable)})`);
  return lines.join('\n');
}
