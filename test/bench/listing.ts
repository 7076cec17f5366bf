/**
 * `npm run bench -- --listing`: how long the crawl takes to list a period of a bucket with many
 * connectors when every LIST costs a real round trip. A generated bucket (200 connectors by default)
 * on s3rver, behind the fault proxy adding S3-like latency to every request; the crawl alone
 * (planCrawl + crawl, no reading) at several listing concurrencies. Memory stays bounded by the
 * crawl's object budget whatever the concurrency (LIST_AHEAD_OBJECTS).
 */

import { parseDate, periodEndingOn } from '../../job/core/period';
import { schemaFor } from '../../job/core/schema';
import { crawl, LIST_CONCURRENCY, planCrawl } from '../../job/pipeline/crawl';
import { S3Store } from '../../job/store/s3';
import { createS3Client } from '../../job/store/s3-client';
import { generateArgs } from '../support/cli';
import { startFaultProxy } from '../support/fault-proxy';
import { S3RVER_CREDENTIALS, startS3rver } from '../support/s3rver';
import { measureChild } from './measure';
import { fmtInt, fmtSeconds, table } from './stats';

/** What `measureListing` needs from the bench harness. */
export interface ListingSetup {
  readonly cli: string;
  readonly root: string;
  readonly calls: number;
  readonly connectors: number;
  readonly seed: number;
  readonly days: number;
  readonly end: string;
  /** Added latency per request, uniform in [min, max] ms. */
  readonly latencyMs: readonly [number, number];
  readonly log: (line: string) => void;
}

const BUCKET = 'cdr-listing';
/** Listing concurrencies compared (the crawl's own default is marked in the report). */
const CONCURRENCIES = [1, 8, 16, 32, 64] as const;

/** Generates the bucket, then times the crawl of the Weekly period at each concurrency. */
export async function measureListing(setup: ListingSetup): Promise<string> {
  const server = await startS3rver();
  const proxy = await startFaultProxy({ target: server.endpoint, latencyMs: setup.latencyMs, seed: setup.seed });
  try {
    await server.createBucket(BUCKET);
    setup.log(
      `generating ${fmtInt(setup.calls)} CDRs over ${setup.connectors} connectors into s3rver (s3://${BUCKET}) …`,
    );
    const generate = measureChild(
      process.execPath,
      [
        setup.cli,
        ...generateArgs({
          out: `s3://${BUCKET}`,
          calls: setup.calls,
          days: setup.days,
          end: setup.end,
          connectors: setup.connectors,
          seed: setup.seed,
        }),
      ],
      setup.root,
      server.env,
    );
    if (generate.exitCode !== 0) throw new Error(`generate to s3rver failed: ${generate.stderr.trim().slice(-500)}`);
    const schema = schemaFor('AmazonChimeVoiceConnector');
    const period = periodEndingOn('Weekly', parseDate(setup.end));
    const rows: string[][] = [];
    let expected: number | undefined;
    for (const concurrency of CONCURRENCIES) {
      const client = createS3Client({ endpoint: proxy.endpoint, region: 'us-east-1', credentials: S3RVER_CREDENTIALS });
      const store = await S3Store.open(BUCKET, '', { client });
      try {
        const started = performance.now();
        const plan = await planCrawl(store, schema, period);
        let objects = 0;
        for await (const _ of crawl(store, schema, plan, concurrency)) objects++;
        const seconds = (performance.now() - started) / 1000;
        if (expected !== undefined && objects !== expected) {
          throw new Error(`crawl at ${concurrency} found ${objects} objects, ${expected} before`);
        }
        expected = objects;
        const lists = store.stats().requests;
        rows.push([
          `${concurrency}${concurrency === LIST_CONCURRENCY ? ' (default)' : ''}`,
          fmtSeconds(seconds),
          fmtInt(lists),
          fmtInt(plan.folders.length),
          fmtInt(objects / seconds),
        ]);
        setup.log(`listing at ${concurrency}: ${fmtSeconds(seconds)}, ${fmtInt(lists)} LISTs`);
      } finally {
        await store.close();
        client.destroy();
      }
    }
    const [min, max] = setup.latencyMs;
    return (
      `\nlisting a period with many connectors (${fmtInt(setup.calls)} CDRs, ${setup.connectors} connectors, Weekly ` +
      `${setup.end}; s3rver behind a proxy adding ${min}-${max} ms per request; crawl only, no reads)\n\n` +
      table(['LISTs in flight', 'wall', 'LIST requests', 'day folders', 'objects/s listed'], rows)
    );
  } finally {
    await proxy.stop();
    await server.stop();
  }
}
