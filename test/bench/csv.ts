/**
 * CPU cost of csvRows (spreadsheet-safe CSV rendering) on realistic Voice Connector rows.
 * Run: npx tsx test/unit/csv.bench.ts [rounds]
 */
import { parseDecimal } from '../../job/core/decimal';
import { MINUTES_SCALE, PRICE_SCALE, schemaFor } from '../../job/core/schema';
import { ReportBatch } from '../../job/report/report-batch';
import { csvRows } from '../../job/sinks/csv';

const rounds = Number(process.argv[2] ?? 20);
const VC = schemaFor('AmazonChimeVoiceConnector');
const rows = 32_768;
const names = ['North Campus Reception', 'Müller, "Hans"', 'Front desk', '', '=cmd'];
const columns = VC.columns.map((column) =>
  Array.from({ length: rows }, (_, r) => {
    switch (column.kind) {
      case 'string':
        if (column.name.endsWith('PhoneNumber')) return `+1206555${String(r % 10_000).padStart(4, '0')}`;
        if (column.name.endsWith('Name')) return names[r % names.length] as string;
        if (column.name === 'TransactionId' || column.name === 'CallId') {
          return `${r.toString(16).padStart(8, '0')}-dd5b-4b3b-b1e6-bff0203ed124`;
        }
        return column.name === 'UsageType' ? 'USE1-US-US-outbound-minutes' : 'Completed';
      case 'integer':
        return 1_740_528_000 + r;
      case 'timestamp':
        return 1_740_528_000_000 + r * 1000;
      case 'boolean':
        return r % 2 === 0;
      case 'minutes':
        return parseDecimal(String((r % 50) / 10), MINUTES_SCALE);
      case 'price':
        return parseDecimal('0.0048', PRICE_SCALE);
      default:
        return parseDecimal('0.0048', PRICE_SCALE) * parseDecimal(String((r % 50) / 10), MINUTES_SCALE);
    }
  }),
);
const batch = new ReportBatch(VC, columns, rows);
for (let i = 0; i < 3; i++) csvRows(VC, batch);
const cpu = process.cpuUsage();
for (let i = 0; i < rounds; i++) csvRows(VC, batch);
const micros = process.cpuUsage(cpu).user / (rounds * rows);
console.log(`csvRows: ${rounds} × ${rows} rows, ${micros.toFixed(3)} µs CPU per row`);
