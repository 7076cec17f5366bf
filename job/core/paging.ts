/** Paging through AWS list operations. */

/**
 * The token of the next page, or undefined when there is none. A token equal to the previous one
 * would loop forever, so it is refused.
 */
export function nextPageToken(next: string | undefined, previous: string | undefined, op: string): string | undefined {
  if (!next) return undefined;
  if (next === previous) throw new Error(`${op} returned the same NextToken twice`);
  return next;
}
