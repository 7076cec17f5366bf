import type { Manifest } from '../sinks/manifest';

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
  for (const t of manifest.costByUsageType) rows.push([t.usageType, String(t.calls), t.cost]);
  for (const [status, calls] of Object.entries(manifest.unratedByStatus)) rows.push([status, String(calls), '-']);
  rows.push(['Total', String(manifest.recordsRated + manifest.recordsUnrated), manifest.totalCost]);
  return [
    `${manifest.service} ${manifest.frequency} ${manifest.periodStart} .. ${manifest.periodEnd}`,
    `objects read ${manifest.objectsRead}: rated ${manifest.recordsRated}, unrated ${manifest.recordsUnrated}, rejected ${manifest.recordsRejected}, other periods ${manifest.objectsOutsidePeriod}`,
    '',
    table(rows, [false, true, true]),
    '',
    `destination ${destination}`,
    `  report    ${manifest.csvKey}`,
    `  manifest  ${manifest.csvKey.replace(/[^/]+$/, 'manifest.json')}`,
    `  rejects   ${manifest.rejectsKey}`,
    `  parquet   ${manifest.parquetKeys.length} file(s) under ${manifest.csvKey.split('/')[0]}/parquet/`,
    '',
  ].join('\n');
}
