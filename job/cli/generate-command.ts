import type { Command } from 'commander';
import { addDays, dateOfEpochSeconds, formatDate, parseDate } from '../core/period';
import type { ServiceCode } from '../core/schema';
import { generateCorpus } from '../generate/corpus';
import { openStore } from '../store/open';
import { serviceOption, wholeNumberOption } from './option-parsers';

interface GenerateOptions {
  readonly out: string;
  readonly calls: number;
  readonly days: number;
  readonly connectors: number;
  readonly seed: number;
  readonly end?: string;
  readonly service: ServiceCode;
}

/** Adds `cdr-summary generate` (synthetic CDRs in the real key layout, with a matching price file). */
export function registerGenerateCommand(program: Command): void {
  program
    .command('generate')
    .description('Write synthetic CDRs in the real Amazon Chime key layout, plus a matching offer file.')
    .requiredOption('--out <dir|s3://bucket>', 'where to write (the CDR bucket layout is created below it)')
    .addOption(wholeNumberOption('--calls <n>', 'number of CDR objects', 1).default(10_000))
    .addOption(wholeNumberOption('--days <n>', 'days of calls, ending on --end', 1).default(7))
    .addOption(wholeNumberOption('--connectors <n>', 'Voice Connector (or account) folders', 1).default(3))
    .addOption(wholeNumberOption('--seed <n>', 'random seed (same seed, same files)', 0).default(1))
    .option('--end <YYYY-MM-DD>', 'last day of calls (default: yesterday, UTC)')
    .addOption(serviceOption('service', 'AmazonChimeVoiceConnector'))
    .action(async (options: GenerateOptions) => {
      const { calls, days, connectors, seed } = options;
      const end =
        options.end === undefined
          ? addDays(dateOfEpochSeconds(Math.floor(Date.now() / 1000)), -1)
          : parseDate(options.end);
      const store = await openStore(options.out, { create: true });
      try {
        const result = await generateCorpus({ store, service: options.service, calls, days, connectors, seed, end });
        process.stdout.write(
          `generated ${result.objects} CDR objects (${formatDate(addDays(end, 1 - days))} .. ${formatDate(end)}) in ${store.location}\n` +
            `matching price file: ${store.location}/${result.pricesKey}\n`,
        );
      } finally {
        await store.close();
      }
    });
}
