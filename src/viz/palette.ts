/**
 * One colour per series, the same in every chart of a report: a series keeps its colour
 * because every chart gets the same ordered list of names (Vega's 'tableau10' colours, in
 * order). A chart given `colors` uses them; otherwise it colours its own series in order.
 */

/** Vega's 'tableau10' category colours. */
export const PALETTE = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'];

/** A colour scale: the i-th name gets the i-th colour. */
export interface SeriesColors {
  domain: string[];
  range: string[];
}

/** Colours for `names`, in order (the palette repeats past ten names). */
export function seriesColors(names: readonly string[]): SeriesColors {
  return { domain: [...names], range: names.map((_, i) => PALETTE[i % PALETTE.length]) };
}

/** The scale for the names a chart shows: their colours in `colors`, or fresh ones in order. */
export function colorScale(names: readonly string[], colors?: SeriesColors): SeriesColors {
  if (!colors) return seriesColors(names);
  const fresh = seriesColors(names);
  return {
    domain: [...names],
    range: names.map((name, i) => {
      const at = colors.domain.indexOf(name);
      return at >= 0 ? colors.range[at] : fresh.range[i];
    }),
  };
}
