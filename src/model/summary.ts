/**
 * model.summary(): the Keras 3 table of layers, output shapes and parameter counts.
 *
 * The columns have fixed widths, as in Keras 3. A cell too long for its column, such as
 * `batch_normalization_12 (BatchNormalization)`, wraps onto more lines of the same row
 * (at spaces where it can, as Keras's table does), so the columns stay aligned. Before the
 * model is built, a layer shows `?` and `0 (unbuilt)`, as Keras shows it, and a line under
 * the table says how the model gets built.
 */

import type { Layer } from '../layers/layer.js';

/** What the summary shows of a model. */
interface Summarized {
  name: string;
  built: boolean;
  layers: readonly Layer[];
  countParams(): { trainable: number; nonTrainable: number };
}

const WIDTHS = [33, 24, 15];

/** Cell text broken into lines of at most `width` characters: at the last space that fits, else hard. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let rest = text;
  while (rest.length > width) {
    const space = rest.lastIndexOf(' ', width);
    const cut = space > 0 ? space : width;
    lines.push(rest.slice(0, cut));
    rest = rest.slice(cut).trimStart();
  }
  lines.push(rest);
  return lines;
}

/** One table row: as many lines as its longest cell needs; the counts column is right-aligned. */
function row(cells: string[], left: string, sep: string, right: string): string[] {
  const wrapped = cells.map((c, i) => wrap(c, WIDTHS[i] - 2));
  const height = Math.max(...wrapped.map((lines) => lines.length));
  const lines: string[] = [];
  for (let k = 0; k < height; k++) {
    const parts = wrapped.map((cell, i) => {
      const text = cell[k] ?? '';
      return i === 2 ? ` ${text.padStart(WIDTHS[i] - 2)} ` : ` ${text.padEnd(WIDTHS[i] - 2)} `;
    });
    lines.push(left + parts.join(sep) + right);
  }
  return lines;
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
  lines.push(...row(['Layer (type)', 'Output Shape', 'Param #'], '┃', '┃', '┃'));
  lines.push(rule('┡', '━', '╇', '┩'));
  model.layers.forEach((layer, i) => {
    const params = layer.weights().reduce((s, w) => s + w.value.size, 0);
    const shape = layer.built ? `(None, ${layer.outputShape.join(', ')})` : '?';
    const count = layer.built ? params.toLocaleString('en-US') : '0 (unbuilt)';
    lines.push(...row([`${layer.name} (${layer.className})`, shape, count], '│', '│', '│'));
    if (i < model.layers.length - 1) lines.push(rule('├', '─', '┼', '┤'));
  });
  lines.push(rule('└', '─', '┴', '┘'));
  const { trainable, nonTrainable } = model.countParams();
  const total = trainable + nonTrainable;
  lines.push(` Total params: ${total.toLocaleString('en-US')} (${bytes(total)})`);
  lines.push(` Trainable params: ${trainable.toLocaleString('en-US')} (${bytes(trainable)})`);
  lines.push(` Non-trainable params: ${nonTrainable.toLocaleString('en-US')} (${bytes(nonTrainable)})`);
  if (model.layers.length === 0) lines.push(' The model has no layers yet.');
  else if (!model.built) {
    lines.push(' The model is not built yet: its first layer has no inputShape, so it is built by the first fit, evaluate or predict, or by model.build([null, ...inputShape]).');
  }
  return lines.join('\n');
}
