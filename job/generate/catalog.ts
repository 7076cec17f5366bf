/**
 * What the synthetic corpus draws from: countries with E.164 number shapes, connector Regions,
 * display names, and the usage types and (illustrative) per-minute prices the generator can produce.
 * The price file written next to the corpus is built from PRICED_USAGE here, so it covers every
 * usage type a generated call can carry (except the deliberately unknown ones).
 */

import type { ServiceCode } from '../core/schema';
import type { Random } from './random';

/** A country calls come from or go to. */
export interface Country {
  /** ISO 3166 alpha-2. */
  readonly code: string;
  /** Outbound price per minute to this country, USD (10 decimals, as the Price List writes it). */
  readonly outboundPrice: string;
  /** Builds a fictional but well-formed E.164 number. */
  readonly number: (random: Random) => string;
}

const NANP_AREA_CODES = ['206', '212', '305', '312', '415', '503', '512', '617', '702', '713', '917'];
const CA_AREA_CODES = ['416', '514', '604', '613'];

/** Destination countries, with illustrative outbound prices. */
export const COUNTRIES: readonly Country[] = [
  { code: 'US', outboundPrice: '0.0048000000', number: (r) => `+1${r.pick(NANP_AREA_CODES)}555${r.digits(4)}` },
  { code: 'CA', outboundPrice: '0.0048000000', number: (r) => `+1${r.pick(CA_AREA_CODES)}555${r.digits(4)}` },
  { code: 'GB', outboundPrice: '0.0095000000', number: (r) => `+4420794600${r.digits(2)}` },
  { code: 'DE', outboundPrice: '0.0180000000', number: (r) => `+4930${r.digits(8)}` },
  { code: 'FR', outboundPrice: '0.0150000000', number: (r) => `+331${r.digits(8)}` },
  { code: 'ES', outboundPrice: '0.0140000000', number: (r) => `+3491${r.digits(7)}` },
  { code: 'AU', outboundPrice: '0.0320000000', number: (r) => `+6125550${r.digits(4)}` },
  { code: 'JP', outboundPrice: '0.0700000000', number: (r) => `+813${r.digits(8)}` },
  { code: 'MX', outboundPrice: '0.0170000000', number: (r) => `+5255${r.digits(8)}` },
  { code: 'IN', outboundPrice: '0.0290000000', number: (r) => `+9122${r.digits(8)}` },
  { code: 'BR', outboundPrice: '0.0210000000', number: (r) => `+55119${r.digits(8)}` },
  { code: 'PA', outboundPrice: '0.1200000000', number: (r) => `+5072${r.digits(6)}` },
];

/**
 * A priced destination ordinary generated calls never go to (Latvia, a premium-rate range): where a
 * planted toll-fraud spike calls (GenerateCorpusOptions.spike).
 */
export const RARE_DESTINATION: Country = {
  code: 'LV',
  outboundPrice: '0.3500000000',
  number: (r) => `+3719000${r.digits(4)}`,
};

/** A destination with no price in the generated price file (Antarctica), for `unknownUsageTypeRatio`. */
export const UNPRICED_COUNTRY: Country = {
  code: 'AQ',
  outboundPrice: '',
  number: (r) => `+6721${r.digits(5)}`,
};

/** Countries the numbers of a connector/account can be in, with inbound prices. */
export const HOME_COUNTRIES: readonly { readonly code: string; readonly inboundPrice: string }[] = [
  { code: 'US', inboundPrice: '0.0022000000' },
  { code: 'CA', inboundPrice: '0.0022000000' },
  { code: 'GB', inboundPrice: '0.0038000000' },
];

/** Price of an inbound call to a US toll-free number. */
export const TOLL_FREE_INBOUND_PRICE = '0.0130000000';

/** A fictional US toll-free number (+1 800/888 555 xxxx). */
export function tollFreeNumber(random: Random): string {
  return `+1${random.pick(['800', '888'])}555${random.digits(4)}`;
}

/** An AWS Region Voice Connectors run in. */
export interface ConnectorRegion {
  readonly region: string;
  /** Usage-type prefix. */
  readonly prefix: string;
  /** Price List `location`. */
  readonly location: string;
}

/** Regions a service's connectors are spread over (Business Calling: us-east-1 only). */
export function regionsOf(service: ServiceCode): readonly ConnectorRegion[] {
  const east: ConnectorRegion = { region: 'us-east-1', prefix: 'USE1', location: 'US East (N. Virginia)' };
  if (service === 'AmazonChimeBusinessCalling') return [east];
  return [
    east,
    { region: 'us-west-2', prefix: 'USW2', location: 'US West (Oregon)' },
    { region: 'eu-west-2', prefix: 'EUW2', location: 'EU (London)' },
  ];
}

