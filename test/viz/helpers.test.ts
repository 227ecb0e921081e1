/**
 * The chart helpers' own arithmetic (binning, log axes, colours, id prefixes) and the
 * specs they build: what data rows and scales they hand Vega-Lite.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { absQuantile, binValues, shareAxis, colorScale, compactMarks, gapSeries, lineChart, logAxis, niceCeil, PALETTE, prefixIds, roundCoordinates, seriesColors, seriesRows, trainValidationCurves } from '../../src/viz/index.js';

const RUNS = { seed: 7, numRuns: 200 };

describe('binValues', () => {
  it('counts each value in the bin that holds it; values beyond ±limit in none, shares still of all values', () => {
    const bins = binValues([-5, -1, -0.5, -0.01, 0, 0.01, 0.49, 0.5, 0.99, 1, 7, Number.NaN], 1, 4);
    expect(bins.map((b) => [b.start, b.end])).toEqual([[-1, -0.5], [-0.5, 0], [0, 0.5], [0.5, 1]]);
    // [-1,-0.5): -1 | [-0.5,0): -0.5, -0.01 | [0,0.5): 0, 0.01, 0.49 | [0.5,1]: 0.5, 0.99, 1 (the top edge); -5, 7 and NaN in none
    expect(bins.map((b) => b.count)).toEqual([1, 2, 3, 3]);
    expect(bins[3].share).toBeCloseTo(3 / 12, 12);
  });

  it('puts every value inside [-limit, limit] into a bin whose range holds it, and no other value anywhere', () => {
    fc.assert(fc.property(
      fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { maxLength: 200 }), fc.integer({ min: 1, max: 40 }), fc.double({ min: 0.1, max: 2, noNaN: true }),
      (values, count, limit) => {
        const bins = binValues(values, limit, count);
        expect(bins).toHaveLength(count);
        const inside = values.filter((v) => Math.abs(v) <= limit);
        expect(bins.reduce((s, b) => s + b.count, 0)).toBe(inside.length);
        for (const v of inside) {
          const holding = bins.filter((b, i) => v >= b.start - 1e-12 && (v < b.end || (i === count - 1 && v <= b.end + 1e-12)));
          expect(holding.length, `${v}`).toBeGreaterThanOrEqual(1);
        }
      },
    ), RUNS);
  });

  it('absQuantile and niceCeil pick a round range that holds nearly all weights', () => {
    const values = Float32Array.from({ length: 1000 }, (_, i) => (i - 500) / 5000); // |v| up to 0.1
    expect(absQuantile([{ name: 'a', values }], 0.5)).toBeCloseTo(0.05, 2);
    expect([0.0734, 0.1, 0.13, 0.26, 7, 0.00049].map(niceCeil)).toEqual([0.1, 0.1, 0.2, 0.5, 10, 0.0005]);
  });
});

describe('shareAxis', () => {
  it('a little headroom over the tallest bar, round ticks, none within 8 px of the top', () => {
    expect(shareAxis(0.4, 170)).toEqual({ domain: [0, 0.4 * 1.08], ticks: [0, 0.1, 0.2, 0.3, 0.4] });
    expect(shareAxis(0.025, 170).ticks).toEqual([0, 0.01, 0.02]);
    fc.assert(fc.property(fc.double({ min: 1e-4, max: 1, noNaN: true }), fc.integer({ min: 60, max: 400 }), (max, height) => {
      const { domain, ticks } = shareAxis(max, height);
      expect(domain[1]).toBeGreaterThan(max);
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      expect(ticks.length).toBeLessThanOrEqual(6);
      expect((domain[1] - ticks[ticks.length - 1]) / domain[1] * height).toBeGreaterThanOrEqual(8 - 1e-9);
    }), RUNS);
  });
});

describe('logAxis', () => {
  it('examples: a 1-2-5 domain around the data, powers of ten over more than two decades', () => {
    expect(logAxis([0.8, 2.4])).toEqual({ scale: { type: 'log', domain: [0.5, 5] }, axis: { values: [0.5, 1, 2, 5], format: '~g' } });
    expect(logAxis([0.0007, 1.2]).axis.values).toEqual([0.001, 0.01, 0.1, 1]);
    expect(logAxis([0.0007, 1.2]).scale.domain).toEqual([0.0005, 2]);
  });

  it('the domain holds every positive finite value and every tick lies in it', () => {
    fc.assert(fc.property(fc.array(fc.double({ min: 1e-6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 20 }), (values) => {
      const { scale, axis } = logAxis([...values, Number.NaN, -1, 0]);
      const [low, high] = scale.domain;
      expect(low).toBeLessThan(high);
      for (const v of values) {
        expect(v).toBeGreaterThanOrEqual(low * (1 - 1e-9));
        expect(v).toBeLessThanOrEqual(high * (1 + 1e-9));
      }
      expect(axis.values.length).toBeGreaterThan(0);
      for (const t of axis.values) expect(t >= low && t <= high).toBe(true);
    }), RUNS);
  });
});

describe('colours', () => {
  it('seriesColors gives the i-th name the i-th palette colour; colorScale keeps them for a subset in another order', () => {
    const all = seriesColors(['none', 'dropout', 'l2', 'l1']);
    expect(all.range).toEqual(PALETTE.slice(0, 4));
    expect(colorScale(['l1', 'none'], all)).toEqual({ domain: ['l1', 'none'], range: [PALETTE[3], PALETTE[0]] });
    // A name the shared scale lacks gets a colour by its own position.
    expect(colorScale(['new', 'none'], all).range).toEqual([PALETTE[0], PALETTE[0]]);
  });
});

describe('prefixIds', () => {
  it('renames ids and every reference to them, nothing else', () => {
    const svg = '<svg><clipPath id="clip1"><rect/></clipPath><g clip-path="url(#clip1)"><use href="#clip1"/></g><text>grid</text></svg>';
    expect(prefixIds(svg, 'loss')).toBe('<svg><clipPath id="loss-clip1"><rect/></clipPath><g clip-path="url(#loss-clip1)"><use href="#loss-clip1"/></g><text>grid</text></svg>');
  });
});

describe('roundCoordinates', () => {
  it('rounds geometry to hundredths of a pixel and leaves text alone', () => {
    const svg = '<path d="M13.934426229508201,137.49593737735478h2.78688524590164v-0.0012Z"/><g transform="translate(0.5,240.123456)"><text x="1.23456">0.0001234</text></g>';
    expect(roundCoordinates(svg)).toBe('<path d="M13.93,137.5h2.79v0Z"/><g transform="translate(0.5,240.12)"><text x="1.23">0.0001234</text></g>');
  });
});

describe('compactMarks', () => {
  it('drops aria-hidden from shapes inside a hidden mark group only, and writes rgb() colours as #rrggbb', () => {
    const svg = '<g class="mark-rect role-mark a_marks" aria-hidden="true"><path aria-hidden="true" d="M0,0h3v3h-3Z" fill="rgb(236, 236, 236)"/><path aria-hidden="true" fill="rgb(0,15,255)"/></g>' +
      '<g class="mark-group role-scope"><path class="background" aria-hidden="true" d="M0,0"/></g><g class="mark-text role-axis-label"><text aria-hidden="true">1</text></g>';
    expect(compactMarks(svg)).toBe('<g class="mark-rect role-mark a_marks" aria-hidden="true"><path d="M0,0h3v3h-3Z" fill="#ececec"/><path fill="#000fff"/></g>' +
      '<g class="mark-group role-scope"><path class="background" aria-hidden="true" d="M0,0"/></g><g class="mark-text role-axis-label"><text aria-hidden="true">1</text></g>');
  });
});

describe('specs', () => {
  it('seriesRows drops non-finite points (a diverged run leaves a hole)', () => {
    expect(seriesRows([{ name: 'a', x: [1, 2, 3], y: [0.5, Number.NaN, Infinity] }, { name: 'b', x: [1], y: [2] }])).toEqual([
      { series: 'a', x: 1, y: 0.5 }, { series: 'b', x: 1, y: 2 },
    ]);
  });

  it('gapSeries is train − validation over the epochs both have', () => {
    const gap = gapSeries({ name: 'a', train: [0.9, 1, 1], validation: [0.85, 0.9] });
    expect(gap).toHaveLength(2);
    expect(gap[0]).toBeCloseTo(0.05, 12);
    expect(gap[1]).toBeCloseTo(0.1, 12);
  });

  it('lineChart: one line layer plus a rule (and its label) per reference line, each rule drawn once', () => {
    const spec = lineChart({ xTitle: 'epoch', yTitle: 'loss', series: [{ name: 'a', x: [1, 2], y: [1, 0.5] }], rules: [{ x: 2, label: 'best' }, { y: 0.7 }] }) as unknown as { layer: { data?: { values: unknown[] } }[] };
    expect(spec.layer).toHaveLength(1 + 2 + 1);
    for (const rule of spec.layer.slice(1)) expect(rule.data?.values).toHaveLength(1);
  });

  it('trainValidationCurves: a row per run, split and epoch, numbered from 1; panels in the runs\' order', () => {
    const spec = trainValidationCurves({ metric: 'accuracy', runs: [{ name: 'b', train: [0.5, 0.9], validation: [0.4, 0.8] }, { name: 'a', train: [0.6], validation: [Number.NaN] }] }) as unknown as {
      data: { values: { run: string; split: string; epoch: number; value: number }[] }; facet: { sort: string[] };
    };
    expect(spec.data.values).toEqual([
      { run: 'b', split: 'train', epoch: 1, value: 0.5 }, { run: 'b', split: 'train', epoch: 2, value: 0.9 },
      { run: 'b', split: 'validation', epoch: 1, value: 0.4 }, { run: 'b', split: 'validation', epoch: 2, value: 0.8 },
      { run: 'a', split: 'train', epoch: 1, value: 0.6 },
    ]);
    expect(spec.facet.sort).toEqual(['b', 'a']);
  });
});
