// model.summary(): fixed columns that stay aligned, as Keras 3's table; long cells wrap.

import { beforeAll, describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';

beforeAll(async () => {
  await nn.setBackend('wasm');
});

describe('summary', () => {
  it('keeps its columns aligned for long layer names: the cell wraps, as in Keras 3', () => {
    const model = nn.sequential([
      nn.layers.dense({ units: 512, inputShape: [784], name: 'dense_with_a_rather_long_name_0123456789' }),
      nn.layers.batchNormalization({ name: 'batch_normalization_12' }),
      nn.layers.dense({ units: 10, activation: 'softmax' }),
    ], { seed: 1 });
    const text = model.summary(() => undefined);
    const table = text.split('\n').slice(1, -3);
    // Every line of the table has the same width and its column borders in the same places.
    const borders = (line: string): number[] => [...line].flatMap((c, i) => ('┃│┏┓┳┡┩╇├┤┼└┘┴'.includes(c) ? [i] : []));
    expect(new Set(table.map((l) => [...l].length)).size).toBe(1);
    expect(new Set(table.map((l) => borders(l).join())).size).toBe(1);
    expect(text).toContain('│ batch_normalization_12          │ (None, 512)            │         2,048 │\n│ (BatchNormalization)            │                        │               │');
    // A name with no space to break at is cut at the column's width.
    expect(text).toContain('│ dense_with_a_rather_long_name_0 │ (None, 512)            │       401,920 │\n│ 123456789 (Dense)               │');
    model.dispose();
  });
});
