import Table from 'cli-table3';
import { formatDecimal, parseDecimal } from '../core/decimal';
import { COST_SCALE } from '../core/schema';
import type { Manifest } from '../sinks/manifest';
import { chargeSummaryLines } from './charge-summary';

/** Rows of each breakdown shown before the rest are folded into one line. */
const MAX_ROWS = 12;

/**
 * Decimal texts padded so their decimal points line up (`"1.5"`, `"12.25"` → `" 1.5 "`, `"12.25"`);
 * a text that is not a decimal (`-`) is right-aligned on the integer part.
 */
export function alignDecimals(values: readonly string[]): string[] {
  const split = values.map((v) => {
    const dot = v.indexOf('.');
    return /^-?\d+(\.\d+)?$/.test(v) ? (dot < 0 ? [v, ''] : [v.slice(0, dot), v.slice(dot)]) : [v, ''];
  });
  const whole = Math.max(0, ...split.map(([w]) => (w as string).length));
  const fraction = Math.max(0, ...split.map(([, f]) => (f as string).length));
  return split.map(([w, f]) => `${(w as string).padStart(whole)}${(f as string).padEnd(fraction)}`);
}

/** cli-table3 borders of the plain ASCII form: columns two spaces apart, a dashed rule under the header. */
const PLAIN_CHARS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '-',
  'mid-mid': '  ',
  right: '',
  'right-mid': '',
  middle: '  ',
};

/** How the summary is drawn: plain ASCII (files, pipes, TERM=dumb), or with box-drawing borders (a terminal). */
export interface SummaryStyle {
  readonly boxes?: boolean;
}

/**
 * A table drawn by cli-table3: the header, the body, a rule, and the last row (the total). Decimal
 * columns are aligned on their decimal points first.
 */
function table(rows: string[][], decimalColumns: readonly number[], style: SummaryStyle): string {
  const aligned = rows.map((r) => [...r]);
  for (const c of decimalColumns) {
    const cells = alignDecimals(rows.slice(1).map((r) => r[c] ?? ''));
    cells.forEach((cell, i) => {
      (aligned[i + 1] as string[])[c] = cell;
    });
  }
  const [header = [], ...body] = aligned;
  const widths = header.map((_, c) => Math.max(...aligned.map((r) => (r[c] ?? '').length)));
  const rule = widths.map((w) => (style.boxes ? '─' : '-').repeat(w));
  const drawn = new Table({
    head: header,
    colAligns: header.map((_, c) => (c === 0 ? 'left' : 'right')),
    style: style.boxes
      ? { head: [], border: [], compact: true }
      : { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 0 },
    ...(style.boxes ? {} : { chars: PLAIN_CHARS }),
  });
  drawn.push(...body.slice(0, -1), rule, body[body.length - 1] ?? []);
  return drawn
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}

interface Line {
  readonly label: string;
  readonly calls: number;
  readonly cost: string;
}

/** The biggest `MAX_ROWS` lines, the rest folded into one, then a total. */
function breakdown(
  title: string,
  lines: readonly Line[],
  extra: string[][],
  total: string[],
  more: string,
  style: SummaryStyle,
): string {
  const rows: string[][] = [[title, 'Calls', 'Cost (USD)']];
  for (const l of lines.slice(0, MAX_ROWS)) rows.push([l.label, String(l.calls), l.cost]);
  if (lines.length > MAX_ROWS) {
    const rest = lines.slice(MAX_ROWS);
    const cost = formatDecimal(
      rest.reduce((sum, l) => sum + parseDecimal(l.cost, COST_SCALE), 0n),
      COST_SCALE,
    );
    rows.push([`(${rest.length} more ${more})`, String(rest.reduce((n, l) => n + l.calls, 0)), cost]);
  }
  rows.push(...extra, total);
  return table(rows, [2], style);
}

const byCost = (a: Line, b: Line) => {
  const x = parseDecimal(a.cost, COST_SCALE);
  const y = parseDecimal(b.cost, COST_SCALE);
  return x === y ? 0 : x > y ? -1 : 1;
};

/**
 * The end-of-run summary: where the outputs are, counts, calls and cost by usage type, by connector
 * and by day (decimal points aligned), anomalies, and the dashboard. Plain ASCII unless `style.boxes`.
 */
export function formatSummary(manifest: Manifest, destination: string, style: SummaryStyle = {}): string {
  const calls = String(manifest.recordsRated + manifest.recordsUnrated);
  const total = ['Total', calls, manifest.totalCost];
  const usage = breakdown(
    'Usage type',
    manifest.costByUsageType.map((t) => ({ label: t.usageType, calls: t.calls, cost: t.cost })).sort(byCost),
    Object.entries(manifest.unratedByStatus).map(([status, n]) => [status, String(n), '-']),
    total,
    'usage types',
    style,
  );
  const sections = [usage];
  if (manifest.costByConnector) {
    sections.push(
      breakdown(
        'Connector',
        manifest.costByConnector.map((c) => ({
          label: c.connectorName ? `${c.connectorName} (${c.connector})` : c.connector,
          calls: c.calls,
          cost: c.cost,
        })),
        [],
        total,
        'connectors',
        style,
      ),
    );
  }
  if (manifest.costByDay) {
    sections.push(
      breakdown(
        'Day',
        manifest.costByDay.map((d) => ({ label: d.day, calls: d.calls, cost: d.cost })),
        [],
        total,
        'days',
        style,
      ),
    );
  }
  const anomalies = manifest.anomalies ?? [];
  const anomalyLines =
    anomalies.length === 0
      ? [`anomalies none (${manifest.anomalyHistory?.note ?? 'not checked'})`]
      : [
          `anomalies ${anomalies.length} (see the dashboard and the manifest):`,
          ...anomalies.slice(0, 5).map((a) => `  ${a.detail}`),
          ...(anomalies.length > 5 ? [`  … ${anomalies.length - 5} more`] : []),
        ];
  const charged = chargeSummaryLines(manifest);
  return [
    `${manifest.service} ${manifest.frequency} ${manifest.periodStart} .. ${manifest.periodEnd}`,
    `objects read ${manifest.objectsRead}: rated ${manifest.recordsRated}, unrated ${manifest.recordsUnrated}, rejected ${manifest.recordsRejected}, other periods ${manifest.objectsOutsidePeriod}`,
    '',
    sections.join('\n\n'),
    '',
    ...anomalyLines,
    '',
    ...charged,
    `destination ${destination}`,
    `  report     ${manifest.csvKey}`,
    `  manifest   ${manifest.csvKey.replace(/[^/]+$/, 'manifest.json')}`,
    `  rejects    ${manifest.rejectsKey}`,
    `  parquet    ${manifest.parquetKeys.length} file(s) under ${manifest.csvKey.split('/')[0]}/parquet/`,
    `  aggregates ${manifest.aggregatesKey}`,
    `  dashboard  ${manifest.dashboardKey}`,
    `  focus      ${manifest.focusCsvKey} (+ Parquet, FOCUS ${manifest.focusVersion})`,
    '',
  ].join('\n');
}
