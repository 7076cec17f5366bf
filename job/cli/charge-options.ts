import { type Command, Option } from 'commander';
import { rethrowNaming } from '../core/errors';
import { type OpenS3Store, openPricesArgument } from '../prices/prices-argument';
import { type ChargerSetup, parseMarkup } from '../prices/rate-deck/charger';
import { compileDeck } from '../prices/rate-deck/compiled-deck';
import { loadRateDeck } from '../prices/rate-deck/load';
import { type ConnectorInfo, parseConnectors } from '../report/connectors';
import type { ChargeSources } from '../sinks/charge-manifest';
import { ObjectNotFoundError } from '../store/object-store';
import { UsageError } from './errors';

/** The `run` options about charges and connector names, as commander parses them. */
export interface ChargeArguments {
  readonly rateDeck?: string;
  readonly markup?: string;
  readonly connectors?: string;
}

/** What the run charges with, the connectors it names, and where both came from. */
export interface ChargeSetup {
  readonly charges: ChargerSetup;
  readonly connectors: readonly ConnectorInfo[];
  readonly sources: ChargeSources;
}

/** Adds `--rate-deck`, `--markup` and `--connectors` to a command. */
export function addChargeOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--rate-deck <file|s3://…>',
        'your own rates (CSV: prefix,direction,rate_per_minute,connection_fee,initial_increment,…): fills ChargedAmount',
      ).conflicts('markup'),
    )
    .addOption(
      new Option('--markup <percent>', 'instead of a deck: ChargedAmount = Cost x (1 + percent/100), USD').conflicts(
        'rateDeck',
      ),
    )
    .option('--connectors <file|s3://…>', 'connector names and tags (CSV VoiceConnectorId,Name,<tags…> or JSON)');
}

/** Names the option in an input error; a file that does not exist is unusable input here, too. */
function usage(option: string, error: unknown): never {
  if (error instanceof ObjectNotFoundError) throw new UsageError(`${option}: ${error.message}`);
  rethrowNaming(option, error);
}

async function loadConnectors(text: string, openS3: OpenS3Store): Promise<ConnectorInfo[]> {
  const { store, key } = await openPricesArgument(text, openS3);
  try {
    return parseConnectors((await store.read(key)).toString('utf8'));
  } finally {
    await store.close();
  }
}

/**
 * Reads and validates the deck (or markup) and the connectors file before anything is written;
 * any problem is a UsageError (exit 2) naming the option and, for a deck, the line.
 */
export async function loadChargeArguments(args: ChargeArguments, openS3: OpenS3Store): Promise<ChargeSetup> {
  // Commander refuses the two together (`conflicts`); a caller without it gets the same rule.
  if (args.rateDeck !== undefined && args.markup !== undefined)
    throw new UsageError('--rate-deck and --markup exclude each other: give one');
  let charges: ChargerSetup = { kind: 'none' };
  let rateDeck: string | null = null;
  if (args.rateDeck !== undefined) {
    const loaded = await loadRateDeck(args.rateDeck, openS3).catch((error: unknown) => usage('--rate-deck', error));
    charges = { kind: 'deck', deck: compileDeck(loaded.deck) };
    rateDeck = loaded.location;
  } else if (args.markup !== undefined) {
    try {
      parseMarkup(args.markup);
    } catch (error) {
      usage('--markup', error);
    }
    charges = { kind: 'markup', percent: args.markup };
  }
  const connectors =
    args.connectors === undefined
      ? []
      : await loadConnectors(args.connectors, openS3).catch((error: unknown) => usage('--connectors', error));
  return {
    charges,
    connectors,
    sources: { rateDeck, markupPercent: args.markup ?? null, connectorsFile: args.connectors ?? null },
  };
}
