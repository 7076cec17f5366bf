/**
 * Charts rendered to SVG text at build time: no script, no library, nothing fetched; they print as
 * vectors. Geometry uses JS numbers; every label that shows money comes from exact decimal text.
 */

import { compact, escapeHtml } from './format';

/** One stacked series (a connector, say): a value per category. */
export interface Series {
  readonly name: string;
  readonly color: string;
  readonly values: readonly number[];
}

/** One bar of a horizontal bar chart. */
export interface Bar {
  readonly label: string;
  readonly value: number;
  /** Text shown at the end of the bar (exact or rounded money, a count). */
  readonly valueText: string;
}

/** Colour-blind-safe palette (Okabe–Ito, then greys for the rest). */
export const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#F0E442',
  '#000000',
  '#999999',
];

/** Round tick values covering 0..max. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function svgOpen(width: number, height: number, title: string, id: string): string {
  return (
    `<svg class="chart" role="img" aria-labelledby="${id}-t" viewBox="0 0 ${width} ${height}" width="100%" ` +
    `preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg"><title id="${id}-t">${escapeHtml(title)}</title>`
  );
}

const n = (v: number) => Number(v.toFixed(1)).toString();

/** Vertical columns, stacked by series, one column per category; a legend below. */
export function stackedColumns(input: {
  readonly id: string;
  readonly title: string;
  readonly categories: readonly string[];
  readonly series: readonly Series[];
  readonly axisLabel: string;
  /** Show every k-th category label (long periods). Default: chosen to fit. */
  readonly labelEvery?: number;
}): string {
  const width = 600;
  const legendRows = Math.ceil(input.series.length / 2);
  const plotTop = 16;
  const plotHeight = 220;
  const left = 56;
  const right = 12;
  const height = plotTop + plotHeight + 34 + legendRows * 18 + 6;
  const plotWidth = width - left - right;
  const totals = input.categories.map((_, i) => input.series.reduce((s, x) => s + (x.values[i] ?? 0), 0));
  const ticks = niceTicks(Math.max(0, ...totals));
  const top = ticks[ticks.length - 1] as number;
  const y = (v: number) => plotTop + plotHeight - (top === 0 ? 0 : (v / top) * plotHeight);
  const slot = plotWidth / Math.max(1, input.categories.length);
  const barWidth = Math.max(2, Math.min(48, slot * 0.7));
  const every = input.labelEvery ?? Math.max(1, Math.ceil(input.categories.length / 12));
  const parts = [svgOpen(width, height, input.title, input.id)];
  for (const t of ticks) {
    parts.push(
      `<line class="grid" x1="${left}" x2="${width - right}" y1="${n(y(t))}" y2="${n(y(t))}"/>` +
        `<text class="tick" x="${left - 6}" y="${n(y(t) + 4)}" text-anchor="end">${compact(t)}</text>`,
    );
  }
  parts.push(
    `<text class="axis" transform="translate(12 ${plotTop + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(input.axisLabel)}</text>`,
  );
  input.categories.forEach((category, i) => {
    const x = left + slot * i + (slot - barWidth) / 2;
    let base = 0;
    for (const s of input.series) {
      const v = s.values[i] ?? 0;
      if (v <= 0) continue;
      const y0 = y(base);
      const y1 = y(base + v);
      parts.push(
        `<rect x="${n(x)}" y="${n(y1)}" width="${n(barWidth)}" height="${n(Math.max(0.5, y0 - y1))}" fill="${s.color}"><title>${escapeHtml(`${category} · ${s.name}: ${v}`)}</title></rect>`,
      );
      base += v;
    }
    if (i % every === 0)
      parts.push(
        `<text class="tick" x="${n(left + slot * i + slot / 2)}" y="${plotTop + plotHeight + 16}" text-anchor="middle">${escapeHtml(category)}</text>`,
      );
  });
  parts.push(
    `<line class="axisline" x1="${left}" x2="${width - right}" y1="${plotTop + plotHeight}" y2="${plotTop + plotHeight}"/>`,
  );
  input.series.forEach((s, i) => {
    const lx = left + (i % 2) * (plotWidth / 2);
    const ly = plotTop + plotHeight + 34 + Math.floor(i / 2) * 18;
    const label = s.name.length > 34 ? `${s.name.slice(0, 33)}…` : s.name;
    parts.push(
      `<rect x="${n(lx)}" y="${ly - 9}" width="10" height="10" fill="${s.color}"/><text class="legend" x="${n(lx + 14)}" y="${ly}">${escapeHtml(label)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}

/** Horizontal bars, largest first as given, labels on the left and values at the bar ends. */
export function horizontalBars(input: {
  readonly id: string;
  readonly title: string;
  readonly bars: readonly Bar[];
  readonly color: string;
}): string {
  const width = 600;
  const rowHeight = 22;
  const left = 215;
  const right = 70;
  const height = Math.max(1, input.bars.length) * rowHeight + 8;
  const max = Math.max(0, ...input.bars.map((b) => b.value));
  const plotWidth = width - left - right;
  const parts = [svgOpen(width, height, input.title, input.id)];
  input.bars.forEach((bar, i) => {
    const y = 4 + i * rowHeight;
    const w = max === 0 ? 0 : (bar.value / max) * plotWidth;
    const label = bar.label.length > 32 ? `${bar.label.slice(0, 31)}…` : bar.label;
    parts.push(
      `<text class="label" x="${left - 8}" y="${y + 15}" text-anchor="end">${escapeHtml(label)}</text>` +
        `<rect x="${left}" y="${y + 3}" width="${n(Math.max(w, bar.value > 0 ? 1 : 0))}" height="${rowHeight - 6}" fill="${input.color}"><title>${escapeHtml(`${bar.label}: ${bar.valueText}`)}</title></rect>` +
        `<text class="value" x="${n(left + w + 6)}" y="${y + 15}">${escapeHtml(bar.valueText)}</text>`,
    );
  });
  if (input.bars.length === 0) parts.push(`<text class="label" x="${left}" y="18">no data</text>`);
  parts.push('</svg>');
  return parts.join('');
}

/** One row of a paired bar chart: two values side by side (AWS cost and charged, say). */
export interface BarPair {
  readonly label: string;
  readonly values: readonly [number, number];
  /** Texts shown at the ends of the two bars. */
  readonly texts: readonly [string, string];
}

/** Horizontal bars in pairs, one pair per row on one scale, with a legend naming the two series. */
export function pairedBars(input: {
  readonly id: string;
  readonly title: string;
  readonly pairs: readonly BarPair[];
  readonly names: readonly [string, string];
  readonly colors: readonly [string, string];
}): string {
  const width = 600;
  const rowHeight = 34;
  const legend = 22;
  const left = 250;
  const right = 90;
  const height = legend + Math.max(1, input.pairs.length) * rowHeight + 6;
  const max = Math.max(0, ...input.pairs.flatMap((p) => p.values));
  const plotWidth = width - left - right;
  const parts = [svgOpen(width, height, input.title, input.id)];
  input.names.forEach((name, i) => {
    const x = left + i * 170;
    parts.push(
      `<rect x="${x}" y="4" width="10" height="10" fill="${input.colors[i]}"/><text class="legend" x="${x + 14}" y="13">${escapeHtml(name)}</text>`,
    );
  });
  input.pairs.forEach((pair, row) => {
    const y = legend + row * rowHeight;
    const label = pair.label.length > 30 ? `${pair.label.slice(0, 29)}…` : pair.label;
    parts.push(`<text class="label" x="${left - 8}" y="${y + 19}" text-anchor="end">${escapeHtml(label)}</text>`);
    pair.values.forEach((value, i) => {
      const w = max === 0 ? 0 : (Math.max(0, value) / max) * plotWidth;
      const top = y + 3 + i * 14;
      const text = pair.texts[i] as string;
      parts.push(
        `<rect x="${left}" y="${top}" width="${n(Math.max(w, value > 0 ? 1 : 0))}" height="12" fill="${input.colors[i]}"><title>${escapeHtml(`${pair.label} · ${input.names[i]}: ${text}`)}</title></rect>` +
          `<text class="value" x="${n(left + w + 6)}" y="${top + 10}">${escapeHtml(text)}</text>`,
      );
    });
  });
  if (input.pairs.length === 0) parts.push(`<text class="label" x="${left}" y="${legend + 18}">no data</text>`);
  parts.push('</svg>');
  return parts.join('');
}
