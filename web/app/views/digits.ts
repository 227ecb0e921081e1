/**
 * The digits: a grid of test digits, each with the label the network gives it (mistakes
 * marked red, with the true label), and the confusion matrix of the whole test set as a
 * table of counts: row = true digit, column = predicted digit, so the diagonal is what is
 * right and every other cell is one kind of mistake ("4 read as 9"). Cells are shaded by
 * their share of the row.
 */

import type { DataForViews, Snapshot } from '../protocol.js';
import { DIGIT_SIDE } from '../config.js';

type DigitsSnapshot = NonNullable<Snapshot['digits']>;

export class DigitsView {
  private cells: { root: HTMLElement; label: HTMLElement }[] = [];
  private labels: Float32Array = new Float32Array(0);

  constructor(private readonly grid: HTMLElement, private readonly confusion: HTMLTableElement, private readonly summary: HTMLElement) {}

  /** Draws the digits once per data set; labels come with each snapshot. */
  setDigits(digits: DataForViews['digits']): void {
    this.grid.replaceChildren();
    this.cells = [];
    if (digits === null) return;
    this.labels = digits.labels;
    const pixels = DIGIT_SIDE * DIGIT_SIDE;
    for (let i = 0; i < digits.labels.length; i++) {
      const root = document.createElement('figure');
      root.className = 'digit';
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = DIGIT_SIDE;
      const context = canvas.getContext('2d');
      if (context !== null) {
        const image = context.createImageData(DIGIT_SIDE, DIGIT_SIDE);
        for (let p = 0; p < pixels; p++) {
          const ink = 255 - digits.pixels[i * pixels + p]; // dark ink on white paper
          image.data.set([ink, ink, ink, 255], 4 * p);
        }
        context.putImageData(image, 0, 0);
      }
      const label = document.createElement('figcaption');
      root.append(canvas, label);
      this.grid.append(root);
      this.cells.push({ root, label });
    }
  }

  update({ predicted, confusion, testAccuracy }: DigitsSnapshot): void {
    let wrong = 0;
    this.cells.forEach(({ root, label }, i) => {
      const truth = this.labels[i], guess = predicted[i];
      const mistake = truth !== guess;
      if (mistake) wrong++;
      root.classList.toggle('mistake', mistake);
      label.textContent = mistake ? `${guess} (is ${truth})` : String(guess);
      root.title = mistake ? `predicted ${guess}, true label ${truth}` : `predicted ${guess}, correct`;
    });
    this.summary.textContent = `${wrong} of ${this.cells.length} shown are wrong · test accuracy ${(100 * testAccuracy).toFixed(1)}% on ${confusion.reduce((a, b) => a + b, 0).toLocaleString('en')} digits`;
    this.drawConfusion(confusion);
  }

  private drawConfusion(confusion: Int32Array): void {
    const k = Math.round(Math.sqrt(confusion.length));
    const head = document.createElement('tr');
    head.append(cell('th', 'true ↓ / predicted →', 'corner'));
    for (let j = 0; j < k; j++) head.append(cell('th', String(j)));
    const rows = [head];
    for (let i = 0; i < k; i++) {
      const row = document.createElement('tr');
      row.append(cell('th', String(i)));
      let total = 0;
      for (let j = 0; j < k; j++) total += confusion[i * k + j];
      for (let j = 0; j < k; j++) {
        const count = confusion[i * k + j];
        const td = cell('td', count === 0 ? '' : String(count));
        const share = total > 0 ? count / total : 0;
        // Right answers in blue, mistakes in red; the deeper, the larger their share of the row.
        td.style.background = i === j ? `rgba(31, 111, 209, ${0.08 + 0.55 * share})` : count === 0 ? '' : `rgba(214, 39, 40, ${0.12 + 0.88 * Math.min(1, share * 4)})`;
        if (i !== j && share > 0.12) td.style.color = '#fff';
        td.title = `true ${i}, predicted ${j}: ${count}`;
        row.append(td);
      }
      rows.push(row);
    }
    this.confusion.replaceChildren(...rows);
  }
}

function cell(tag: 'td' | 'th', text: string, className = ''): HTMLElement {
  const element = document.createElement(tag);
  element.textContent = text;
  if (className !== '') element.className = className;
  return element;
}
