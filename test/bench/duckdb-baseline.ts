/**
 * The DuckDB baseline of `npm run bench`: the same whole job as `cdr-summary run` (Voice Connector,
 * one period), done by DuckDB alone on the same files. Run as its own child process (compiled by the
 * harness with esbuild, started with plain `node`) so its wall time and peak RSS are measured apart
 * from ours.
 *
 *   node duckdb-baseline.js <source dir> <offer file> <period start YYYY-MM-DD> <period end YYYY-MM-DD> <out dir>
 *
 * Steps, all in SQL:
 *  1. rates: the usage type → OnDemand USD price of every product, extracted from the offer file with
 *     DuckDB's JSON functions (read_json_objects + wildcard JSON paths; no pre-flattening);
 *  2. read_json over the key glob of the period's day folders plus the next day (the folders our job
 *     lists), one object per file, every column typed explicitly;
 *  3. keep calls whose StartTimeEpochSeconds is in [start 00:00Z, end+1 00:00Z);
 *  4. LEFT JOIN the rates, Cost = BillableDurationMinutes × PricePerUnit as DECIMAL (exact);
 *  5. COPY to Parquet (ZSTD, Hive partitions year/month/day of the call start) and to one CSV.
 * Prints one JSON line on stdout: { calls, rated, unrated, totalCost }.
 */

import { mkdirSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const CDR_PREFIX = 'Amazon-Chime-Voice-Connector-CDRs/json';

/** Every column of a Voice Connector CDR, typed. Minutes are read as text and cast to DECIMAL (exact). */
const COLUMNS: readonly (readonly [string, string])[] = [
  ['AwsAccountId', 'VARCHAR'],
  ['TransactionId', 'VARCHAR'],
  ['CallId', 'VARCHAR'],
  ['VoiceConnectorId', 'VARCHAR'],
  ['Status', 'VARCHAR'],
  ['StatusMessage', 'VARCHAR'],
  ['SipAuthUser', 'VARCHAR'],
  ['BillableDurationSeconds', 'BIGINT'],
  ['BillableDurationMinutes', 'VARCHAR'],
  ['SchemaVersion', 'VARCHAR'],
  ['SourcePhoneNumber', 'VARCHAR'],
  ['SourcePhoneNumberName', 'VARCHAR'],
  ['SourceCountry', 'VARCHAR'],
  ['DestinationPhoneNumber', 'VARCHAR'],
  ['DestinationPhoneNumberName', 'VARCHAR'],
  ['DestinationCountry', 'VARCHAR'],
  ['UsageType', 'VARCHAR'],
  ['ServiceCode', 'VARCHAR'],
  ['Direction', 'VARCHAR'],
  ['StartTimeEpochSeconds', 'BIGINT'],
  ['EndTimeEpochSeconds', 'BIGINT'],
  ['Region', 'VARCHAR'],
  ['Streaming', 'BOOLEAN'],
  ['IsProxyCall', 'BOOLEAN'],
];

function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function parseDay(text: string | undefined, what: string): Date {
  if (text === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(text)) throw new Error(`${what}: expected YYYY-MM-DD`);
  const date = new Date(`${text}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) throw new Error(`${what}: not a date: ${text}`);
  return date;
}

const DAY_MS = 86_400_000;

function folderGlob(source: string, day: Date): string {
  const y = day.getUTCFullYear();
  const m = String(day.getUTCMonth() + 1).padStart(2, '0');
  const d = String(day.getUTCDate()).padStart(2, '0');
  return `${source}/${CDR_PREFIX}/*/${y}/${m}/${d}/*`;
}

async function main(): Promise<void> {
  const [source, offer, startText, endText, out] = process.argv.slice(2);
  if (source === undefined || offer === undefined || out === undefined) {
    throw new Error('usage: duckdb-baseline <source dir> <offer file> <start YYYY-MM-DD> <end YYYY-MM-DD> <out dir>');
  }
  const start = parseDay(startText, 'period start');
  const end = parseDay(endText, 'period end');
  const startEpoch = start.getTime() / 1000;
  const endEpoch = (end.getTime() + DAY_MS) / 1000;
  // The period's day folders plus the next day's (a late call may be filed there), as our crawl does.
  const globs: string[] = [];
  for (let t = start.getTime(); t <= end.getTime() + DAY_MS; t += DAY_MS) globs.push(folderGlob(source, new Date(t)));

  const columns = `{${COLUMNS.map(([name, type]) => `${sqlString(name)}: ${sqlString(type)}`).join(', ')}}`;
  const cdrColumns = COLUMNS.map(([name]) =>
    name === 'BillableDurationMinutes' ? 'minutes AS BillableDurationMinutes' : name,
  );

  mkdirSync(out, { recursive: true });
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(`
      CREATE TEMP TABLE rates AS
      WITH offer AS (SELECT json AS j FROM read_json_objects(${sqlString(offer)}, format = 'unstructured')),
      products AS (SELECT unnest(json_extract(j, '$.products.*')) AS p FROM offer),
      terms AS (SELECT unnest(json_extract(j, '$.terms.OnDemand.*.*')) AS t FROM offer)
      SELECT
        json_extract_string(p, '$.attributes.usagetype') AS usage_type,
        CAST(json_extract_string(t, '$.priceDimensions.*.pricePerUnit.USD')[1] AS DECIMAL(18, 10)) AS price
      FROM products JOIN terms ON json_extract_string(p, '$.sku') = json_extract_string(t, '$.sku')`);
    await connection.run(`
      CREATE TEMP TABLE rated AS
      WITH cdrs AS (
        SELECT * REPLACE (CAST(BillableDurationMinutes AS DECIMAL(18, 3)) AS BillableDurationMinutes)
        FROM read_json([${globs.map(sqlString).join(', ')}], format = 'newline_delimited', columns = ${columns})
        WHERE StartTimeEpochSeconds >= ${startEpoch} AND StartTimeEpochSeconds < ${endEpoch}
      )
      SELECT ${cdrColumns.map((c) => c.replace('minutes AS ', '')).join(', ')},
        epoch_ms(StartTimeEpochSeconds * 1000) AS StartTime,
        epoch_ms(EndTimeEpochSeconds * 1000) AS EndTime,
        r.price AS PricePerUnit,
        CASE WHEN r.price IS NULL THEN NULL ELSE 'minutes' END AS PriceUnit,
        CASE WHEN r.price IS NULL THEN 'NO_PRICE' ELSE 'RATED' END AS RatingStatus,
        BillableDurationMinutes * r.price AS Cost,
        strftime(epoch_ms(StartTimeEpochSeconds * 1000), '%Y') AS year,
        strftime(epoch_ms(StartTimeEpochSeconds * 1000), '%m') AS month,
        strftime(epoch_ms(StartTimeEpochSeconds * 1000), '%d') AS day
      FROM cdrs LEFT JOIN rates r ON cdrs.UsageType = r.usage_type`);
    await connection.run(
      `COPY rated TO ${sqlString(`${out}/parquet`)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (year, month, day), OVERWRITE_OR_IGNORE)`,
    );
    await connection.run(
      `COPY (SELECT * EXCLUDE (year, month, day) FROM rated) TO ${sqlString(`${out}/report.csv`)} (FORMAT csv, HEADER)`,
    );
    const reader = await connection.runAndReadAll(
      `SELECT count(*)::BIGINT AS calls, count(Cost)::BIGINT AS rated, CAST(sum(Cost) AS VARCHAR) AS total FROM rated`,
    );
    const row = reader.getRowObjectsJS()[0];
    if (row === undefined) throw new Error('no result row');
    const calls = Number(row.calls);
    const rated = Number(row.rated);
    process.stdout.write(
      `${JSON.stringify({ calls, rated, unrated: calls - rated, totalCost: row.total === null ? '0' : String(row.total) })}\n`,
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`duckdb-baseline: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
