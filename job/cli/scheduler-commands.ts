/**
 * The scheduler side of the command line:
 * - `cdr-summary prices fetch` — the Lambda's price refresh, storing a snapshot in a folder or bucket;
 * - `cdr-summary submit` — run a (past) period on Batch, directly or through the deployed Lambda.
 */

import { type Command, Option } from 'commander';
import type { Logger } from 'pino';
import { type Env, EnvReader } from '../core/env';
import { FailureError, rethrowNaming } from '../core/errors';
import { compareDates, type Frequency, formatDate, type Period, parseDate, periodEndingOn } from '../core/period';
import { SERVICES, type ServiceCode } from '../core/schema';
import { PriceSourceError } from '../prices/errors';
import {
  chargeConfigFromEnv,
  DEFAULT_JOB_NAME_PREFIX,
  parseArraySize,
  parseBucket,
  parseConfigFrequency,
  parseService,
  type SchedulerConfig,
} from '../scheduler/config';
import { assertEndDateOver, manualEvent, utcDate } from '../scheduler/event';
import type { SchedulerResult } from '../scheduler/handler';
import { openStore } from '../store/open';
import { UsageError } from './errors';
import { createLogger } from './logger';

/** Where the commands print (tests capture it). */
export interface SchedulerCommandsIo {
  readonly write?: (text: string) => void;
  /** The current time (tests inject it). */
  readonly now?: () => Date;
  /** Logger (default: the CLI's pino logger on stderr). */
  readonly logger?: Logger;
}

/** Runs `fn`; an input error it throws names `what` (the option it came from). */
function naming<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    rethrowNaming(what, error);
  }
}

/** Options of `cdr-summary prices fetch`, as commander parses them. */
interface PricesFetchOptions {
  readonly service: ServiceCode;
  readonly date: string;
  readonly frequency: Frequency;
  readonly out: string;
  readonly allowCurrentPrices?: boolean;
  readonly logLevel?: string;
}

/** Options of `cdr-summary submit`, as commander parses them. */
interface SubmitCommandOptions {
  readonly end: string;
  readonly frequency?: Frequency;
  readonly service?: ServiceCode;
  readonly invoke?: string;
  readonly queue?: string;
  readonly definition?: string;
  readonly bucket?: string;
  readonly arraySize?: string;
  readonly jobNamePrefix?: string;
  readonly allowCurrentPrices?: boolean;
  readonly json?: boolean;
  readonly logLevel?: string;
}

/** The lines telling the user how to follow a job. */
export function followLines(jobId: string, region: string | undefined): string[] {
  const regionArg = region ? ` --region ${region}` : '';
  const lines = [`follow: aws batch describe-jobs --jobs ${jobId}${regionArg} --query 'jobs[0].[status,statusReason]'`];
  if (region) {
    lines.push(`console: https://${region}.console.aws.amazon.com/batch/home?region=${region}#jobs/detail/${jobId}`);
  }
  return lines;
}

function describeResult(result: SchedulerResult, region: string | undefined): string {
  const { period } = result;
  const head = result.existing
    ? `job ${result.jobId} (${result.jobName}) is already active (${result.status}); nothing submitted`
    : `submitted job ${result.jobId} (${result.jobName})`;
  return [
    head,
    `period: ${period.start} … ${period.end} (${period.frequency})`,
    `prices: ${result.priceSnapshot}`,
    ...followLines(result.jobId, region),
  ].join('\n');
}

function isSchedulerResult(value: unknown): value is SchedulerResult {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.jobId === 'string' && typeof record.jobName === 'string' && typeof record.period === 'object';
}

/**
 * The AWS SDK clients these commands need, loaded on first use: loading the SDK costs a quarter of a
 * second of start-up, which `run`, `generate` and `demo` never need.
 */
function aws() {
  return {
    lambda: require('@aws-sdk/client-lambda') as typeof import('@aws-sdk/client-lambda'),
    handler: require('../scheduler/handler') as typeof import('../scheduler/handler'),
    pricesRefresh: require('../prices/refresh') as typeof import('../prices/refresh'),
    submit: require('../scheduler/submit') as typeof import('../scheduler/submit'),
  };
}

