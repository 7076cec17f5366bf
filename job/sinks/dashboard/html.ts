import { escapeHtml } from './format';

/** The dashboard's HTML building blocks: tables (the charts' fallbacks), chart cards, headline figures. */

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A header cell's text: long names (connector ids) shortened, the full name kept in its title. */
function headerCell(text: string, numeric: boolean): string {
  const short = text.length > 14 ? `${text.slice(0, 12)}…` : text;
  const title = short === text ? '' : ` title="${escapeHtml(text)}"`;
  return `<th${numeric ? ' class="num"' : ''} scope="col"${title}>${escapeHtml(short)}</th>`;
}

/** A table (`numeric` columns right-aligned); every chart's fallback and the dashboard's lists. */
export function table(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  numeric: readonly boolean[],
  caption?: string,
): string {
  const head = headers.map((h, i) => headerCell(h, numeric[i] === true)).join('');
  const body = rows
    .map(
      (r) =>
        `<tr>${r.map((cell, i) => `<td${numeric[i] ? ' class="num"' : DAY.test(cell) ? ' class="day"' : ''}>${escapeHtml(cell)}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<div class="wrap"><table>${caption ? `<caption>${escapeHtml(caption)}</caption>` : ''}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/** A chart card: its title, the SVG chart and its table fallback (opened for printing). */
export function figure(id: string, title: string, chart: string, fallback: string, className = 'card'): string {
  return (
    `<section class="${className}" id="${id}"><h2>${escapeHtml(title)}</h2><figure data-chart="${id}">${chart}</figure>` +
    `<details><summary>Table</summary>${fallback}</details></section>`
  );
}

/** One headline figure: the value shown, a note, and the exact value in a data attribute. */
export function kpi(label: string, value: string, note: string, attribute: string, exact: string): string {
  return `<div class="kpi"><div class="kpi-label">${escapeHtml(label)}</div><div class="kpi-value" ${attribute}="${escapeHtml(exact)}">${escapeHtml(value)}</div><div class="kpi-note">${escapeHtml(note)}</div></div>`;
}
