import type { ChargedTotal } from '../report/charge-totals';

/** Where the operator's charges and the connector names came from (for the manifest). */
export interface ChargeSources {
  /** `--rate-deck` as read, or null. */
  readonly rateDeck: string | null;
  /** `--markup` percentage as given, or null. */
  readonly markupPercent: string | null;
  /** `--connectors` as read, or null. */
  readonly connectorsFile: string | null;
}

/** No deck, no markup, no connectors file. */
export const NO_CHARGE_SOURCES: ChargeSources = { rateDeck: null, markupPercent: null, connectorsFile: null };

/** The manifest fields about charges, connector names and the FOCUS export. */
export interface ChargeManifestFields extends ChargeSources {
  /** Sum of ChargedAmount (exact decimal) and its currency; null without a deck or markup. */
  readonly chargedTotal: ChargedTotal | null;
  /** Calls of the period the rate deck had no row for (DeckStatus NO_MATCH). */
  readonly deckNoMatch: number;
  /** FOCUS version of the export. */
  readonly focusVersion: string;
  readonly focusCsvKey: string;
  readonly focusParquetKey: string;
  /** FOCUS metadata (DataGenerator, Schema) of the export. */
  readonly focusMetadataKey: string;
  /** Rows of the FOCUS export (charges at day × account × connector × usage type × price grain). */
  readonly focusRows: number;
}
