import { PriceSourceError } from './errors';
import { formatInstant } from './instant';
import type { PriceVersionWindow } from './rate-table';

/**
 * Checks that version windows are in effective order, each non-empty, ids unique, and that no two
 * overlap (gaps are allowed: calls in a gap have no price version). Throws PriceSourceError.
 */
export function assertWindows(windows: readonly PriceVersionWindow[]): void {
  const ids = new Set<string>();
  windows.forEach((window, i) => {
    if (ids.has(window.id)) throw new PriceSourceError(`price version ${window.id} appears twice`);
    ids.add(window.id);
    if (window.effectiveUntil !== null && window.effectiveUntil <= window.effectiveFrom) {
      throw new PriceSourceError(`price version ${window.id} ends before it begins`);
    }
    const previous = windows[i - 1];
    if (!previous) return;
    if (previous.effectiveUntil === null || previous.effectiveUntil > window.effectiveFrom) {
      throw new PriceSourceError(
        `price versions ${previous.id} and ${window.id} overlap at ${formatInstant(window.effectiveFrom)}`,
      );
    }
  });
}
