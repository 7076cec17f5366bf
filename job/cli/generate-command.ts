import type { Command } from 'commander';
import { addDays, dateOfEpochSeconds, formatDate, parseDate } from '../core/period';
import { isServiceCode, SERVICES } from '../core/schema';
import { generateCorpus } from '../generate/corpus';
import { openStore } from '../store/open';
import { UsageError } from './errors';

interface GenerateOptions {
  readonly out: string;
  readonly calls: string;
  readonly days: string;
  readonly connectors: string;
  readonly seed: string;
  readonly end?: string;
  readonly service: string;
}

function wholeNumber(text: string, what: string, min: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min) throw new UsageError(`${what} must be a whole number ≥ ${min}`);
  return Number(text);
}

/** Adds `cdr-summary generate` (synthetic CDRs in the real key layout, with a matching price file). */
export function registerGenerateCommand(program: Command): void {
  program
    .command('generate')
    .description('Write synthetic CDRs in the real Amazon Chime key layout, plus a matching offer file.')
    .requiredOption('--out <dir|s3://bucket>', 'where to write (the CDR bucket layout is created below it)')
    .option('--calls <n>', 'number of CDR objects', '10000')
    .option('--days <n>', 'days of calls, ending on --end', '7')
    .option('--connectors <n>', 'Voice Connector (or account) folders', '3')
    .option('--seed <n>', 'random seed (same seed, same files)', '1')
    .option('--end <YYYY-MM-DD>', 'last day of calls (default: yesterday, UTC)')
    .option('--service <code>', `service (${SERVICES.join(' | ')})`, 'AmazonChimeVoiceConnector')
    .action(async (options: GenerateOptions) => {
      if (!isServiceCode(options.service)) throw new UsageError(`unknown service ${JSON.stringify(options.service)}`);
      const calls = wholeNumber(options.calls, '--calls', 1);
      const days = wholeNumber(options.days, '--days', 1);
      const connectors = wholeNumber(options.connectors, '--connectors', 1);
      const seed = wholeNumber(options.seed, '--seed', 0);
      let end = addDays(dateOfEpochSeconds(Math.floor(Date.now() / 1000)), -1);
      if (options.end !== undefined) {
        end = parseDate(options.end);
      }
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