/** Invokes the deployed scheduler Lambda with the manual event and returns its result. */
async function invokeFunction(
  functionName: string,
  event: Record<string, string>,
): Promise<{
  result: SchedulerResult;
  region: string | undefined;
}> {
  const { LambdaClient, InvokeCommand } = aws().lambda;
  const lambda = new LambdaClient({});
  try {
    const response = await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
    const text = response.Payload ? Buffer.from(response.Payload).toString('utf8') : '';
    let payload: unknown;
    try {
      payload = text === '' ? undefined : (JSON.parse(text) as unknown);
    } catch {
      payload = text;
    }
    if (response.FunctionError) {
      const record = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>;
      const type = typeof record.errorType === 'string' ? record.errorType : response.FunctionError;
      const message = typeof record.errorMessage === 'string' ? record.errorMessage : String(text);
      const line = `function ${functionName} failed: ${type}: ${message}`.replace(/\s*\n\s*/g, ' ');
      if (type === 'EventError' || type === 'ConfigError') throw new UsageError(line);
      throw new Error(line);
    }
    if (!isSchedulerResult(payload))
      throw new Error(`function ${functionName} returned an unexpected payload: ${text}`);
    return { result: payload, region: await lambda.config.region() };
  } finally {
    lambda.destroy();
  }
}

function directConfig(options: SubmitCommandOptions, service: ServiceCode, env: Env): SchedulerConfig {
  const read = new EnvReader(env);
  const bucket = options.bucket ?? read.text('CDR_BUCKET');
  const queue = options.queue ?? read.text('JOB_QUEUE');
  const definition = options.definition ?? read.text('JOB_DEFINITION');
  if (!bucket) throw new UsageError('--bucket (or CDR_BUCKET) is required to submit directly');
  if (!queue) throw new UsageError('--queue (or JOB_QUEUE) is required to submit directly');
  if (!definition) throw new UsageError('--definition (or JOB_DEFINITION) is required to submit directly');
  const arraySize = options.arraySize ?? read.text('ARRAY_SIZE');
  return {
    bucket: parseBucket(bucket, '--bucket'),
    service,
    frequency: 'Daily',
    jobQueue: queue,
    jobDefinition: definition,
    arraySize: arraySize ? parseArraySize(arraySize, '--array-size') : 1,
    jobNamePrefix: options.jobNamePrefix ?? read.text('JOB_NAME_PREFIX') ?? DEFAULT_JOB_NAME_PREFIX,
    ...chargeConfigFromEnv(env, service),
  };
}

/**
 * Adds `prices fetch` and `submit` to the `cdr-summary` program. Input problems throw UsageError
 * (one line); the program prints `cdr-summary: <message>`.
 */
