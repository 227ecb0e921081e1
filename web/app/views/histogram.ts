/**
 * The histogram of one layer's kernel, as uPlot bars; the bin that holds 0 in its own colour,
 * because that is the bar L1 makes tall (and L2 does not).
 */

import uPlot from 'uplot';
import type { WeightHistogram } from '../protocol.js';
import { COLORS } from './colors.js';

const HEIGHT = 180;

export class HistogramChart {
  private chart: uPlot | null = null;

  constructor(private readonly container: HTMLElement) {
    new ResizeObserver(() => this.chart?.setSize(this.size())).observe(container);
  }

  update(histogram: WeightHistogram): void {
    const { counts, limit } = histogram;
    const width = (2 * limit) / counts.length;
    const centres = counts.map((_, i) => -limit + (i + 0.5) * width);
    const middle = (counts.length - 1) / 2;
    const data: uPlot.AlignedData = [
      centres,
      counts.map((c, i) => (i === middle ? null : c)),
      counts.map((c, i) => (i === middle ? c : null)),
    ];
    if (this.chart === null) this.chart = new uPlot(this.options(), data, this.container);
    else this.chart.setData(data);
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(200, this.container.clientWidth), height: HEIGHT };
  }

  private options(): uPlot.Options {
    const bars = uPlot.paths.bars?.({ size: [0.92, Infinity], align: 0 });
    const axis = { stroke: COLORS.axis, grid: { stroke: COLORS.grid }, ticks: { stroke: COLORS.grid } };
    return {
      ...this.size(),
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.05] } },
      axes: [{ ...axis, label: 'weight value' }, { ...axis, label: 'count', size: 56 }],
      series: [
        {},
        { label: 'weights', fill: COLORS.bars, stroke: COLORS.bars, paths: bars, points: { show: false } },
        { label: 'around 0', fill: COLORS.zeroBar, stroke: COLORS.zeroBar, paths: bars, points: { show: false } },
      ],
    };
  }
}
