import type { Command } from 'commander';
import { rethrowNaming } from '../core/errors';
import { formatDate, periodDays } from '../core/period';
import { type ServiceCode, schemaFor } from '../core/schema';
import { dayLeaseKey, isDayLeaseOfPeriod } from '../pipeline/day-leases';
import { type LeaseObject, readLease, readLeaseObject } from '../pipeline/lease';
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

/** What the lease commands look at: the period's lease and the day leases of its days that exist. */
interface PeriodLeases extends ReturnType<typeof resolve> {
  readonly store: ObjectStore;
  readonly lease: LeaseObject;
  readonly dayLeases: readonly LeaseObject[];
}

/** Resolves the period, opens the store and reads the period's lease and day leases for `use`; closes the store after. */
async function withLeases(options: LeaseCommandOptions, use: (found: PeriodLeases) => Promise<void> | void) {
  const resolved = resolve(options);
  const store = await openLeaseStore(options);
  try {
    const prefix = resolved.schema.summaryPrefix;
    const lease = await readLease(store, prefix, resolved.period);
    const days = await Promise.all(
      periodDays(resolved.period).map((day) => readLeaseObject(store, dayLeaseKey(prefix, day))),
    );
    await use({ ...resolved, store, lease, dayLeases: days.filter((day) => day.raw !== undefined) });
  } finally {
    await store.close();
  }
}

function holderText(lease: LeaseObject): string {
  const r = lease.record;
  if (!r) return 'unreadable record';
  const expired = Date.parse(r.expiresAt) <= Date.now() ? ', expired' : '';
  return `${r.frequency} period ending ${r.periodEnd}, owner ${r.owner}, host ${r.host}, pid ${r.pid}, since ${r.createdAt}, expires ${r.expiresAt}${expired}`;
}

/** `lease show`: prints the period's lease and the day leases held on its days, if any. */
export function showLease(options: LeaseCommandOptions, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  return withLeases(options, ({ store, lease, dayLeases }) => {
    if (lease.raw === undefined) out.write(`no lease: ${store.location}/${lease.key}\n`);
    else {
      const expired = lease.record ? Date.parse(lease.record.expiresAt) <= Date.now() : true;
      out.write(`${store.location}/${lease.key}${expired ? ' (expired)' : ''}\n${lease.raw.trimEnd()}\n`);
    }
    for (const day of dayLeases) out.write(`day lease ${store.location}/${day.key} (${holderText(day)})\n`);
  });
}

/**
 * `lease clear`: deletes the period's lease whoever holds it, and the day leases a run of this period
 * took (for a run known to be dead before its leases expire). Day leases of another period's run are
 * kept and named, with the command that clears them. Prints what it removed.
 */
export function clearLease(options: LeaseCommandOptions, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  return withLeases(options, async ({ store, lease, dayLeases, period }) => {
    const own = dayLeases.filter((day) => day.record && isDayLeaseOfPeriod(day.record, period));
    const others = dayLeases.filter((day) => !own.includes(day));
    if (lease.raw === undefined && own.length === 0)
      out.write(
        `no lease to clear for ${period.frequency} ${formatDate(period.end)}: ${store.location}/${lease.key}\n`,
      );
    const cleared = [...(lease.raw === undefined ? [] : [lease]), ...own];
    const locationArguments = [
      `--source ${options.source}`,
      ...(options.dest ? [`--dest ${options.dest}`] : []),
      `--service ${options.service}`,
    ].join(' ');
    if (cleared.length > 0) await store.delete(cleared.map((found) => found.key));
    for (const found of cleared) out.write(`cleared lease ${store.location}/${found.key} (${holderText(found)})\n`);
    for (const day of others) {
      const holder = day.record;
      const hint = holder
        ? `; if that run is dead: npx cdr-summary lease clear ${locationArguments} --frequency ${holder.frequency} --end ${holder.periodEnd}`
        : '';
      out.write(`kept day lease ${store.location}/${day.key} of another run (${holderText(day)})${hint}\n`);
    }
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
      .description(
        "Delete a period's lease and the day leases its run took, e.g. after a run was killed, instead of waiting for them to expire.",
      ),
  ).action(async (options: LeaseCommandOptions) => clearLease(options));
  for (const command of lease.commands) command.exitOverride();
  lease.exitOverride();
}
