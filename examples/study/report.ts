/**
 * report/index.html: one self-contained page (inline SVG and CSS, no script, nothing
 * fetched), readable straight from disk. It holds what the terminal printed, the charts,
 * and everything needed to run it again.
 */

import { seriesColors } from 'wasmnn/viz';
import type { Chart } from './charts.js';
import type { Verdict } from './summary.js';

export interface ReportContent {
  title: string;
  /** One line under the title: dataset, network, sizes. */
  subtitle: string;
  /** How the baseline did (a sentence). */
  baseline: string | null;
  /** The sentence that introduces the verdicts: how many help, and how they were judged. */
  verdictsLead: string;
  verdicts: Verdict[];
  /** Variant names, in table order (they pick the colours). */
  variants: string[];
  table: { header: string[]; rows: string[][] };
  charts: Chart[];
  /** Label -> value, in order. */
  settings: [string, string][];
  /** What each variant is. */
  descriptions: [string, string][];
  /** The command that reproduces the run. */
  command: string;
}

const CSS = `
body { font: 15px/1.5 Helvetica, Arial, sans-serif; color: #222; margin: 0; background: #f6f6f4; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 32px 48px; background: white; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 36px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.subtitle { color: #555; margin: 0 0 16px; }
.verdicts { list-style: none; padding: 0; margin: 8px 0; }
.verdicts li { margin: 8px 0; padding-left: 10px; border-left: 4px solid var(--c); }
.kind { font-weight: bold; }
.kind.helps { color: #2a7a2a; } .kind.hurts { color: #b02a2a; } .kind.none { color: #666; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin: 8px 0; }
th, td { padding: 5px 10px; border-bottom: 1px solid #e4e4e4; text-align: right; white-space: nowrap; }
th { font-weight: 600; border-bottom: 2px solid #bbb; }
th:first-child, td:first-child { text-align: left; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; background: var(--c); }
figure { margin: 12px 0 28px; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: 14px; max-width: 800px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
dt { color: #555; } dd { margin: 0; }
pre { background: #f2f2f2; padding: 10px 12px; white-space: pre-wrap; overflow-wrap: anywhere; font-size: 13px; }
`;

export function reportHtml(content: ReportContent): string {
  const colors = seriesColors(content.variants);
  const color = (name: string): string => colors.range[colors.domain.indexOf(name)] ?? '#999';
  const swatch = (name: string): string => `<span class="swatch" style="--c:${color(name)}"></span>`;
  const verdicts = content.verdicts.map((v) => {
    const kind = v.kind === 'helps' ? 'helps' : v.kind === 'hurts' ? 'hurts' : 'none';
    const label = v.kind === 'helps' ? 'Helps.' : v.kind === 'hurts' ? 'Hurts on this data.' : 'No measurable help on this data.';
    return `<li style="--c:${color(v.name)}"><b>${escapeHtml(v.name)}</b>: <span class="kind ${kind}">${label}</span> ${escapeHtml(v.text)}</li>`;
  });
  const head = content.table.header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const rows = content.table.rows.map((row) => `<tr>${row.map((cell, c) => `<td>${c === 0 ? swatch(cell) : ''}${escapeHtml(cell)}</td>`).join('')}</tr>`);
  const charts = content.charts.map((chart) => `<figure id="${chart.id}"><h2>${escapeHtml(chart.title)}</h2>${chart.svg}<figcaption>${escapeHtml(chart.caption)}</figcaption></figure>`);
  const list = (pairs: [string, string][]): string => `<dl>${pairs.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(content.title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>${escapeHtml(content.title)}</h1>
<p class="subtitle">${escapeHtml(content.subtitle)}</p>
<h2>What it shows</h2>
${content.baseline ? `<p>${escapeHtml(content.baseline)}</p>` : '<p>No baseline (<code>none</code>) in this run, so no verdicts against it.</p>'}
${content.verdicts.length ? `<p>${escapeHtml(content.verdictsLead)}</p>` : ''}
<ul class="verdicts">
${verdicts.join('\n')}
</ul>
<h2>Results</h2>
<table>
<thead><tr>${head}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
<p class="subtitle">Accuracies of the final weights (for early stopping: the restored best epoch's), in inference mode. Gap = train − final validation accuracy. Time: training only. |w| &lt; 1e-3: share of all Dense kernel weights.</p>
${charts.join('\n')}
<h2>Settings</h2>
${list(content.settings)}
<h3>Variants</h3>
${list(content.descriptions)}
<h3>Reproduce</h3>
<pre>${escapeHtml(content.command)}</pre>
</main>
</body>
</html>
`;
}

/** Text for HTML: & < > " escaped. */
function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
