import { type Command, Option } from 'commander';
import { calendarDate, FREQUENCIES, type Frequency, type Period, parseDate, periodEndingOn } from '../core/period';
import { UsageError } from './errors';

/** The period arguments of `run`: `--end` or the original's `--year/--month/--day`, plus `--frequency`. */
export interface PeriodArguments {
  readonly frequency?: Frequency;
  readonly end?: string;
  readonly year?: string;
  readonly month?: string;
  readonly day?: string;
}

/** Resolves the period from the command line; any problem is a UsageError with one clear line. */
export function periodFromArguments(args: PeriodArguments): Period {
  const { frequency } = args;
  if (!frequency) throw new UsageError('--frequency is required (Daily, Weekly or Monthly)');
  const parts = [args.year, args.month, args.day];
  const given = parts.filter((p) => p !== undefined).length;
  // Commander refuses --end with --year/--month/--day (`conflicts`); a caller without it gets the same rule.
  if (args.end !== undefined && given > 0) throw new UsageError('give either --end or --year/--month/--day, not both');
  if (args.end !== undefined) return periodEndingOn(frequency, parseDate(args.end));
  if (given === 3) return periodEndingOn(frequency, calendarDate(args.year ?? '', args.month ?? '', args.day ?? ''));
  if (given > 0) throw new UsageError('--year, --month and --day must be given together');
  throw new UsageError('the period end is required: --end YYYY-MM-DD (or --year --month --day)');
}

/** Declares the period options (`--frequency`, `--end`, or the original's `--year --month --day`) on a command. */
export function addPeriodOptions(command: Command): Command {
  return command
    .addOption(new Option('--frequency <Daily|Weekly|Monthly>', 'period length').choices(FREQUENCIES))
    .addOption(new Option('--end <YYYY-MM-DD>', 'last included day of the period (UTC)'))
    .addOption(new Option('--year <year>', "the original's event form: year of the end date").conflicts('end'))
    .addOption(new Option('--month <month>', "the original's event form: month of the end date").conflicts('end'))
    .addOption(new Option('--day <day>', "the original's event form: day of the end date").conflicts('end'));
}
