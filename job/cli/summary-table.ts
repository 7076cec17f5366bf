import { formatDecimal, parseDecimal } from '../core/decimal';
import { COST_SCALE } from '../core/schema';
import type { Manifest } from '../sinks/manifest';

/** Usage types shown before the rest are folded into one line. */
const MAX_ROWS = 12;

function table(rows: string[][], rightAligned: boolean[]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  const line = (row: string[]) =>
    row.map((cell, c) => (rightAligned[c] ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const [header, ...body] = rows;
  return [line(header ?? []), rule, ...body.slice(0, -1).map(line), rule, line(body[body.length - 1] ?? [])].join('\n');
}

/** The end-of-run summary: where the outputs are, counts, and calls and cost by usage type. */
export function formatSummary(manifest: Manifest, destination: string): string {
  const rows: string[][] = [['Usage type', 'Calls', 'Cost (USD)']];
  // Largest costs first; a long tail is folded into one line (the manifest and CSV have them all).
  const byCost = [...manifest.costByUsageType].sort((a, b) => Number(b.cost) - Number(a.cost));
  for (const t of byCost.slice(0, MAX_ROWS)) rows.push([t.usageType, String(t.calls), t.cost]);
  if (byCost.length > MAX_ROWS) {
    const rest = byCost.slice(MAX_ROWS);
    const calls = rest.reduce((n, t) => n + t.calls, 0);
    const cost = formatDecimal(
      rest.reduce((sum, t) => sum + parseDecimal(t.cost, COST_SCALE), 0n),
      COST_SCALE,
    );
    rows.push([`(${rest.length} more usage types)`, String(calls), cost]);
  }
  for (const [status, calls] of Object.entries(manifest.unratedByStatus)) rows.push([status, String(calls), '-']);
  rows.push(['Total', String(manifest.recordsRated + manifest.recordsUnrated), manifest.totalCost]);
  const charged = manifest.chargedTotal
    ? [
        `charged ${manifest.chargedTotal.amount} ${manifest.chargedTotal.currency} over ${manifest.chargedTotal.calls} calls` +
          (manifest.rateDeck ? ` (rate deck; ${manifest.deckNoMatch} calls without a matching prefix)` : ' (markup)'),
        '',
      ]
    : [];
  return [
    `${manifest.service} ${manifest.frequency} ${manifest.periodStart} .. ${manifest.periodEnd}`,
    `objects read ${manifest.objectsRead}: rated ${manifest.recordsRated}, unrated ${manifest.recordsUnrated}, rejected ${manifest.recordsRejected}, other periods ${manifest.objectsOutsidePeriod}`,
    '',
    table(rows, [false, true, true]),
    '',
    ...charged,
    `destination ${destination}`,
    `  report    ${manifest.csvKey}`,
    `  manifest  ${manifest.csvKey.replace(/[^/]+$/, 'manifest.json')}`,
    `  rejects   ${manifest.rejectsKey}`,
    `  parquet   ${manifest.parquetKeys.length} file(s) under ${manifest.csvKey.split('/')[0]}/parquet/`,
    `  focus     ${manifest.focusCsvKey} (+ Parquet, FOCUS ${manifest.focusVersion})`,
    '',
  ].join('\n');
}
