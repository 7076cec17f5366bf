import { createHash } from 'node:crypto';
import { formatDecimal, parseDecimal } from '../../core/decimal';
import { COST_SCALE, MINUTES_SCALE } from '../../core/schema';
import { type AggregateRow, compareText, type HourRow } from '../../report/aggregates/rows';
import type { PreviousPeriod } from '../insight-history';
import type { Manifest } from '../manifest';
import { chargeKpis, chargesSection } from './charges';
import { change, count, escapeHtml, roundedDecimal, usd } from './format';
import { figure, kpi, table } from './html';
import { DASHBOARD_CSS } from './style';
import { type Bar, horizontalBars, PALETTE, type Series, stackedColumns } from './svg';

/** What the dashboard shows: the manifest (totals, breakdowns, anomalies) and the aggregate rows. */
export interface DashboardInput {
  readonly manifest: Manifest;
  readonly rows: readonly AggregateRow[];
  readonly hourRows: readonly HourRow[];
  readonly previous: PreviousPeriod | undefined;
  /** Display name of a connector, when known. */
  readonly connectorName?: (connector: string) => string | undefined;
}

/** Connectors shown as their own series before the rest is folded into "other". */
const TOP_CONNECTORS = 8;
/** Bars of the top-N charts. */
const TOP_BARS = 15;
/** Rows of the anomaly table (the manifest has them all). */
const MAX_ANOMALY_ROWS = 200;

/** Opens every table fallback before printing (the only script; allowed by the page's CSP hash). */
const PRINT_SCRIPT =
  "addEventListener('beforeprint',()=>{for(const d of document.querySelectorAll('details'))d.open=true})";

const money = (scaled: bigint) => formatDecimal(scaled, COST_SCALE);
const num = (scaled: bigint) => Number(money(scaled));

interface ConnectorSeries {
  readonly names: readonly string[];
  readonly keyOf: (connector: string) => number;
}

/** The top connectors by cost, each its own series, and "other" for the rest. */
function connectorSeries(manifest: Manifest, label: (c: string) => string): ConnectorSeries {
  const top = manifest.costByConnector.slice(0, TOP_CONNECTORS).map((c) => c.connector);
  const index = new Map(top.map((c, i) => [c, i]));
  const other = manifest.costByConnector.length > TOP_CONNECTORS;
  const names = [...top.map(label), ...(other ? [`${manifest.costByConnector.length - TOP_CONNECTORS} other`] : [])];
  return { names, keyOf: (c) => index.get(c) ?? top.length };
}

function costPerDayChart(input: DashboardInput, label: (c: string) => string): string {
  const { manifest, rows } = input;
  const days = manifest.costByDay.map((d) => d.day);
  const dayIndex = new Map(days.map((d, i) => [d, i]));
  const series = connectorSeries(manifest, label);
  const sums = series.names.map(() => days.map(() => 0n));
  for (const row of rows) {
    const d = dayIndex.get(row.day);
    if (d === undefined) continue;
    const s = sums[series.keyOf(row.connector)] as bigint[];
    s[d] = (s[d] as bigint) + row.cost;
  }
  const chartSeries: Series[] = series.names.map((name, i) => ({
    name,
    color: PALETTE[i % PALETTE.length] as string,
    values: (sums[i] as bigint[]).map(num),
  }));
  const chart = stackedColumns({
    id: 'cost-per-day',
    title: 'Cost per day, stacked by connector (USD)',
    categories: days.map((d) => d.slice(5)),
    series: chartSeries,
    axisLabel: 'USD',
  });
  const fallback = table(
    ['Day', ...series.names, 'Total (USD)'],
    manifest.costByDay.map((d) => [
      d.day,
      ...sums.map((s) => money(s[dayIndex.get(d.day) as number] as bigint)),
      d.cost,
    ]),
    [false, ...series.names.map(() => true), true],
  );
  return figure('cost-per-day', 'Cost per day by connector', chart, fallback);
}

function barsFigure(
  id: string,
  title: string,
  entries: readonly { label: string; calls: number; minutes: string; cost: string }[],
  color: string,
  labelHeader: string,
): string {
  const shown = entries.slice(0, TOP_BARS);
  const bars: Bar[] = shown.map((e) => ({ label: e.label, value: Number(e.cost), valueText: usd(e.cost) }));
  const rest = entries.slice(TOP_BARS);
  const restRow =
    rest.length > 0
      ? [
          [
            `${rest.length} more`,
            count(rest.reduce((s, e) => s + e.calls, 0)),
            formatDecimal(
              rest.reduce((s, e) => s + parseDecimal(e.minutes, MINUTES_SCALE), 0n),
              MINUTES_SCALE,
            ),
            money(rest.reduce((s, e) => s + parseDecimal(e.cost, COST_SCALE), 0n)),
          ],
        ]
      : [];
  const fallback = table(
    [labelHeader, 'Calls', 'Billable minutes', 'Cost (USD)'],
    [...shown.map((e) => [e.label, count(e.calls), e.minutes, e.cost]), ...restRow],
    [false, true, true, true],
  );
  return figure(id, title, horizontalBars({ id, title, bars, color }), fallback);
}

