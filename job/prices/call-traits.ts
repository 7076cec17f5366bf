import { countryCode } from './country-code';
import type { NumberKind } from './number-kind';
import {
  ATTRIBUTE_NAMES,
  attributeKey,
  MESSAGE_PRODUCT,
  NUMBER_TYPE_VALUES,
  type ProductNumberType,
  TOLL_FREE_TEXT,
} from './price-attributes';
import type { CallHints } from './rate-table';
import { isRegionPrefix, regionPrefixes } from './region-prefix';

/**
 * What a price says about the calls it applies to, read from its product attributes or, failing
 * those, its usage type (`USE1-US-GB-outbound-minutes`, `USE1-US-inbound-minutes`,
 * `USE1-US-tollfree-inbound-minutes`) and operation.
 */
export interface PriceTraits {
  /** `outbound` / `inbound`; undefined when the price is not a per-call price (phone numbers, …). */
  readonly direction: 'outbound' | 'inbound' | undefined;
  /** Country of the calling party (ISO 3166 alpha-2, upper case), when the price names one. */
  readonly sourceCountry: string | undefined;
  /** Country of the called party (for inbound: the country of the number called). */
  readonly destinationCountry: string | undefined;
  /** Region usage-type prefix (`USE1`) or Region code (`us-east-1`), when the price names one. */
  readonly regionPrefix: string | undefined;
  readonly regionCode: string | undefined;
  /** Whether the price is for toll-free numbers. */
  readonly tollFree: boolean;
  /**
   * Kind of number called the price is for; undefined when any; `unrecognized` for a `NumberType`
   * value not understood (the price then matches no call).
   */
  readonly numberType: ProductNumberType | 'unrecognized' | undefined;
  /** A text-message (SMS/MMS) price: never the price of a call. */
  readonly message: boolean;
}

type Meaning = keyof typeof ATTRIBUTE_NAMES;

function attribute(attributes: Readonly<Record<string, string>>, meaning: Meaning): string | undefined {
  const names: readonly string[] = ATTRIBUTE_NAMES[meaning];
  for (const name of names) {
    for (const [key, value] of Object.entries(attributes)) {
      if (attributeKey(key) === name && value.trim() !== '') return value.trim();
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

function numberTypeOf(text: string | undefined): PriceTraits['numberType'] {
  if (text === undefined) return undefined;
  return NUMBER_TYPE_VALUES[text.toLowerCase().replace(/[^a-z]+/g, '')] ?? 'unrecognized';
}

/**
 * Reads the traits of a price. Attribute names are those of `ATTRIBUTE_NAMES` (case, spaces and
 * `_` ignored). Direction: the call-type attribute, else an `outbound`/`inbound` token of the usage
 * type, else the operation. Countries: `FromCountry`/`ToCountry` (ISO codes or English names), or a
 * single `country` (the country of the number called); whatever the attributes leave open is read
 * from the usage type: `<PREFIX>-<CC>-<CC>-outbound-…` (from, to) or `<PREFIX>-<CC>-[tollfree-]inbound-…`
 * (the number called). Number type: `NumberType`, else toll-free when the usage type or an
 * attribute value says "toll-free"/"tollfree". A message type, or "sms"/"mms"/"message" in the usage
 * type or operation, marks a text-message price.
 */
export function priceTraits(usageType: string, attributes: Readonly<Record<string, string>>): PriceTraits {
  const tokens = usageType.split('-');
  const first = tokens[0] ?? '';
  const usagePrefix = tokens.length > 1 && isRegionPrefix(first) ? first : undefined;
  const countries = tokens.slice(usagePrefix === undefined ? 0 : 1).filter((t) => /^[A-Z]{2}$/.test(t));
  const operation = attribute(attributes, 'operation');
  const direction = directionOf(attribute(attributes, 'direction')) ?? directionOf(usageType) ?? directionOf(operation);

  let sourceCountry = countryCode(attribute(attributes, 'fromCountry'));
  let destinationCountry = countryCode(attribute(attributes, 'toCountry'));
  const single = countryCode(attribute(attributes, 'country'));
  if (destinationCountry === undefined && single !== undefined) destinationCountry = single;
  if (sourceCountry === undefined && destinationCountry === undefined) {
    if (countries.length === 2) [sourceCountry, destinationCountry] = countries;
    else if (countries.length === 1) destinationCountry = countries[0];
  }
  const tollFree = TOLL_FREE_TEXT.test(usageType) || Object.values(attributes).some((v) => TOLL_FREE_TEXT.test(v));
  const numberType = numberTypeOf(attribute(attributes, 'numberType')) ?? (tollFree ? 'toll-free' : undefined);
  const message =
    attribute(attributes, 'messageType') !== undefined ||
    MESSAGE_PRODUCT.test(usageType) ||
    (operation !== undefined && MESSAGE_PRODUCT.test(operation));
  const regionCode = attribute(attributes, 'regionCode')?.toLowerCase();
  return {
    direction,
    sourceCountry,
    destinationCountry,
    regionPrefix: usagePrefix,
    regionCode,
    tollFree: numberType === 'toll-free',
    numberType,
    message,
  };
}

/**
 * The kind of number a call is to: toll-free when the explicit hint says so; otherwise what
 * libphonenumber makes of the called number (`classify`); `unknown` without a number.
 */
export function callNumberKind(hints: CallHints, classify: (number: string) => NumberKind): NumberKind {
  if (hints.tollFree === true) return 'toll-free';
  const number = hints.destinationPhoneNumber;
  const kind = number === undefined || number.trim() === '' ? 'unknown' : classify(number.trim());
  return hints.tollFree === false && kind === 'toll-free' ? 'unknown' : kind;
}

/**
 * How a price's number type fits the kind of number called: `exact` (same kind), `possible` (the
 * price is for any number, the number may be fixed or mobile, or its kind is unknown), or `no`.
 */
export function numberTypeFit(price: PriceTraits['numberType'], call: NumberKind): 'exact' | 'possible' | 'no' {
  if (price === undefined) return 'possible';
  if (price === 'unrecognized') return 'no';
  if (price === call) return 'exact';
  if (call === 'unknown') return 'possible';
  if (call === 'fixed-or-mobile' && (price === 'fixed' || price === 'mobile')) return 'possible';
  return 'no';
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
 * Whether a price may apply to a call, ignoring the number type. Never for a text-message price.
 * The call's direction must be known and equal the price's; the price's from-country must be the
 * caller's country and its to-country the called party's, in either direction (an unknown call
 * country never matches a price that names one); the Region, when the call has one and the price
 * names one, must agree.
 */
export function traitsMatch(traits: PriceTraits, hints: CallHints): boolean {
  if (traits.message) return false;
  const direction = directionOf(hints.direction);
  if (direction === undefined || traits.direction !== direction) return false;
  return (
    sameCountry(traits.sourceCountry, hints.sourceCountry) &&
    sameCountry(traits.destinationCountry, hints.destinationCountry) &&
    sameRegion(traits, hints.region)
  );
}
