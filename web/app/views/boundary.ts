/**
 * The decision boundary of a 2-D set, as TensorFlow Playground draws it: a heat map of the
 * class the network predicts at each point of the plane, stronger where it is surer, with
 * the training points on top (and, if asked, the validation points as rings). It is an
 * image of the model, not a chart: one canvas.
 *
 *   colour of a cell = white blended towards the predicted class's colour by
 *   0.1 + 0.6·(p_max − 1/K)/(1 − 1/K)     (K classes; p_max = 1/K is a coin toss)
 */

import type { DataForViews, Snapshot } from '../protocol.js';
import { CLASS_RGB, rgb } from './colors.js';

type Boundary = NonNullable<Snapshot['boundary']>;

export class BoundaryView {
  private readonly cells = document.createElement('canvas');
  private boundary: Boundary | null = null;
  private points: DataForViews['points'] = null;
  showValidation = false;

  constructor(private readonly canvas: HTMLCanvasElement) {
    new ResizeObserver(() => this.draw()).observe(canvas);
  }

  setPoints(points: DataForViews['points']): void {
    this.points = points;
    this.draw();
  }

  update(boundary: Boundary): void {
    this.boundary = boundary;
    this.paintCells(boundary);
    this.draw();
  }

  /** The heat map at one pixel per grid cell; draw() scales it up smoothly. */
  private paintCells({ size, classes, probabilities }: Boundary): void {
    this.cells.width = this.cells.height = size;
    const context = this.cells.getContext('2d');
    if (context === null) return;
    const image = context.createImageData(size, size);
    for (let cell = 0; cell < size * size; cell++) {
      let best = 0;
      for (let k = 1; k < classes; k++) if (probabilities[cell * classes + k] > probabilities[cell * classes + best]) best = k;
      const sureness = (probabilities[cell * classes + best] - 1 / classes) / (1 - 1 / classes);
      const weight = 0.1 + 0.6 * Math.max(0, Math.min(1, sureness));
      const color = CLASS_RGB[best % CLASS_RGB.length];
      for (let c = 0; c < 3; c++) image.data[4 * cell + c] = Math.round(255 + (color[c] - 255) * weight);
      image.data[4 * cell + 3] = 255;
    }
    context.putImageData(image, 0, 0);
  }

  private draw(): void {
    const { canvas } = this;
    const side = Math.round(canvas.clientWidth * devicePixelRatio);
    if (side === 0) return;
    if (canvas.width !== side) canvas.width = canvas.height = side;
    const context = canvas.getContext('2d');
    if (context === null) return;
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, side, side);
    if (this.boundary === null) return;
    context.imageSmoothingEnabled = true;
    context.imageSmoothingQuality = 'high';
    context.drawImage(this.cells, 0, 0, side, side);
    const extent = this.boundary.extent;
    const toPixel = (v: number, flip: boolean) => ((flip ? extent - v : v + extent) / (2 * extent)) * side;
    // Axes through the origin, faint.
    context.strokeStyle = 'rgba(0, 0, 0, 0.12)';
    context.lineWidth = devicePixelRatio;
    context.beginPath();
    context.moveTo(toPixel(0, false), 0);
    context.lineTo(toPixel(0, false), side);
    context.moveTo(0, toPixel(0, true));
    context.lineTo(side, toPixel(0, true));
    context.stroke();
    if (this.points === null) return;
    const { train, trainLabels, validation, validationLabels } = this.points;
    const radius = (trainLabels.length > 600 ? 2.2 : 3.4) * devicePixelRatio * Math.min(1.4, Math.max(0.8, side / devicePixelRatio / 420));
    if (this.showValidation) {
      context.lineWidth = 1.2 * devicePixelRatio;
      for (let i = 0; i < validationLabels.length; i++) {
        context.strokeStyle = rgb(CLASS_RGB[validationLabels[i] % CLASS_RGB.length], 0.9);
        context.beginPath();
        context.arc(toPixel(validation[2 * i], false), toPixel(validation[2 * i + 1], true), radius * 0.8, 0, 2 * Math.PI);
        context.stroke();
      }
    }
    context.lineWidth = devicePixelRatio;
    context.strokeStyle = '#ffffff';
    for (let i = 0; i < trainLabels.length; i++) {
      context.fillStyle = rgb(CLASS_RGB[trainLabels[i] % CLASS_RGB.length]);
      context.beginPath();
      context.arc(toPixel(train[2 * i], false), toPixel(train[2 * i + 1], true), radius, 0, 2 * Math.PI);
      context.fill();
      context.stroke();
    }
  }
}