function callsByHourChart(input: DashboardInput, label: (c: string) => string): string {
  const series = connectorSeries(input.manifest, label);
  const calls = series.names.map(() => new Array<number>(24).fill(0));
  const totals = new Array<number>(24).fill(0);
  const costs = new Array<bigint>(24).fill(0n);
  for (const row of input.hourRows) {
    const perConnector = calls[series.keyOf(row.connector)] as number[];
    perConnector[row.hour] = (perConnector[row.hour] as number) + row.calls;
    totals[row.hour] = (totals[row.hour] as number) + row.calls;
    costs[row.hour] = (costs[row.hour] as bigint) + row.cost;
  }
  const hours = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));
  const chart = stackedColumns({
    id: 'calls-by-hour',
    title: 'Calls by hour of day (UTC), stacked by connector',
    categories: hours,
    series: series.names.map((name, i) => ({
      name,
      color: PALETTE[i % PALETTE.length] as string,
      values: calls[i] as number[],
    })),
    axisLabel: 'calls',
    labelEvery: 2,
  });
  const fallback = table(
    ['Hour (UTC)', 'Calls', 'Cost (USD)'],
    hours.map((h, i) => [`${h}:00`, count(totals[i] as number), money(costs[i] as bigint)]),
    [false, true, true],
  );
  return figure('calls-by-hour', 'Calls by hour of day (UTC)', chart, fallback);
}

function header(input: DashboardInput): string {
  const m = input.manifest;
  const calls = m.recordsRated + m.recordsUnrated;
  let unratedMinutes = 0n;
  for (const r of input.rows) unratedMinutes += r.unratedMinutes;
  const ratedMinutes = parseDecimal(m.totalBillableMinutes, MINUTES_SCALE) - unratedMinutes;
  const total = parseDecimal(m.totalCost, COST_SCALE);
  const perMinute =
    ratedMinutes === 0n ? '0' : formatDecimal((total * 10n ** BigInt(MINUTES_SCALE)) / ratedMinutes, COST_SCALE);
  const p = input.previous;
  const vs = p ? `previous ${m.frequency} (${p.periodStart}..${p.periodEnd})` : undefined;
  const costChange = p ? change(Number(m.totalCost), Number(p.totalCost)) : undefined;
  const callsChange = p ? change(calls, p.calls) : undefined;
  const minutesChange = p?.totalBillableMinutes
    ? change(Number(m.totalBillableMinutes), Number(p.totalBillableMinutes))
    : undefined;
  const none = `no previous ${m.frequency} period in the destination`;
  return (
    `<section class="kpis">` +
    kpi(
      'Total cost',
      `${usd(m.totalCost)}`,
      p ? `${costChange ?? 'n/a'} vs ${vs}; exact ${m.totalCost} USD` : `exact ${m.totalCost} USD; ${none}`,
      'data-total-cost',
      m.totalCost,
    ) +
    kpi(
      'Calls',
      count(calls),
      p ? `${callsChange ?? 'n/a'} vs ${vs}` : `${count(m.recordsRated)} rated, ${count(m.recordsUnrated)} unrated`,
      'data-calls',
      String(calls),
    ) +
    kpi(
      'Billable minutes',
      roundedDecimal(m.totalBillableMinutes, 1),
      p ? `${minutesChange ?? 'n/a'} vs ${vs}` : `exact ${m.totalBillableMinutes}`,
      'data-minutes',
      m.totalBillableMinutes,
    ) +
    kpi(
      'Average cost per minute',
      `$${roundedDecimal(perMinute, 4)}`,
      'rated calls only',
      'data-cost-per-minute',
      perMinute,
    ) +
    `</section>`
  );
}

function anomaliesSection(m: Manifest, label: (c: string) => string): string {
  const history = m.anomalyHistory;
  const shown = m.anomalies.slice(0, MAX_ANOMALY_ROWS);
  const rows = shown.map((a) => [
    a.day,
    a.hour === undefined ? '' : `${String(a.hour).padStart(2, '0')}:00`,
    a.kind,
    label(a.connector),
    a.destination ?? '',
    count(a.calls),
    a.cost,
    a.baseline,
  ]);
  const more =
    m.anomalies.length > shown.length
      ? `<p class="note">${m.anomalies.length - shown.length} more in the manifest.</p>`
      : '';
  const status =
    history.status === 'none'
      ? `<p class="warn" data-history="none">${escapeHtml(history.note.charAt(0).toUpperCase() + history.note.slice(1))}.</p>`
      : `<p class="note" data-history="${history.status}">History: ${escapeHtml(history.note)}.</p>`;
  const body =
    m.anomalies.length === 0
      ? `<p class="ok" data-anomalies="0">No anomaly found.</p>`
      : `<p class="bad" data-anomalies="${m.anomalies.length}">${m.anomalies.length} anomal${m.anomalies.length === 1 ? 'y' : 'ies'} found.</p>` +
        table(['Day', 'Hour', 'Kind', 'Connector', 'Destination', 'Calls', 'Cost (USD)', 'Baseline'], rows, [
          false,
          false,
          false,
          false,
          false,
          true,
          true,
          true,
        ]);
  return `<section class="card wide" id="anomalies"><h2>Anomalies</h2>${status}${body}${more}</section>`;
}

