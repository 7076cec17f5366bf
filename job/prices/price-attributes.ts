/**
 * How product attributes of a price list are read to identify the price of a call that carries no
 * usage type (Business Calling). Everything here that public sources do not confirm is an
 * assumption written down in docs/reference/chime-formats.md ("Business Calling price list"); this
 * file is the one place to change when real values differ.
 *
 * Confirmed (CSV column names of the AmazonChimeBusinessCalling price list): `UsageType`,
 * `Operation`, `FromCountry`, `ToCountry`, `NumberType`, `messagetype`, `Location`, `Region Code`;
 * no call-type column (the Voice Connector list had `CallType` until late 2020).
 */

/**
 * Attribute names per meaning, compared after `attributeKey` (case, spaces, `_` and `-` ignored,
 * so `Region_Code`, `Region Code` and `regionCode` are one name). The first names are the real
 * ones; the others are accepted for older or hand-made price files.
 */
export const ATTRIBUTE_NAMES = {
  /** Call direction; absent from the real Business Calling list (direction is in usage type/operation). */
  direction: ['calltype', 'callingtype', 'direction'],
  /** Country of the calling party. */
  fromCountry: ['fromcountry', 'sourcecountry', 'origincountry'],
  /** Country of the called party. */
  toCountry: ['tocountry', 'destinationcountry'],
  /** A single country: the country of the number called (assumption). */
  country: ['country'],
  /** Kind of the number called: toll-free, local/DID, mobile (values: `NUMBER_TYPE_VALUES`). */
  numberType: ['numbertype'],
  /** Set on text-message products (SMS/MMS), which never price a call. */
  messageType: ['messagetype'],
  operation: ['operation'],
  regionCode: ['regioncode'],
} as const;

/** Normalized attribute key: lower case without spaces, `_` and `-`. */
export function attributeKey(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, '');
}

/** What a product's `NumberType` says about the number called. */
export type ProductNumberType = 'toll-free' | 'fixed' | 'mobile';

/**
 * `NumberType` values (normalized: lower case, letters only) → meaning. Assumption: AWS's exact
 * spellings are not published; any other non-empty value makes the product match no call.
 */
export const NUMBER_TYPE_VALUES: Readonly<Record<string, ProductNumberType>> = {
  tollfree: 'toll-free',
  local: 'fixed',
  did: 'fixed',
  standard: 'fixed',
  fixed: 'fixed',
  fixedline: 'fixed',
  landline: 'fixed',
  geographic: 'fixed',
  mobile: 'mobile',
  cellular: 'mobile',
  wireless: 'mobile',
};

/** Text (usage type, operation) that marks a text-message product. */
export const MESSAGE_PRODUCT = /(^|[^a-z])(sms|mms|message|messages|text)([^a-z]|$)/i;

/** Text (usage type, attribute value) that marks a toll-free product. */
export const TOLL_FREE_TEXT = /toll[\s_-]?free/i;
