import { expect } from 'chai';
import { chargeSummaryLines } from '../../../job/cli/charge-summary';
import type { ChargeMargin } from '../../../job/report/aggregates/margin';
import type { Manifest } from '../../../job/sinks/manifest';

const MARGIN: ChargeMargin = {
  currency: 'USD',
  chargedCalls: 11,
  chargedAmount: '0.2918',
  marginCalls: 9,
  marginChargedAmount: '0.2598',
  marginCost: '0.10584',
  margin: '0.15396',
  marginPercent: '59.26',
  chargedWithoutCost: 2,
  costWithoutCharge: 1,
  note: 'margin over the 9 call(s) with both a charge and an AWS cost',
};

function manifest(fields: Partial<Manifest>): Manifest {
  return { rateDeck: null, markupPercent: null, deckNoMatch: 0, chargedTotal: null, ...fields } as Manifest;
}

describe('end-of-run charge lines', () => {
  it('states the charged total and the margin against the AWS cost (rate deck, USD)', () => {
    const lines = chargeSummaryLines(
      manifest({
        rateDeck: 'deck.csv',
        deckNoMatch: 1,
        chargedTotal: { currency: 'USD', amount: '0.2918', calls: 11 },
        chargeMargin: MARGIN,
      }),
    );
    expect(lines).to.deep.equal([
      'charged 0.2918 USD over 11 calls (rate deck; 1 calls without a matching prefix)',
      'margin  0.15396 USD (59.26 % of the charges) = 0.2598 charged - 0.10584 AWS cost; margin over the 9 call(s) with both a charge and an AWS cost',
      '',
    ]);
  });

  it('says there is no margin when the deck is not in USD', () => {
    const note = 'charges are in EUR, AWS cost in USD: no margin is computed';
    const lines = chargeSummaryLines(
      manifest({
        rateDeck: 'deck.csv',
        chargedTotal: { currency: 'EUR', amount: '0.2918', calls: 11 },
        chargeMargin: { ...MARGIN, currency: 'EUR', margin: null, marginPercent: null, note },
      }),
    );
    expect(lines[1]).to.equal(`margin  none: ${note}`);
  });

  it('prints nothing without a deck or markup, and only the total for a manifest without chargeMargin', () => {
    expect(chargeSummaryLines(manifest({}))).to.deep.equal([]);
    const older = manifest({ markupPercent: '10', chargedTotal: { currency: 'USD', amount: '1.1', calls: 2 } });
    expect(chargeSummaryLines(older)).to.deep.equal(['charged 1.1 USD over 2 calls (markup)', '']);
  });
});