function unratedSection(m: Manifest): string {
  const unrated = Object.entries(m.unratedByStatus);
  const unratedTable =
    m.unratedMinutesByUsageType.length === 0
      ? '<p class="ok">Every call was rated.</p>'
      : table(
          ['Status', 'Usage type', 'Calls', 'Billable minutes'],
          m.unratedMinutesByUsageType.map((u) => [
            u.status,
            u.usageType || '(none)',
            count(u.calls),
            u.billableMinutes,
          ]),
          [false, false, true, true],
        );
  const rejects = Object.entries(m.rejectedByCode);
  const rejectsTable =
    rejects.length === 0
      ? '<p class="ok">No object was rejected.</p>'
      : table(
          ['Reject code', 'Objects'],
          rejects.map(([code, n]) => [code, count(n)]),
          [false, true],
        );
  return (
    `<section class="card wide" id="unrated"><h2>Unrated and rejected</h2>` +
    `<p><span data-unrated="${m.recordsUnrated}">${count(m.recordsUnrated)}</span> unrated call(s)` +
    `${unrated.length > 0 ? ` (${unrated.map(([s, n]) => `${escapeHtml(s)}: ${count(n)}`).join(', ')})` : ''}; ` +
    `<span data-rejected="${m.recordsRejected}">${count(m.recordsRejected)}</span> rejected object(s), listed in <code>${escapeHtml(m.rejectsKey)}</code>.</p>` +
    `<div class="two">${unratedTable}${rejectsTable}</div></section>`
  );
}

/**
 * The period's dashboard: ONE self-contained HTML file (inline CSS, inline SVG charts rendered here,
 * one small inline script for printing; a Content-Security-Policy that forbids every network request),
 * readable from disk, S3 or a presigned link, printable.
 */
export function renderDashboard(input: DashboardInput): string {
  const m = input.manifest;
  const name = input.connectorName;
  const names = new Map(m.costByConnector.map((x) => [x.connector, x.connectorName]));
  const label = (c: string) => {
    const known = name?.(c) ?? names.get(c);
    return known ? `${known} (${c})` : c;
  };
  const service =
    m.service === 'AmazonChimeBusinessCalling' ? 'Amazon Chime Business Calling' : 'Amazon Chime Voice Connector';
  const title = `${service} · ${m.frequency} ${m.periodStart} – ${m.periodEnd}`;
  const usage = [...m.costByUsageType]
    .sort((a, b) => {
      const x = parseDecimal(a.cost, COST_SCALE);
      const y = parseDecimal(b.cost, COST_SCALE);
      return x === y ? compareText(a.usageType, b.usageType) : x > y ? -1 : 1;
    })
    .map((u) => {
      let minutes = 0n;
      for (const r of input.rows) if (r.usageType === u.usageType) minutes += r.minutes - r.unratedMinutes;
      return { label: u.usageType, calls: u.calls, minutes: formatDecimal(minutes, MINUTES_SCALE), cost: u.cost };
    });
  const countries = m.costByDestinationCountry.map((c) => ({
    label: c.country || '(unknown)',
    calls: c.calls,
    minutes: c.billableMinutes,
    cost: c.cost,
  }));
  const scriptHash = createHash('sha256').update(PRINT_SCRIPT).digest('base64');
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${scriptHash}'; base-uri 'none'; form-action 'none'`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${DASHBOARD_CSS}</style>`,
    `<script>${PRINT_SCRIPT}</script>`,
    '</head><body>',
    `<header><h1>${escapeHtml(title)}</h1><p class="sub">${escapeHtml(m.source)} · ${count(m.objectsRead)} objects read · generated ${escapeHtml(m.finishedAt)}</p></header>`,
    '<main>',
    header(input),
    chargeKpis(m),
    '<div class="grid">',
    costPerDayChart(input, label),
    barsFigure('top-destinations', 'Top destination countries by cost', countries, PALETTE[0] as string, 'Country'),
    barsFigure('cost-by-usage-type', 'Cost by usage type', usage, PALETTE[2] as string, 'Usage type'),
    callsByHourChart(input, label),
    '</div>',
    chargesSection(m, label),
    anomaliesSection(m, label),
    unratedSection(m),
    `<footer><p>Report <code>${escapeHtml(m.csvKey)}</code> · aggregates <code>${escapeHtml(m.aggregatesKey)}</code> · ${count(m.parquetKeys.length)} Parquet file(s) · prices ${escapeHtml(m.priceVersions.map((v) => v.id).join(', '))}</p></footer>`,
    '</main></body></html>',
    '',
  ].join('\n');
}
