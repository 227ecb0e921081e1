/**
 * Training against validation, one uPlot chart per quantity (loss, accuracy): the run in
 * progress in full colour with the gap between its two curves shaded, and up to
 * MAX_GHOSTS earlier runs as faint ghosts behind it, so "with dropout" and "without" share
 * one chart. Loss is drawn on a log scale, where an overfitting run's falling training loss
 * and rising validation loss both stay visible.
 */

import uPlot from 'uplot';
import type { EpochLogs } from '../protocol.js';
import { COLORS } from './colors.js';

/** Earlier runs kept as ghosts. */
export const MAX_GHOSTS = 4;
const HEIGHT = 220;

/** A run as the charts see it: its epoch logs, in order. */
export interface RunCurves {
  epochs: EpochLogs[];
}

type Quantity = 'loss' | 'accuracy';

/** Keeps the splits at 1, 2 or 5 times a power of ten; at powers of ten only when the axis spans more than a decade and a half. */
function oneTwoFive(u: uPlot, splits: number[]): (number | null)[] {
  const { min = 1, max = 1 } = u.scales.y;
  const keep = Math.log10(max / min) > 1.5 ? [1] : [1, 2, 5];
  return splits.map((v) => {
    const mantissa = v / 10 ** Math.floor(Math.log10(v) + 1e-9);
    return keep.some((m) => Math.abs(mantissa - m) < 1e-6) ? v : null;
  });
}

export class CurvesChart {
  private chart: uPlot | null = null;
  private ghosts = -1;

  constructor(private readonly container: HTMLElement, private readonly quantity: Quantity) {
    new ResizeObserver(() => this.chart?.setSize(this.size())).observe(container);
  }

  /** Draws `current` over the `ghosts` (oldest first). */
  update(current: RunCurves | null, ghosts: RunCurves[]): void {
    const shown = ghosts.slice(-MAX_GHOSTS);
    const data = this.data(current, shown);
    if (this.chart === null || this.ghosts !== shown.length) {
      this.chart?.destroy();
      this.ghosts = shown.length;
      this.chart = new uPlot(this.options(shown.length), data, this.container);
    } else {
      this.chart.setData(data);
    }
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(200, this.container.clientWidth), height: HEIGHT };
  }

  /** x = epochs 1..N; per ghost train and validation; the gap's upper and lower edge; train; validation. */
  private data(current: RunCurves | null, ghosts: RunCurves[]): uPlot.AlignedData {
    const runs = current === null ? ghosts : [...ghosts, current];
    const length = Math.max(1, ...runs.map((r) => r.epochs.length));
    const x = Array.from({ length }, (_, i) => i + 1);
    const column = (run: RunCurves | null, key: string) => x.map((_, i) => run?.epochs[i]?.[key] ?? null);
    const [trainKey, valKey] = this.quantity === 'loss' ? ['loss', 'val_loss'] : ['accuracy', 'val_accuracy'];
    const train = column(current, trainKey), validation = column(current, valKey);
    const upper = train.map((t, i) => (t === null || validation[i] === null ? null : Math.max(t, validation[i] as number)));
    const lower = train.map((t, i) => (t === null || validation[i] === null ? null : Math.min(t, validation[i] as number)));
    return [x, ...ghosts.flatMap((g) => [column(g, trainKey), column(g, valKey)]), upper, lower, train, validation];
  }

  private options(ghosts: number): uPlot.Options {
    const faint = (stroke: string): uPlot.Series => ({ stroke, width: 1.25, points: { show: false } });
    const edge: uPlot.Series = { stroke: 'transparent', width: 0, points: { show: false } };
    const series: uPlot.Series[] = [{ label: 'epoch' }];
    for (let g = 0; g < ghosts; g++) series.push(faint(COLORS.trainGhost), faint(COLORS.validationGhost));
    const upperIndex = series.length;
    series.push(edge, edge,
      { label: 'training', stroke: COLORS.train, width: 2, points: { show: false } },
      { label: 'validation', stroke: COLORS.validation, width: 2, points: { show: false } });
    const isLoss = this.quantity === 'loss';
    return {
      ...this.size(),
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: false },
        // Log scale to the nearest quarter decade, not out to whole powers of ten, which would squash the curves.
        y: isLoss ? { distr: 3, range: (_u, min, max) => [10 ** (Math.floor(4 * Math.log10(min)) / 4), 10 ** (Math.ceil(4 * Math.log10(max)) / 4)] } : { range: (_u, min) => [Math.min(Math.floor(min * 10) / 10, 0.9), 1] },
      },
      axes: [
        { label: 'epoch', stroke: COLORS.axis, grid: { stroke: COLORS.grid }, ticks: { stroke: COLORS.grid } },
        isLoss
          // On the log scale, lines and labels at round values only (see oneTwoFive).
          ? { label: 'loss (log scale)', stroke: COLORS.axis, size: 56, grid: { stroke: COLORS.grid, filter: oneTwoFive }, ticks: { stroke: COLORS.grid, filter: oneTwoFive }, filter: oneTwoFive }
          : { label: 'accuracy', stroke: COLORS.axis, size: 56, grid: { stroke: COLORS.grid }, ticks: { stroke: COLORS.grid } },
      ],
      series,
      bands: [{ series: [upperIndex, upperIndex + 1], fill: COLORS.gap }],
    };
  }
}
