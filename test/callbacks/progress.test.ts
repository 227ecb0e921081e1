import { describe, expect, it } from 'vitest';
import { ProgressBar, formatLogs, progressBar } from '../../src/callbacks/progress.js';

function capture(isTTY: boolean): { out: { isTTY: boolean; write(t: string): void }; text: () => string } {
  let text = '';
  return { out: { isTTY, write: (t: string) => {
    text += t;
  } }, text: () => text };
}

describe('progress display', () => {
  it('formats logs as Keras: training metrics by name, then validation metrics', () => {
    expect(formatLogs({ val_loss: 0.1595, loss: 0.2528, accuracy: 0.9221, val_accuracy: 0.9591 })).toBe(
      'accuracy: 0.9221 - loss: 0.2528 - val_accuracy: 0.9591 - val_loss: 0.1595',
    );
  });
  it('draws a 20-character bar', () => {
    expect(progressBar(469, 469, false)).toBe('━'.repeat(20));
    expect(progressBar(0, 10, false)).toBe('━'.repeat(20));
    expect(progressBar(5, 10, true)).toContain('\x1b[2m');
  });
  it('without a TTY prints one plain line per epoch', () => {
    const { out, text } = capture(false);
    const bar = new ProgressBar(1, out);
    bar.configure(2, 3);
    bar.onEpochBegin(0);
    for (let b = 0; b < 3; b++) bar.onBatchEnd(b, { loss: 1 });
    bar.onEpochEnd(0, { loss: 0.5, accuracy: 0.75 });
    const lines = text().split('\n');
    expect(lines[0]).toBe('Epoch 1/2');
    expect(lines[1]).toMatch(/^3\/3 ━{20} \d+m?s \d+(ms|us)\/step - accuracy: 0\.7500 - loss: 0\.5000$/);
    expect(text()).not.toContain('\r');
  });
  it('on a TTY redraws the line in place', () => {
    const { out, text } = capture(true);
    const bar = new ProgressBar(1, out);
    bar.configure(1, 2);
    bar.onEpochBegin(0);
    bar.onBatchEnd(0, { loss: 1 });
    bar.onEpochEnd(0, { loss: 0.5 });
    expect(text()).toContain('\r');
    expect(text().endsWith('\n')).toBe(true);
  });
});
