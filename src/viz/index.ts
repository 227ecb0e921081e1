/**
 * wasmnn/viz: charts for reports, as Vega-Lite specs rendered to SVG text.
 *
 *   import { trainValidationCurves, renderSvg } from 'wasmnn/viz';
 *   const svg = await renderSvg(trainValidationCurves({ metric: 'loss', runs }));
 *
 * A separate entry, not part of 'wasmnn': the core library loads in a browser straight from
 * its ES modules with no bundler and no dependency, while these helpers import `vega` and
 * `vega-lite` (about 1 MB, by bare specifier, which a browser resolves only through a
 * bundler or an import map). The spec builders are plain functions and work anywhere.
 */

export { renderSvg, prefixIds, roundCoordinates, compactMarks, type RenderOptions, type TopLevelSpec } from './render.js';
export { logAxis, type LogAxis } from './log-axis.js';
export { PALETTE, seriesColors, colorScale, type SeriesColors } from './palette.js';
export { lineChart, seriesRows, ruleLayers, type LineChartOptions, type Series, type Rule } from './line.js';
export { trainValidationCurves, SPLITS, type CurvesOptions, type CurveRun } from './curves.js';
export { gapChart, gapSeries, type GapChartOptions, type GapRun } from './gap.js';
export { weightHistograms, binValues, absQuantile, niceCeil, shareAxis, type HistogramOptions, type HistogramRun, type Bin } from './histogram.js';
export { imageGrid, pixelRects, type ImageGridOptions, type GridImage, type PixelRect } from './image-grid.js';
export { sideBySide, type SideBySideOptions } from './side-by-side.js';
