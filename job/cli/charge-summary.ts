import type { Manifest } from '../sinks/manifest';

/**
 * The end-of-run lines about charges (rate deck or markup): the charged total and the margin against
 * the AWS cost, or why there is none. No lines without a deck or markup.
 */
export function chargeSummaryLines(manifest: Manifest): string[] {
  const total = manifest.chargedTotal;
  if (!total) return [];
  const lines = [
    `charged ${total.amount} ${total.currency} over ${total.calls} calls` +
      (manifest.rateDeck ? ` (rate deck; ${manifest.deckNoMatch} calls without a matching prefix)` : ' (markup)'),
  ];
  const margin = manifest.chargeMargin;
  if (margin) {
    lines.push(
      margin.margin === null
        ? `margin  none: ${margin.note}`
        : `margin  ${margin.margin} USD${margin.marginPercent === null ? '' : ` (${margin.marginPercent} % of the charges)`}` +
            ` = ${margin.marginChargedAmount} charged - ${margin.marginCost} AWS cost; ${margin.note}`,
    );
  }
  return [...lines, ''];
}
