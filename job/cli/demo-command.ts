import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { formatDate, parseDate } from '../core/period';
import { SERVICES, type ServiceCode } from '../core/schema';
import { generateCorpus } from '../generate/corpus';
import { bundledPricesPath } from '../prices/bundled';
import { LocalStore } from '../store/local';
import { serviceOption, wholeNumberOption } from './option-parsers';
import { executeRun } from './run-command';

/** End date of the demo week: it spans a price change in the bundled price lists (2025-03-01). */
export const DEMO_END = '2025-03-04';

/** Adds `cdr-summary demo`: a generated sample, a Weekly run with the bundled prices, no AWS account. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'Generate a sample of CDRs in a temporary folder and run a Weekly summary on it with the bundled prices.',
    )
    .addOption(wholeNumberOption('--calls <n>', 'number of CDR objects to generate', 1).default(5000))
    .option('--out <dir>', 'folder for the sample and outputs (default: a new temporary folder)')
    .addOption(serviceOption('service to demonstrate', SERVICES[0]))
    .action(async (options: { calls: number; out?: string; service: ServiceCode }) => {
      const service = options.service;
      const root = options.out ?? mkdtempSync(path.join(os.tmpdir(), 'cdr-summary-demo-'));
      const store = await LocalStore.open(root, { create: true });
      const end = parseDate(DEMO_END);
      const generated = await generateCorpus({
        store,
        service,
        calls: options.calls,
        days: 7,
        connectors: 3,
        seed: 2025,
        end,
        unknownUsageTypeRatio: 0.005,
      });
      process.stdout.write(`generated ${generated.objects} CDRs in ${root} (week ending ${formatDate(end)})\n\n`);
      const { manifest } = await executeRun({
        source: root,
        prices: bundledPricesPath(service),
        frequency: 'Weekly',
        end: DEMO_END,
        service,
        concurrency: 64,
      });
      if (manifest) process.stdout.write(`\nopen the dashboard: ${path.resolve(root, manifest.dashboardKey)}\n`);
    });
}
