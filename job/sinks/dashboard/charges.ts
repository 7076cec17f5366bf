import type { ChargeMargin } from '../../report/aggregates/margin';
import type { Manifest } from '../manifest';
import { count, escapeHtml, roundedDecimal, usd } from './format';
import { figure, kpi, table } from './html';
import { type BarPair, PALETTE, pairedBars } from './svg';

/**
 * The dashboard's view of what the operator charged (rate deck or markup) against the AWS cost:
 * headline figures and a per-connector chart and table. Nothing without a deck or markup.
 */

/** Connectors drawn in the chart (the table lists them all). */
const TOP_PAIRS = 15;

function money(amount: string, currency: string): string {
  return currency === 'USD' ? usd(amount) : `${roundedDecimal(amount, 2)} ${currency}`;
}

function percent(text: string | null): string {
  return text === null ? '' : `${text} %`;
}

function sourceOf(m: Manifest): string {
  return m.rateDeck ? 'rate deck' : m.markupPercent !== null ? `markup ${m.markupPercent} %` : 'charges';
}

/** The headline figures: charged, the AWS cost compared with it, the margin (or why none), what is left out. */
export function chargeKpis(m: Manifest): string {
  const c = m.chargeMargin;
  if (!c) return '';
  const margin =
    c.margin === null
      ? kpi('Margin', 'n/a', c.note, 'data-margin', 'none')
      : kpi(
          'Margin',
          `${usd(c.margin)}${c.marginPercent === null ? '' : ` (${c.marginPercent} %)`}`,
          `exact ${c.margin} USD; ${c.note}`,
          'data-margin',
          c.margin,
        );
  return (
    '<section class="kpis" id="charge-kpis">' +
    kpi(
      'Charged',
      money(c.chargedAmount, c.currency),
      `exact ${c.chargedAmount} ${c.currency} over ${count(c.chargedCalls)} calls (${sourceOf(m)})`,
      'data-charged-total',
      c.chargedAmount,
    ) +
    kpi(
      'AWS cost of the charged calls',
      usd(c.marginCost),
      `exact ${c.marginCost} USD over the ${count(c.marginCalls)} calls with both a charge and an AWS cost`,
      'data-margin-cost',
      c.marginCost,
    ) +
    margin +
    kpi(
      'Outside the margin',
      count(c.chargedWithoutCost + c.costWithoutCharge),
      `${count(c.chargedWithoutCost)} charged call(s) AWS could not rate; ${count(c.costWithoutCharge)} rated call(s) without a charge` +
        (m.rateDeck ? ` (${count(m.deckNoMatch)} call(s) without a deck row)` : ''),
      'data-outside-margin',
      String(c.chargedWithoutCost + c.costWithoutCharge),
    ) +
    '</section>'
  );
}

function totalRow(m: Manifest, c: ChargeMargin, comparable: boolean): string[] {
  const calls = String(m.recordsRated + m.recordsUnrated);
  return comparable
    ? [
        'Total',
        count(Number(calls)),
        m.totalCost,
        count(c.chargedCalls),
        c.chargedAmount,
        count(c.marginCalls),
        c.margin ?? '',
        percent(c.marginPercent),
      ]
    : ['Total', count(Number(calls)), m.totalCost, count(c.chargedCalls), c.chargedAmount];
}

/**
 * Charged vs AWS cost per connector: a paired bar chart (top connectors by cost) with the full table
 * as its fallback when the charges are in USD; the table alone, with a plain sentence saying no
 * margin is computed, when they are not.
 */
export function chargesSection(m: Manifest, label: (connector: string) => string): string {
  const c = m.chargeMargin;
  if (!c) return '';
  const comparable = c.margin !== null;
  const id = 'charged-vs-cost';
  const title = 'Charged vs AWS cost per connector';
  const headers = comparable
    ? [
        'Connector',
        'Calls',
        'AWS cost (USD)',
        'Charged calls',
        `Charged (${c.currency})`,
        'Margin calls',
        'Margin (USD)',
        'Margin %',
      ]
    : ['Connector', 'Calls', 'AWS cost (USD)', 'Charged calls', `Charged (${c.currency})`];
  const rows = m.costByConnector.map((x) => {
    const ch = x.charges;
    const base = [label(x.connector), count(x.calls), x.cost, count(ch?.chargedCalls ?? 0), ch?.chargedAmount ?? '0'];
    return comparable
      ? [...base, count(ch?.marginCalls ?? 0), ch?.margin ?? '', percent(ch?.marginPercent ?? null)]
      : base;
  });
  const numeric = headers.map((_, i) => i > 0);
  const fallback = table(headers, [...rows, totalRow(m, c, comparable)], numeric);
  if (!comparable) {
    return (
      `<section class="card wide" id="${id}"><h2>${escapeHtml(title)}</h2>` +
      `<p class="warn" data-margin-note>${escapeHtml(`Charges are in ${c.currency}, AWS cost in USD: no margin is computed.`)}</p>` +
      `${fallback}</section>`
    );
  }
  const pairs: BarPair[] = m.costByConnector.slice(0, TOP_PAIRS).map((x) => {
    const charged = x.charges?.chargedAmount ?? '0';
    return {
      label: label(x.connector),
      values: [Number(x.cost), Number(charged)],
      texts: [usd(x.cost), usd(charged)],
    };
  });
  const chart = pairedBars({
    id,
    title: `${title} (USD)`,
    pairs,
    names: ['AWS cost', `Charged (${sourceOf(m)})`],
    colors: [PALETTE[0] as string, PALETTE[1] as string],
  });
  const note =
    `<p class="note">${escapeHtml(`Margin = charged − AWS cost, ${c.note}.`)}` +
    `${m.costByConnector.length > TOP_PAIRS ? ` The chart shows the ${TOP_PAIRS} connectors with the highest cost; the table lists all.` : ''}</p>`;
  return figure(id, title, `${chart}${note}`, fallback, 'card wide');
}
