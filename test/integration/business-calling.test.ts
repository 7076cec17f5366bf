import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parseDate } from '../../job/core/period';
import { generateCorpus } from '../../job/generate/corpus';
import type { Manifest } from '../../job/sinks/manifest';
import { LocalStore } from '../../job/store/local';
import { runCli } from '../support/cli';
import { duckdbQuery } from '../support/duckdb';

describe('Business Calling end to end (no UsageType in the CDRs, numbers as strings)', function () {
  this.timeout(180_000);
  let dir: string;
  let manifest: Manifest;
  let generatedCalls: number;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cdr-bc-'));
    const store = await LocalStore.open(dir);
    const generated = await generateCorpus({
      store,
      service: 'AmazonChimeBusinessCalling',
      calls: 400,
      days: 3,
      connectors: 2,
      seed: 21,
      end: parseDate('2025-03-04'),
      unknownUsageTypeRatio: 0.05,
    });
    generatedCalls = generated.objects;
    const result = await runCli([
      'run',
      '--source',
      dir,
      '--prices',
      path.join(dir, generated.pricesKey),
      '--service',
      'AmazonChimeBusinessCalling',
      '--frequency',
      'Daily',
      '--end',
      '2025-03-04',
    ]);
    expect(result.code, result.stderr).to.equal(0);
    manifest = JSON.parse(
      (await store.read('Amazon-Chime-Business-Calling-Summary/csv/Daily/2025/03/04/manifest.json')).toString(),
    ) as Manifest;
  });

  after(() => rm(dir, { recursive: true, force: true }));

  it('keeps every call: rated where a price identifies it, unrated with the reason otherwise', async () => {
    expect(manifest.service).to.equal('AmazonChimeBusinessCalling');
    expect(manifest.recordsRejected).to.equal(0);
    expect(manifest.recordsRated).to.be.greaterThan(0);
    expect(manifest.unratedByStatus).to.have.property('UNRATED_NO_USAGE_TYPE').that.is.greaterThan(0);
    expect(manifest.objectsRead).to.equal(
      manifest.recordsRated + manifest.recordsUnrated + manifest.recordsRejected + manifest.objectsOutsidePeriod,
    );
    expect(manifest.objectsRead).to.be.at.most(generatedCalls);
  });

  it('records the usage type a price was identified by, and the CSV total equals the manifest total', async () => {
    const rows = await duckdbQuery(
      `select RatingStatus as status, count(*)::int as n, count(UsageType)::int as withUsageType,
              sum(Cost)::varchar as cost
         from read_csv('${path.join(dir, manifest.csvKey)}', header = true, types = {'Cost': 'DECIMAL(38,16)'})
        group by RatingStatus order by RatingStatus`,
    );
    const rated = rows.find((r) => r.status === 'RATED');
    expect(rated?.n).to.equal(manifest.recordsRated);
    expect(rated?.withUsageType).to.equal(manifest.recordsRated);
    expect(Number(rated?.cost)).to.be.closeTo(Number(manifest.totalCost), 1e-12);
    expect(String(rated?.cost).replace(/\.?0+$/, '')).to.equal(manifest.totalCost);
    const unrated = rows.find((r) => r.status === 'UNRATED_NO_USAGE_TYPE');
    expect(unrated?.withUsageType).to.equal(0);
    expect(unrated?.cost).to.equal(null);
  });
  it('writes the FOCUS export per account: no resource or region, BilledCost summing to totalCost', async () => {
    const [focus] = await duckdbQuery(
      `select sum(BilledCost)::varchar as cost, count(*) filter (where ResourceId is not null) as withResource,
              count(*) filter (where RegionId is not null) as withRegion, count(distinct SubAccountId) as accounts,
              min(ServiceName) as service, sum(x_CallCount) as calls
         from read_parquet('${path.join(dir, manifest.focusParquetKey)}')`,
    );
    expect(String(focus?.cost).replace(/\.?0+$/, '')).to.equal(manifest.totalCost);
    expect(Number(focus?.withResource)).to.equal(0);
    expect(Number(focus?.withRegion)).to.equal(0);
    expect(Number(focus?.accounts)).to.equal(2);
    expect(focus?.service).to.equal('Amazon Chime Business Calling');
    expect(Number(focus?.calls)).to.equal(manifest.recordsRated);
  });
});
