/**
 * A log scale for small charts, labelled and gridded at round values only. Vega's default
 * labels every 1-2-5 step and draws a grid line at each, too busy for a small panel.
 *
 * The domain runs from the 1-2-5 step at or below the smallest value to the one at or
 * above the largest (0.8..2.4 -> 0.5..5). Ticks go at each 1-2-5 step in it, or, over more
 * than two decades, at the powers of ten only (0.001, 0.01, 0.1, 1).
 */

/** The scale and axis properties of a Vega-Lite position channel. */
export interface LogAxis {
  scale: { type: 'log'; domain: [number, number] };
  axis: { values: number[]; format: string };
}

/** 1, 2, 5 × 10^k for k in [low, high]. */
function roundSteps(low: number, high: number): number[] {
  const steps: number[] = [];
  for (let k = low; k <= high; k++) for (const m of [1, 2, 5]) steps.push(Number((m * 10 ** k).toPrecision(1)));
  return steps;
}

export function logAxis(values: ArrayLike<number>): LogAxis {
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] > 0 && Number.isFinite(values[i])) {
      min = Math.min(min, values[i]);
      max = Math.max(max, values[i]);
    }
  }
  if (min === Infinity) [min, max] = [1, 10];
  const steps = roundSteps(Math.floor(Math.log10(min)), Math.ceil(Math.log10(max)));
  const low = steps.filter((s) => s <= min * (1 + 1e-9)).at(-1) ?? steps[0];
  let high = steps.find((s) => s >= max * (1 - 1e-9)) ?? steps[steps.length - 1];
  if (high === low) high = steps[steps.indexOf(low) + 1];
  const inside = steps.filter((s) => s >= low && s <= high);
  const decades = Math.log10(high / low);
  const ticks = decades > 2 ? inside.filter((s) => Number.isInteger(Math.log10(s))) : inside;
  return { scale: { type: 'log', domain: [low, high] }, axis: { values: ticks, format: '~g' } };
}
