import { parseCdr } from '../../../../job/cdr/parse';
import type { CdrRecord } from '../../../../job/cdr/record';
import { schemaFor } from '../../../../job/core/schema';
import { DECK_HEADER } from '../../../../job/prices/rate-deck/format';
import { VC_DOC_EXAMPLE } from '../../../fixtures/cdr-examples';

/** A deck CSV from data lines (the header added). */
export function deckCsv(...lines: string[]): string {
  return `${DECK_HEADER.join(',')}\n${lines.join('\n')}\n`;
}

export const VC = schemaFor('AmazonChimeVoiceConnector');

/** A Voice Connector CDR with some fields replaced (undefined removes a field). */
export function vcCall(fields: Record<string, unknown>): CdrRecord {
  const doc: Record<string, unknown> = { ...VC_DOC_EXAMPLE, ...fields };
  for (const [key, value] of Object.entries(fields)) if (value === undefined) delete doc[key];
  const result = parseCdr(Buffer.from(JSON.stringify(doc)), VC);
  if (!result.ok) throw new Error(result.rejection.reason);
  return result.record;
}

/** Epoch seconds of an ISO instant. */
export const at = (iso: string) => Date.parse(iso) / 1000;
