import type { CallHints } from './rate-table';
import { isRegionPrefix, regionPrefixes } from './region-prefix';

/**
 * What a price says about the calls it applies to, read from its product attributes or, failing
 * those, its usage type (`USE1-US-GB-outbound-minutes`, `USE1-US-inbound-minutes`,
 * `USE1-US-tollfree-inbound-minutes`).
 */
export interface PriceTraits {
  /** `outbound` / `inbound`; undefined when the price is not a per-call price (phone numbers, …). */
  readonly direction: 'outbound' | 'inbound' | undefined;
  /** Country the call comes from (ISO 3166 alpha-2, upper case), when the price names one. */
  readonly sourceCountry: string | undefined;
  /** Country the call goes to (for inbound: the country of the number called). */
  readonly destinationCountry: string | undefined;
  /** Region usage-type prefix (`USE1`) or Region code (`us-east-1`), when the price names one. */
  readonly regionPrefix: string | undefined;
  readonly regionCode: string | undefined;
  /** Whether the price is for toll-free numbers. */
  readonly tollFree: boolean;
}

const COUNTRY = /^[A-Z]{2}$/;

function attribute(attributes: Readonly<Record<string, string>>, names: readonly string[]): string | undefined {
  for (const name of names) {
    for (const [key, value] of Object.entries(attributes)) {
      if (key.toLowerCase() === name && value.trim() !== '') return value.trim();
    }
  }
  return undefined;
}

function directionOf(text: string | undefined): 'outbound' | 'inbound' | undefined {
  if (text === undefined) return undefined;
  const lower = text.toLowerCase();
  const outbound = lower.includes('outbound');
  const inbound = lower.includes('inbound');
  if (outbound === inbound) return undefined;
  return outbound ? 'outbound' : 'inbound';
}

function countryOf(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const upper = text.trim().toUpperCase();
  return COUNTRY.test(upper) ? upper : undefined;
}

function isTollFreeText(text: string): boolean {
  return /toll[\s_-]?free/i.test(text);
}

/**
 * Reads the traits of a price. Attribute names are matched case-insensitively:
 * direction from `direction`/`callingType`/`callType`; countries from
 * `sourceCountry`/`originCountry`/`fromCountry` and `destinationCountry`/`toCountry`, or a single
 * `country` (the destination for outbound and for inbound: the country of the number called);
 * Region from `regionCode`. Whatever the attributes leave open is read from the usage type:
 * `<PREFIX>-<CC>-<CC>-outbound-…` (source, destination) or `<PREFIX>-<CC>-[tollfree-]inbound-…`.
 * Toll-free when the usage type or any attribute value says "toll-free"/"tollfree".
 */
export function priceTraits(usageType: string, attributes: Readonly<Record<string, string>>): PriceTraits {
  const tokens = usageType.split('-');
  const first = tokens[0] ?? '';
  const usagePrefix = tokens.length > 1 && isRegionPrefix(first) ? first : undefined;
  const countries = tokens.slice(usagePrefix === undefined ? 0 : 1).filter((t) => COUNTRY.test(t));
  const direction =
    directionOf(attribute(attributes, ['direction', 'callingtype', 'calltype'])) ??
    directionOf(tokens.find((t) => /^(outbound|inbound)$/i.test(t)));

  let sourceCountry = countryOf(attribute(attributes, ['sourcecountry', 'origincountry', 'fromcountry']));
  let destinationCountry = countryOf(attribute(attributes, ['destinationcountry', 'tocountry']));
  const single = countryOf(attribute(attributes, ['country']));
  if (destinationCountry === undefined && single !== undefined) destinationCountry = single;
  if (sourceCountry === undefined && destinationCountry === undefined) {
    if (countries.length === 2) [sourceCountry, destinationCountry] = countries;
    else if (countries.length === 1) destinationCountry = countries[0];
  }
  const tollFree = isTollFreeText(usageType) || Object.values(attributes).some(isTollFreeText);
  const regionCode = attribute(attributes, ['regioncode'])?.toLowerCase();
  return { direction, sourceCountry, destinationCountry, regionPrefix: usagePrefix, regionCode, tollFree };
}

/** NANP toll-free area codes (+1 800, 833, 844, 855, 866, 877, 888). */
const NANP_TOLL_FREE = /^\+1(800|833|844|855|866|877|888)\d{7}$/;

/** Whether a call is to a toll-free number: the explicit hint, else a NANP toll-free destination. */
export function isTollFreeCall(hints: CallHints): boolean {
  if (hints.tollFree !== undefined) return hints.tollFree;
  const number = hints.destinationPhoneNumber;
  if (number === undefined || !number.startsWith('+1')) return false;
  return NANP_TOLL_FREE.test(number.replace(/[\s()-]/g, ''));
}

function sameCountry(price: string | undefined, hint: string | undefined): boolean {
  if (price === undefined) return true; // The price does not depend on it.
  return hint !== undefined && hint.trim().toUpperCase() === price;
}

function sameRegion(traits: PriceTraits, region: string | undefined): boolean {
  if (region === undefined || region.trim() === '') return true; // Business Calling CDRs have no Region.
  if (traits.regionCode !== undefined) return traits.regionCode === region.trim().toLowerCase();
  if (traits.regionPrefix !== undefined) return regionPrefixes(region).includes(traits.regionPrefix);
  return true;
}

/**
 * Whether a price may apply to a call, ignoring toll-free status. The call's direction must be
 * known and equal the price's; every country the price names must equal the call's (an unknown
 * call country never matches a price that names one); the Region, when the call has one and the
 * price names one, must agree.
 */
export function traitsMatch(traits: PriceTraits, hints: CallHints): boolean {
  const direction = directionOf(hints.direction);
  if (direction === undefined || traits.direction !== direction) return false;
  return (
    sameCountry(traits.sourceCountry, hints.sourceCountry) &&
    sameCountry(traits.destinationCountry, hints.destinationCountry) &&
    sameRegion(traits, hints.region)
  );
}
