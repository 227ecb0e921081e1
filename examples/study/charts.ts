/**
 * The report's charts, drawn with the library's chart helpers (src/viz): each a Vega-Lite
 * spec rendered to SVG. Every chart colours a variant the same way.
 */

import { gapChart, renderSvg, seriesColors, trainValidationCurves, weightHistograms, type TopLevelSpec } from 'wasmnn/viz';
import { percent } from '../common.js';
import type { VariantResult } from './train.js';

export interface Chart {
  /** Anchor in the page, and prefix of the SVG's ids. */
  id: string;
  title: string;
  /** What to look at, in a sentence or two. */
  caption: string;
  svg: string;
}

/** The variants whose first-layer weights are drawn side by side. */
const HISTOGRAM_VARIANTS = ['none', 'l1', 'l2'];

/** `penalized`: the variants with a weight penalty (their reported loss includes it). */
export async function studyCharts(results: VariantResult[], penalized: string[]): Promise<Chart[]> {
  const colors = seriesColors(results.map((r) => r.name));
  const columns = Math.min(4, results.length);
  const specs: { id: string; title: string; caption: string; spec: TopLevelSpec }[] = [
    {
      id: 'accuracy',
      title: 'Accuracy: training (solid) vs validation (dashed)',
      caption: 'After each epoch, both measured in inference mode. Where the solid line runs above the dashed one, the network does better on the images it trained on than on new ones.',
      spec: trainValidationCurves({ metric: 'accuracy', columns, colors, runs: results.map((r) => ({ name: r.name, train: r.trainAccuracy, validation: r.valAccuracy })) }),
    },
    {
      id: 'loss',
      title: 'Loss: training (solid) vs validation (dashed)',
      caption: 'Cross-entropy, on a log scale' +
        (penalized.length ? `, without the weight penalty that Keras adds to the loss it reports for ${penalized.join(', ')} (so the panels compare)` : '') +
        '. Training loss falling towards 0 while validation loss levels off or turns up is overfitting.',
      spec: trainValidationCurves({ metric: 'loss', yTitle: 'cross-entropy', yScale: 'log', columns, colors, runs: results.map((r) => ({ name: r.name, train: r.trainLoss, validation: r.valLoss })) }),
    },
    {
      id: 'gap',
      title: 'Train − validation accuracy, per variant',
      caption: 'The gap of the panels above on one chart: the lower a line, the less that variant memorised.',
      spec: gapChart({ title: '', colors, runs: results.map((r) => ({ name: r.name, train: r.trainAccuracy, validation: r.valAccuracy })) }),
    },
  ];
  const drawn = results.filter((r) => HISTOGRAM_VARIANTS.includes(r.name));
  if (drawn.length > 0) {
    specs.push({
      id: 'weights',
      title: 'First-layer weights after training',
      caption: drawn.map((r) => `${r.name}: ${percent(r.nearZero)} of all kernel weights have |w| < 1e-3`).join('; ') +
        '. With Adam a penalty pulls hardest on the weights the data does not defend, such as those of pixels that are blank in every training image ' +
        '(examples/adamw.ts). Each panel has its own vertical scale.',
      spec: weightHistograms({ colors, runs: drawn.map((r) => ({ name: r.name, values: r.firstLayer })) }),
    });
  }
  const charts: Chart[] = [];
  for (const { spec, ...chart } of specs) charts.push({ ...chart, svg: await renderSvg(spec, { idPrefix: chart.id }) });
  return charts;
}
