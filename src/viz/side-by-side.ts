/**
 * Several charts in one picture, left to right, under one title: each keeps its own title,
 * scales and legend (an image grid's grey scale has nothing to share with a line chart's
 * series colours).
 *
 *   sideBySide([imageGrid({ ... }), lineChart({ ... })], { title: 'k-means on the digits' })
 */

import type { TopLevelSpec } from 'vega-lite';

export interface SideBySideOptions {
  title?: string;
  subtitle?: string;
  /** Pixels between two charts (default 40). */
  spacing?: number;
}

export function sideBySide(charts: TopLevelSpec[], options: SideBySideOptions = {}): TopLevelSpec {
  // A chart inside another is not a top-level spec: it may not name the schema.
  const parts = charts.map((chart) => {
    const { $schema: _, ...part } = chart as TopLevelSpec & { $schema?: string };
    return part;
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(options.title ? { title: { text: options.title, ...(options.subtitle ? { subtitle: options.subtitle } : {}) } } : {}),
    hconcat: parts,
    spacing: options.spacing ?? 40,
    resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
  } as TopLevelSpec;
}
