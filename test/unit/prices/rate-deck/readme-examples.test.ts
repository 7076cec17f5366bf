import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { deckFromBytes } from '../../../../job/prices/rate-deck/deck-from-bytes';
import { parseConnectors } from '../../../../job/report/connectors';

const README = readFileSync(path.join(__dirname, '..', '..', '..', '..', 'README.md'), 'utf8');

function csvBlock(startsWith: string): string {
  const block = [...README.matchAll(/```csv[^\n]*\n([^`]*)```/g)]
    .map((m) => m[1] ?? '')
    .find((b) => b.startsWith(startsWith));
  expect(block, `a csv block starting with ${startsWith}`).to.not.equal(undefined);
  return block as string;
}

describe('README examples', () => {
  it('shows a rate deck the job accepts', () => {
    const deck = deckFromBytes(Buffer.from(csvBlock('prefix,')));
    expect(deck.currency).to.equal('USD');
    expect(deck.rows.length).to.be.greaterThan(2);
  });

  it('shows a connectors file the job accepts, with tags', () => {
    const connectors = parseConnectors(csvBlock('VoiceConnectorId,'));
    expect(connectors[0]?.tags).to.deep.equal({ team: 'sales', 'cost-center': '4711' });
  });
});
