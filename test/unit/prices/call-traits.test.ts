import { expect } from 'chai';
import { callNumberKind, numberTypeFit, priceTraits, traitsMatch } from '../../../job/prices/call-traits';
import { numberKind } from '../../../job/prices/number-kind';

describe('prices/call-traits', () => {
  it('reads direction, countries and Region prefix from Voice Connector usage types', () => {
    expect(priceTraits('USE1-US-GB-outbound-minutes', {})).to.deep.equal({
      direction: 'outbound',
      sourceCountry: 'US',
      destinationCountry: 'GB',
      regionPrefix: 'USE1',
      regionCode: undefined,
      tollFree: false,
      numberType: undefined,
      message: false,
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
      numberType: undefined,
      message: false,
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

  it('classifies the number called with libphonenumber, unless told it is toll-free', () => {
    const kind = (hints: Parameters<typeof callNumberKind>[0]) => callNumberKind(hints, numberKind);
    expect(kind({ destinationPhoneNumber: '+18005550100' })).to.equal('toll-free');
    expect(kind({ destinationPhoneNumber: '+18335550100' })).to.equal('toll-free');
    expect(kind({ destinationPhoneNumber: '+12065550100' })).to.equal('fixed-or-mobile');
    expect(kind({ destinationPhoneNumber: '+442079460018' })).to.equal('fixed');
    expect(kind({ destinationPhoneNumber: '+447911123456' })).to.equal('mobile');
    expect(kind({ destinationPhoneNumber: '+448005550100' })).to.equal('toll-free');
    expect(kind({ destinationPhoneNumber: '+18005550100', tollFree: false })).to.equal('unknown');
    expect(kind({ tollFree: true })).to.equal('toll-free');
    expect(kind({ destinationPhoneNumber: 'not a number' })).to.equal('unknown');
    expect(kind({})).to.equal('unknown');
  });

  it('reads the real Business Calling attributes: FromCountry, ToCountry, NumberType, messagetype, Operation', () => {
    // Column names of the AmazonChimeBusinessCalling price list; no call-type column.
    const outbound = priceTraits('USE1-BC-US-GB-outbound-mobile-minutes', {
      FromCountry: 'United States',
      ToCountry: 'GB',
      NumberType: 'Mobile',
      Region_Code: 'us-east-1',
    });
    expect(outbound).to.deep.include({
      direction: 'outbound',
      sourceCountry: 'US',
      destinationCountry: 'GB',
      numberType: 'mobile',
      regionCode: 'us-east-1',
      message: false,
    });
    expect(priceTraits('USE1-BC-calls', { operation: 'InboundCall', toCountry: 'US' }).direction).to.equal('inbound');
    expect(priceTraits('USE1-BC-US-tollfree-inbound-minutes', { toCountry: 'US' }).numberType).to.equal('toll-free');
    expect(priceTraits('X', { numberType: 'Vanity' }).numberType).to.equal('unrecognized');
    const sms = priceTraits('USE1-BC-US-outbound-sms', { fromCountry: 'US', toCountry: 'US', messagetype: 'SMS' });
    expect(sms.message).to.equal(true);
    expect(traitsMatch(sms, { direction: 'Outbound', sourceCountry: 'US', destinationCountry: 'US' })).to.equal(false);
  });

  it('fits a price to the number called: same kind exactly, any number or fixed-or-mobile possibly', () => {
    expect(numberTypeFit('toll-free', 'toll-free')).to.equal('exact');
    expect(numberTypeFit(undefined, 'toll-free')).to.equal('possible');
    expect(numberTypeFit('mobile', 'fixed-or-mobile')).to.equal('possible');
    expect(numberTypeFit('fixed', 'fixed-or-mobile')).to.equal('possible');
    expect(numberTypeFit('toll-free', 'fixed-or-mobile')).to.equal('no');
    expect(numberTypeFit('mobile', 'fixed')).to.equal('no');
    expect(numberTypeFit('mobile', 'unknown')).to.equal('possible');
    expect(numberTypeFit('unrecognized', 'fixed')).to.equal('no');
  });
});
