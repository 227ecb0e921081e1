/** The page's colours, in one place: curves, gap, classes (colour-blind safe, Okabe–Ito). */
export const COLORS = {
  train: '#1f6fd1',
  validation: '#e0661a',
  trainGhost: 'rgba(31, 111, 209, 0.22)',
  validationGhost: 'rgba(224, 102, 26, 0.22)',
  gap: 'rgba(224, 102, 26, 0.14)',
  axis: '#5b6472',
  grid: '#e8ebf0',
  bars: '#6b7a90',
  zeroBar: '#c2410c',
};

/** One colour per class of the 2-D sets, as RGB. */
export const CLASS_RGB: [number, number, number][] = [
  [0, 114, 178], // blue
  [230, 159, 0], // orange
  [0, 158, 115], // green
  [204, 121, 167], // purple
  [213, 94, 0], // vermilion
];

export function rgb([r, g, b]: [number, number, number], alpha = 1): string {
  return alpha === 1 ? `rgb(${r}, ${g}, ${b})` : `rgba(${r}, ${g}, ${b}, ${alpha})`;
}
