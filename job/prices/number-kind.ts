import { PhoneNumberType, PhoneNumberUtil } from 'google-libphonenumber';

/**
 * What kind of number a phone number is, as Google's libphonenumber metadata classifies it:
 * `fixed-or-mobile` where a country's numbering plan cannot tell (all NANP geographic numbers),
 * `other` for premium-rate, shared-cost, VoIP, personal, pager, UAN and voicemail numbers, and
 * `unknown` for numbers that are not valid (or not E.164).
 */
export type NumberKind = 'toll-free' | 'mobile' | 'fixed' | 'fixed-or-mobile' | 'other' | 'unknown';

const KINDS: Readonly<Record<number, NumberKind>> = {
  [PhoneNumberType.FIXED_LINE]: 'fixed',
  [PhoneNumberType.MOBILE]: 'mobile',
  [PhoneNumberType.FIXED_LINE_OR_MOBILE]: 'fixed-or-mobile',
  [PhoneNumberType.TOLL_FREE]: 'toll-free',
};

/** Numbers remembered; the map is emptied when full (a bound on memory, not an LRU). */
const CACHE_LIMIT = 100_000;
const cache = new Map<string, NumberKind>();
let util: PhoneNumberUtil | undefined;

function classify(number: string): NumberKind {
  util ??= PhoneNumberUtil.getInstance();
  let type: number;
  try {
    // Region 'ZZ' (unknown): only numbers in international form (`+…`) parse.
    type = util.getNumberType(util.parse(number, 'ZZ'));
  } catch {
    return 'unknown';
  }
  if (type === PhoneNumberType.UNKNOWN) return 'unknown';
  return KINDS[type] ?? 'other';
}

/**
 * The kind of an E.164 number (`+18005550100` → `toll-free`). Results are cached per number:
 * classification costs tens of microseconds, the rater's whole budget per call.
 */
export function numberKind(number: string): NumberKind {
  const cached = cache.get(number);
  if (cached !== undefined) return cached;
  const kind = classify(number);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(number, kind);
  return kind;
}
