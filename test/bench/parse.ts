/**
 * Throughput of parseCdr on realistic VC and BC objects, single-threaded.
 * Run: npx tsx test/bench/parse.ts [objects]
 */
import { parseCdr } from '../../job/cdr/parse';
import { schemaFor } from '../../job/core/schema';
import { BC_DOC_EXAMPLE, jsonBytes, textBytes, VC_DOC_EXAMPLE, VC_SAMPLE_2_TEXT } from '../fixtures/cdr-examples';

const count = Number(process.argv[2] ?? 1_000_000);
const options = { nowEpochSeconds: 1_700_000_000 };

function bench(
  label: string,
  inputs: Uint8Array[],
  service: 'AmazonChimeVoiceConnector' | 'AmazonChimeBusinessCalling',
): void {
  const schema = schemaFor(service);
  let ok = 0;
  for (let i = 0; i < 20_000; i++) parseCdr(inputs[i % inputs.length] as Uint8Array, schema, options);
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  for (let i = 0; i < count; i++) if (parseCdr(inputs[i % inputs.length] as Uint8Array, schema, options).ok) ok++;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuSeconds = process.cpuUsage(cpu).user / 1e6;
  const bytes = inputs.reduce((sum, b) => sum + b.length, 0) / inputs.length;
  // CPU time too: on a shared machine it moves far less than the wall time.
  console.log(
    `${label}: ${count} objects (~${Math.round(bytes)} B) in ${seconds.toFixed(2)} s = ${Math.round(count / seconds).toLocaleString('en-US')} objects/s (${ok} ok); ${((cpuSeconds / count) * 1e6).toFixed(2)} µs CPU per object`,
  );
}

// Distinct buffers (varying ids/times) so nothing is cached by identity.
const vc: Uint8Array[] = [];
const bc: Uint8Array[] = [];
for (let i = 0; i < 1000; i++) {
  vc.push(
    jsonBytes({
      ...VC_DOC_EXAMPLE,
      TransactionId: `${i.toString(16).padStart(8, '0')}-dd5b-4b3b-b1e6-bff0203ed124`,
      StartTimeEpochSeconds: 1_602_100_483 + i,
      EndTimeEpochSeconds: 1_602_100_513 + i,
      BillableDurationSeconds: 6 * (i % 50),
      BillableDurationMinutes: (i % 50) / 10,
      IsProxyCall: false,
    }),
  );
  bc.push(
    jsonBytes({
      ...BC_DOC_EXAMPLE,
      StartTimeEpochSeconds: String(1_556_009_611 + i),
      EndTimeEpochSeconds: String(1_556_009_623 + i),
    }),
  );
}
vc.push(textBytes(VC_SAMPLE_2_TEXT));
bench('VC', vc, 'AmazonChimeVoiceConnector');
bench('BC', bc, 'AmazonChimeBusinessCalling');
