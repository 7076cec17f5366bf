import { expect } from 'chai';
import { isTollFreeCall, priceTraits, traitsMatch } from '../../../job/prices/call-traits';

describe('prices/call-traits', () => {
  it('reads direction, countries and Region prefix from Voice Connector usage types', () => {
    expect(priceTraits('USE1-US-GB-outbound-minutes', {})).to.deep.equal({
      direction: 'outbound',
      sourceCountry: 'US',
      destinationCountry: 'GB',
      regionPrefix: 'USE1',
      regionCode: undefined,
      tollFree: false,
    });
    expect(priceTraits('USW2-US-tollfree-inbound-minutes', {})).to.deep.include({
      direction: 'inbound',
      sourceCountry: undefined,
      destinationCountry: 'US',
      regionPrefix: 'USW2',
      tollFree: true,
    });
    // A monthly phone-number price is not a per-call price.
    expect(priceTraits('USE1-US-did-numbers', {}).direction).to.equal(undefined);
  });

  it('prefers product attributes (callingType, originCountry, destinationCountry, country, regionCode)', () => {
    const traits = priceTraits('BusinessCalling-Intl-Tier2', {
      callingType: 'Outbound',
      originCountry: 'us',
      destinationCountry: 'MX',
      regionCode: 'US-EAST-1',
    });
    expect(traits).to.deep.equal({
      direction: 'outbound',
      sourceCountry: 'US',
      destinationCountry: 'MX',
      regionPrefix: undefined,
      regionCode: 'us-east-1',
      tollFree: false,
    });
    expect(priceTraits('X', { CallingType: 'Inbound', Country: 'GB', numberType: 'Toll-Free' })).to.deep.include({
      direction: 'inbound',
      destinationCountry: 'GB',
      tollFree: true,
    });
  });

  it('matches a call only when the direction is known and every named country agrees', () => {
    const traits = priceTraits('USE1-US-GB-outbound-minutes', {});
    expect(traitsMatch(traits, { direction: 'Outbound', sourceCountry: 'US', destinationCountry: 'GB' })).to.equal(
      true,
    );
    expect(
      traitsMatch(traits, {
        direction: 'Outbound',
        sourceCountry: 'US',
        destinationCountry: 'GB',
        region: 'us-east-1',
      }),
    ).to.equal(true);
    expect(
      traitsMatch(traits, {
        direction: 'Outbound',
        sourceCountry: 'US',
        destinationCountry: 'GB',
        region: 'us-west-2',
      }),
    ).to.equal(false);
    expect(traitsMatch(traits, { direction: 'Outbound', destinationCountry: 'GB' })).to.equal(false);
    expect(traitsMatch(traits, { direction: 'Inbound', sourceCountry: 'US', destinationCountry: 'GB' })).to.equal(
      false,
    );
    expect(traitsMatch(traits, { sourceCountry: 'US', destinationCountry: 'GB' })).to.equal(false);
  });

  it('recognizes NANP toll-free destinations unless told otherwise', () => {
    expect(isTollFreeCall({ destinationPhoneNumber: '+18005550100' })).to.equal(true);
    expect(isTollFreeCall({ destinationPhoneNumber: '+1 (833) 555-0100' })).to.equal(true);
    expect(isTollFreeCall({ destinationPhoneNumber: '+12065550100' })).to.equal(false);
    expect(isTollFreeCall({ destinationPhoneNumber: '+448005550100' })).to.equal(false);
    expect(isTollFreeCall({ destinationPhoneNumber: '+18005550100', tollFree: false })).to.equal(false);
    expect(isTollFreeCall({})).to.equal(false);
  });
});
