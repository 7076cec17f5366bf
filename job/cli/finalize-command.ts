import type { Command } from 'commander';
import { rethrowNaming } from '../core/errors';
import { type ServiceCode, schemaFor } from '../core/schema';
import { finalizeSummary, ShardMissingError } from '../pipeline/finalize';
import { defaultLeaseOwner, releaseLeaseOf } from '../pipeline/lease';
import { openStore } from '../store/open';
import { batchJobEndedCheck } from './batch-job-ended';
import { addInsightOptions, type InsightArguments, insightFromArguments } from './insight-options';
import { createLogger } from './logger';
import { serviceOption } from './option-parsers';
import { addPeriodOptions, type PeriodArguments, periodFromArguments } from './period-options';
import { warnAboutRatings } from './price-warnings';
import { shardFromArguments, shardsOption } from './shard-options';
import { shutdownSignal } from './shutdown';
import { formatSummary } from './summary-table';
import { isInteractiveTerminal } from './terminal';

interface FinalizeCommandOptions extends PeriodArguments, InsightArguments {
  readonly dest: string;
  readonly service: ServiceCode;
  readonly shards?: number;
  readonly logLevel?: string;
  readonly quiet?: boolean;
  readonly csvBom?: boolean;
  readonly allowEmpty?: boolean;
}

/**
 * Adds `cdr-summary finalize`: merges the shards of a fanned-out period (run after the array job).
 * A shard that has not finished fails it with exit code 1 and one line naming the shard.
 */
export function registerFinalizeCommand(program: Command): void {
  const command = program
    .command('finalize')
    .description("Merge a sharded period's partial outputs into its single CSV report and manifest.")
    .requiredOption('--dest <dir|s3://bucket>', 'where the shards wrote their outputs (their --dest, or --source)');
  addInsightOptions(addPeriodOptions(command))
    .addOption(serviceOption('service', 'AmazonChimeVoiceConnector'))
    .addOption(shardsOption('number of shards the period was split into'))
    .option('--csv-bom', 'start the CSV report with a UTF-8 byte order mark (for Excel)')
    .option(
      '--allow-empty',
      'replace Parquet day partitions that hold rows with empty ones (also implied when the shards ran with it)',
    )
    .option('--log-level <level>', 'pino log level')
    .option('--quiet', 'do not print the summary table')
    .action(async (options: FinalizeCommandOptions) => {
      const period = periodFromArguments(options);
      const { count } = shardFromArguments({ shards: options.shards });
      const insight = insightFromArguments(options);
      const schema = schemaFor(options.service);
      const dest = await openStore(options.dest, { probe: schema.summaryPrefix }).catch((error: unknown) =>
        rethrowNaming('--dest', error),
      );
      const owner = defaultLeaseOwner();
      let shardsMissing = false;
      try {
        const logger = createLogger(options.logLevel);
        const manifest = await finalizeSummary({
          schema,
          period,
          dest,
          shards: count,
          csvBom: options.csvBom === true,
          logger,
          insight,
          owner,
          allowEmpty: options.allowEmpty === true,
          leaseHolderEnded: batchJobEndedCheck(),
          signal: shutdownSignal(),
        });
        warnAboutRatings(logger, manifest);
        if (!options.quiet)
          process.stdout.write(
            formatSummary(manifest, dest.location, { boxes: isInteractiveTerminal(process.stdout) }),
          );
      } catch (error) {
        shardsMissing = error instanceof ShardMissingError;
        throw error;
      } finally {
        // The shards kept the period's lease for this step (shared owner: the array job's id). Released
        // whether finalize succeeded or failed (the partial outputs stay: finalize can be run again),
        // unless shards are missing: they may still be running.
        if (!shardsMissing) await releaseLeaseOf(dest, schema.summaryPrefix, period, owner).catch(() => false);
        await dest.close();
      }
    });
}