/** Outbound usage type: `<PREFIX>-<from>-<to>-outbound-minutes`. */
export function outboundUsageType(prefix: string, from: string, to: string): string {
  return `${prefix}-${from}-${to}-outbound-minutes`;
}

/** Inbound usage type: `<PREFIX>-<country called>-[tollfree-]inbound-minutes`. */
export function inboundUsageType(prefix: string, country: string, tollFree: boolean): string {
  return `${prefix}-${country}-${tollFree ? 'tollfree-' : ''}inbound-minutes`;
}

/** One priced usage type of the generated price file. */
export interface PricedUsage {
  readonly usageType: string;
  readonly region: ConnectorRegion;
  readonly direction: 'Outbound' | 'Inbound';
  /** USD per `unit`, 10 decimals. */
  readonly price: string;
  /** Price unit as the price list writes it (`minutes`; `Message` for text messages). */
  readonly unit: string;
  /** Country of the calling party, when the price depends on it (outbound). */
  readonly fromCountry?: string;
  /** Country of the called party (inbound: the country of the number called). */
  readonly toCountry: string;
  /** `NumberType` of the number called (`Local`, `Toll Free`), when the price depends on it. */
  readonly numberType?: string;
  /** `messagetype` of a text-message price (`SMS`); calls never match it. */
  readonly messageType?: string;
}

/** Illustrative price of a text message (Business Calling's SMS rows, which calls must never match). */
export const SMS_PRICE = '0.0064500000';

/** Text-message usage type: `<PREFIX>-<from>-<to>-outbound-sms` / `<PREFIX>-<country>-inbound-sms`. */
export function smsUsageType(prefix: string, direction: 'outbound' | 'inbound', from: string, to: string): string {
  return direction === 'outbound' ? `${prefix}-${from}-${to}-outbound-sms` : `${prefix}-${to}-inbound-sms`;
}

/**
 * Every usage type the generator can produce for a service with a price, in a stable order. Business
 * Calling adds text-message prices (per `Message`) that no call may match.
 */
export function pricedUsage(service: ServiceCode): PricedUsage[] {
  const out: PricedUsage[] = [];
  const minutes = 'minutes';
  for (const region of regionsOf(service)) {
    for (const home of HOME_COUNTRIES) {
      for (const to of [...COUNTRIES, RARE_DESTINATION]) {
        out.push({
          usageType: outboundUsageType(region.prefix, home.code, to.code),
          region,
          direction: 'Outbound',
          price: to.outboundPrice,
          unit: minutes,
          fromCountry: home.code,
          toCountry: to.code,
        });
      }
      out.push({
        usageType: inboundUsageType(region.prefix, home.code, false),
        region,
        direction: 'Inbound',
        price: home.inboundPrice,
        unit: minutes,
        toCountry: home.code,
        numberType: 'Local',
      });
      if (service === 'AmazonChimeBusinessCalling') {
        for (const direction of ['outbound', 'inbound'] as const) {
          out.push({
            usageType: smsUsageType(region.prefix, direction, home.code, home.code),
            region,
            direction: direction === 'outbound' ? 'Outbound' : 'Inbound',
            price: SMS_PRICE,
            unit: 'Message',
            ...(direction === 'outbound' ? { fromCountry: home.code } : {}),
            toCountry: home.code,
            messageType: 'SMS',
          });
        }
      }
    }
    out.push({
      usageType: inboundUsageType(region.prefix, 'US', true),
      region,
      direction: 'Inbound',
      price: TOLL_FREE_INBOUND_PRICE,
      unit: minutes,
      toCountry: 'US',
      numberType: 'Toll Free',
    });
  }
  return out;
}

/** Display names for phone numbers, including the awkward ones (commas, quotes, umlauts, CJK). */
export const PHONE_NUMBER_NAMES: readonly string[] = [
  'North Campus Reception',
  'South Campus Reception',
  'Support Line 2',
  'Müller, Jörg',
  'Büro Zürich',
  'O\'Brien "Main" Line',
  'Sales, East; "VIP" queue',
  'Café "Le Coin", Paris',
  'São Paulo — Vendas',
  'Łódź Oddział',
  '東京オフィス',
  'Smith & Sons, Ltd.',
];

/** First and last names for organizer e-mail addresses (ASCII only, as mailbox names). */
export const FIRST_NAMES: readonly string[] = [
  'jdoe',
  'maria',
  'li',
  'ahmed',
  'olga',
  'sam',
  'priya',
  'kenji',
  'lucas',
  'emma',
];
export const LAST_NAMES: readonly string[] = [
  'smith',
  'garcia',
  'wang',
  'khan',
  'ivanova',
  'lee',
  'patel',
  'sato',
  'silva',
  'brown',
];

/** Status messages of failed calls (SIP reason phrases). */
export const FAILURE_MESSAGES: readonly string[] = [
  'Busy Here',
  'Request Terminated',
  'Temporarily Unavailable',
  'Not Found',
];