export function registerSchedulerCommands(program: Command, io: SchedulerCommandsIo = {}): void {
  const write = io.write ?? ((text: string) => process.stdout.write(text));
  const now = io.now ?? (() => new Date());
  const loggerFor = (level?: string): Logger => io.logger ?? createLogger(level);

  const prices =
    program.commands.find((c) => c.name() === 'prices') ??
    program.command('prices').description('Price list commands (AWS Price List API, snapshots).');
  prices
    .command('fetch')
    .description(
      'Fetch the prices in effect over a period from the AWS Price List API (ListPriceLists + offer files, ' +
        'GetProducts as fallback) and store a price snapshot plus the raw files, as the scheduler Lambda does.',
    )
    .addOption(
      new Option('--service <code>', `service (${SERVICES.join(' | ')})`)
        .makeOptionMandatory()
        .argParser((text) => parseService(text, '--service')),
    )
    .requiredOption('--date <YYYY-MM-DD>', 'last day (UTC) the prices are needed for; not after today')
    .addOption(
      new Option('--frequency <frequency>', 'cover the Daily/Weekly/Monthly period ending on --date')
        .default('Daily')
        .argParser((text) => parseConfigFrequency(text, '--frequency')),
    )
    .requiredOption(
      '--out <dir|s3://bucket[/prefix]>',
      'where to store <Service-With-Dashes>-Pricing/snapshots/… and …/raw/… (a folder is created if missing)',
    )
    .option(
      '--allow-current-prices',
      'when ListPriceLists cannot serve the period, accept current prices published after it began (refused otherwise)',
    )
    .option('--log-level <level>', 'pino log level (default: warn on a terminal, info otherwise)')
    .addHelpText(
      'after',
      '\nExample:\n  npx cdr-summary prices fetch --service AmazonChimeVoiceConnector --date 2020-01-31 --frequency Monthly --out ./prices\n',
    )
    .action(async (options: PricesFetchOptions) => {
      const { service, frequency } = options;
      const end = naming('--date', () => parseDate(options.date));
      const today = utcDate(now());
      if (compareDates(end, today) > 0) {
        throw new UsageError(`--date ${formatDate(end)} is in the future (today is ${formatDate(today)} UTC)`);
      }
      const period: Period = periodEndingOn(frequency, end);
      const store = await openStore(options.out, { create: true }).catch((error: unknown) =>
        rethrowNaming('--out', error),
      );
      const { createPricingClient, refreshPrices } = aws().pricesRefresh;
      const pricing = createPricingClient();
      try {
        const result = await refreshPrices({
          pricing,
          store,
          service,
          period,
          now: now(),
          logger: loggerFor(options.logLevel),
          allowCurrentPrices: options.allowCurrentPrices === true,
        });
        const versions = result.document.versions
          .map((v) => `${v.id} from ${v.effectiveFrom} (${v.prices.length} prices)`)
          .join('; ');
        write(
          `${result.snapshotLocation}\nsource: ${result.method}; versions: ${versions}; raw files: ${result.rawKeys.length}\n`,
        );
      } catch (error) {
        // The Price List API did not serve the period: a failure of the fetch, not of its arguments.
        if (error instanceof PriceSourceError) throw new FailureError(`prices fetch: ${error.message}`);
        throw error;
      } finally {
        pricing.destroy();
        await store.close();
      }
    });

  program
    .command('submit')
    .description(
      'Summarize a (past) period on AWS Batch: store its price snapshot and submit the job — or, with ' +
        '--invoke, ask the deployed scheduler Lambda to do it. A job of the same name still active is reused.',
    )
    .requiredOption('--end <YYYY-MM-DD>', 'last day (UTC, included) of the period; at most yesterday')
    .addOption(
      new Option('--frequency <frequency>', 'Daily | Weekly | Monthly')
        .env('JOB_FREQUENCY')
        .argParser((text) => parseConfigFrequency(text, '--frequency')),
    )
    .addOption(
      new Option('--service <code>', `service (${SERVICES.join(' | ')})`)
        .env('SERVICE_NAME')
        .argParser((text) => parseService(text, '--service')),
    )
    .option('--invoke <function>', 'invoke this scheduler Lambda (name or ARN) with the manual event instead')
    .option('--queue <name|arn>', 'Batch job queue (default: JOB_QUEUE)')
    .option('--definition <name|arn>', 'Batch job definition (default: JOB_DEFINITION)')
    .option('--bucket <name>', 'CDR bucket (default: CDR_BUCKET)')
    .option('--array-size <n>', 'shards of an array job (default: ARRAY_SIZE or 1)')
    .option('--job-name-prefix <prefix>', `job name prefix (default: JOB_NAME_PREFIX or ${DEFAULT_JOB_NAME_PREFIX})`)
    .option(
      '--allow-current-prices',
      'accept current prices for a past period (ALLOW_CURRENT_PRICES; not with --invoke)',
    )
    .option('--json', 'print the result as JSON')
    .option('--log-level <level>', 'pino log level (default: warn on a terminal, info otherwise)')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  npx cdr-summary submit --end 2020-01-31 --frequency Monthly --invoke cdr-summary-scheduler\n' +
        '  npx cdr-summary submit --end 2020-01-31 --frequency Monthly --bucket my-cdr-bucket \\\n' +
        '      --queue cdr-summary-queue --definition cdr-summary\n',
    )
    .action(async (options: SubmitCommandOptions) => {
      const env = process.env;
      const end = naming('--end', () => parseDate(options.end));
      naming('--end', () => assertEndDateOver(end, now()));
      const read = new EnvReader(env);
      const { frequency } = options;
      if (!frequency) throw new UsageError('--frequency (or JOB_FREQUENCY) is required: Daily, Weekly or Monthly');
      let outcome: { result: SchedulerResult; region: string | undefined };
      if (options.invoke !== undefined) {
        const direct = (
          ['queue', 'definition', 'bucket', 'arraySize', 'jobNamePrefix', 'allowCurrentPrices'] as const
        ).filter((k) => options[k] !== undefined);
        if (direct.length > 0) {
          throw new UsageError(
            '--queue/--definition/--bucket/--array-size/--job-name-prefix/--allow-current-prices do not apply with --invoke (the function uses its own settings)',
          );
        }
        outcome = await invokeFunction(options.invoke, manualEvent(end, frequency, options.service));
      } else {
        const service = options.service ?? SERVICES[0];
        const config = {
          ...directConfig(options, service, env),
          frequency,
          allowCurrentPrices: options.allowCurrentPrices === true || read.flag('ALLOW_CURRENT_PRICES'),
        };
        const { handler, pricesRefresh, submit } = aws();
        const batch = submit.createBatchClient();
        const pricing = pricesRefresh.createPricingClient();
        try {
          const result = await handler.runScheduler(manualEvent(end, frequency), {
            config,
            now: now(),
            logger: loggerFor(options.logLevel),
            batch,
            pricing,
          });
          outcome = { result, region: await batch.config.region() };
        } finally {
          batch.destroy();
          pricing.destroy();
        }
      }
      write(
        options.json ? `${JSON.stringify(outcome.result)}\n` : `${describeResult(outcome.result, outcome.region)}\n`,
      );
    });
}
