/**
 * Micro-benchmark of the rater's hot path: nanoseconds per call to rate Voice Connector calls (usage
 * type lookup) and Business Calling calls (identification from traits, with the called number
 * classified by libphonenumber when the matching products differ in NumberType).
 *
 *   npx tsx test/bench/rate-business-calling.ts [calls]
 *
 * Prints one line per case: calls, ns/call, calls/s on one core. "cold" builds a new rate table
 * (empty caches, every number classified afresh) and rates each call once.
 */

import { parseCdr } from '../../job/cdr/parse';
import type { CdrRecord } from '../../job/cdr/record';
import { parseDate } from '../../job/core/period';
import { type ServiceCode, schemaFor } from '../../job/core/schema';
import { generateObjects } from '../../job/generate/calls';
import { bundledPricesPath } from '../../job/prices/bundled';
import { loadPricesArgument } from '../../job/prices/load';
import { numberKind } from '../../job/prices/number-kind';
import { Rater } from '../../job/prices/rater';

const CALLS = Number(process.argv[2] ?? 200_000);

function records(service: ServiceCode): CdrRecord[] {
  const schema = schemaFor(service);
  const out: CdrRecord[] = [];
  const options = { service, calls: CALLS, days: 7, connectors: 3, seed: 5, end: parseDate('2025-03-04') };
  for (const object of generateObjects(options)) {
    const result = parseCdr(Buffer.from(object.body), schema);
    if (result.ok) out.push(result.record);
  }
  return out;
}

function time<T>(label: string, calls: readonly T[], rate: (item: T) => unknown): void {
  const started = process.hrtime.bigint();
  for (const item of calls) rate(item);
  const ns = Number(process.hrtime.bigint() - started) / calls.length;
  console.log(
    `${label.padEnd(44)} ${String(calls.length).padStart(8)} calls ${ns.toFixed(0).padStart(7)} ns/call ${Math.round(
      1e9 / ns,
    )
      .toString()
      .padStart(9)} calls/s`,
  );
}

async function main(): Promise<void> {
  for (const service of ['AmazonChimeVoiceConnector', 'AmazonChimeBusinessCalling'] as const) {
    const calls = records(service);
    const schema = schemaFor(service);
    const cold = new Rater(schema, (await loadPricesArgument(bundledPricesPath(service), service)).table);
    time(`${service} cold`, calls, (r) => cold.rate(r));
    time(`${service} warm`, calls, (r) => cold.rate(r));
  }
  // The price of classification alone, uncached: distinct numbers.
  const numbers = Array.from({ length: 20_000 }, (_, i) => `+1206${String(2_000_000 + i).padStart(7, '0')}`);
  time('libphonenumber, distinct numbers (uncached)', numbers, numberKind);
}

void main();
