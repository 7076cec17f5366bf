import type { Command } from 'commander';
import { rethrowNaming } from '../core/errors';
import { formatDate } from '../core/period';
import { type ServiceCode, schemaFor } from '../core/schema';
import { leaseKey, readLease } from '../pipeline/lease';
import type { ObjectStore } from '../store/object-store';
import { openStore } from '../store/open';
import { serviceOption } from './option-parsers';
import { addPeriodOptions, type PeriodArguments, periodFromArguments } from './period-options';

/** Options of `cdr-summary lease show|clear`. */
export interface LeaseCommandOptions extends PeriodArguments {
  readonly source: string;
  readonly dest?: string;
  readonly service: ServiceCode;
}

async function openLeaseStore(options: LeaseCommandOptions): Promise<ObjectStore> {
  const text = options.dest ?? options.source;
  return openStore(text).catch((error: unknown) => rethrowNaming(options.dest ? '--dest' : '--source', error));
}

function resolve(options: LeaseCommandOptions) {
  return { period: periodFromArguments(options), schema: schemaFor(options.service) };
}

/** Resolves the period, opens the store and reads the period's lease for `use`; closes the store after. */
async function withLease(
  options: LeaseCommandOptions,
  use: (
    found: { store: ObjectStore; lease: Awaited<ReturnType<typeof readLease>> } & ReturnType<typeof resolve>,
  ) => Promise<void> | void,
): Promise<void> {
  const resolved = resolve(options);
  const store = await openLeaseStore(options);
  try {
    const lease = await readLease(store, resolved.schema.summaryPrefix, resolved.period);
    await use({ ...resolved, store, lease });
  } finally {
    await store.close();
  }
}

/** `lease show`: prints the period's lease, if any. */
export function showLease(options: LeaseCommandOptions, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  return withLease(options, ({ store, lease }) => {
    if (lease.raw === undefined) {
      out.write(`no lease: ${store.location}/${lease.key}\n`);
      return;
    }
    const expired = lease.record ? Date.parse(lease.record.expiresAt) <= Date.now() : true;
    out.write(`${store.location}/${lease.key}${expired ? ' (expired)' : ''}\n${lease.raw.trimEnd()}\n`);
  });
}

/**
 * `lease clear`: deletes the period's lease whoever holds it (for a run known to be dead before its
 * lease expires). Prints what it removed.
 */
export function clearLease(options: LeaseCommandOptions, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  return withLease(options, async ({ store, lease, period, schema }) => {
    if (lease.raw === undefined) {
      out.write(
        `no lease to clear for ${period.frequency} ${formatDate(period.end)}: ${store.location}/${lease.key}\n`,
      );
      return;
    }
    await store.delete([leaseKey(schema.summaryPrefix, period)]);
    const holder = lease.record
      ? `owner ${lease.record.owner}, host ${lease.record.host}, pid ${lease.record.pid}, since ${lease.record.createdAt}, expires ${lease.record.expiresAt}`
      : 'unreadable record';
    out.write(`cleared lease ${store.location}/${lease.key} (${holder})\n`);
  });
}

function periodOptions(command: Command): Command {
  command
    .requiredOption(
      '--source <dir|s3://bucket>',
      'the CDR location of the run (its lease lives in --dest, default the source)',
    )
    .option('--dest <dir|s3://bucket>', 'where the run writes its outputs (default: the source)')
    .addOption(serviceOption('service', 'AmazonChimeVoiceConnector'));
  return addPeriodOptions(command);
}

/** Adds `cdr-summary lease show|clear`. */
export function registerLeaseCommand(program: Command): void {
  const lease = program
    .command('lease')
    .description('Inspect or clear the lease that keeps two runs of one period from working at once.');
  periodOptions(lease.command('show').description("Print a period's lease (who holds it, until when).")).action(
    async (options: LeaseCommandOptions) => showLease(options),
  );
  periodOptions(
    lease
      .command('clear')
      .description("Delete a period's lease, e.g. after a run was killed, instead of waiting for it to expire."),
  ).action(async (options: LeaseCommandOptions) => clearLease(options));
  for (const command of lease.commands) command.exitOverride();
  lease.exitOverride();
}
