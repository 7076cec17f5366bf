import type { PhoneNumberUtil } from 'google-libphonenumber';
import { libphonenumber } from './libphonenumber';

/** The parts of libphonenumber's metadata used here (in its build, absent from @types/google-libphonenumber). */
interface PhoneNumberDesc {
  getNationalNumberPatternOrDefault(): string;
  possibleLengthArray(): number[];
}
interface PhoneMetadata {
  getLeadingDigits(): string | null | undefined;
  getNationalPrefixForParsing(): string | null | undefined;
  getGeneralDesc(): PhoneNumberDesc | undefined;
  getPremiumRate(): PhoneNumberDesc | undefined;
  getTollFree(): PhoneNumberDesc | undefined;
  getSharedCost(): PhoneNumberDesc | undefined;
  getVoip(): PhoneNumberDesc | undefined;
  getPersonalNumber(): PhoneNumberDesc | undefined;
  getPager(): PhoneNumberDesc | undefined;
  getUan(): PhoneNumberDesc | undefined;
  getVoicemail(): PhoneNumberDesc | undefined;
  getFixedLine(): PhoneNumberDesc | undefined;
  getMobile(): PhoneNumberDesc | undefined;
  getSameMobileAndFixedLinePattern(): boolean | null | undefined;
}
interface MetadataAccess {
  getRegionCodesForCountryCode(code: number): string[];
  getMetadataForRegion(region: string): PhoneMetadata | null | undefined;
  getMetadataForNonGeographicalRegion(code: number): PhoneMetadata | null | undefined;
}

/**
 * What kind of number a phone number is, as Google's libphonenumber metadata classifies it:
 * `fixed-or-mobile` where a country's numbering plan cannot tell (all NANP geographic numbers),
 * `other` for premium-rate, shared-cost, VoIP, personal, pager, UAN and voicemail numbers, and
 * `unknown` for numbers that are not valid (or not E.164).
 */
export type NumberKind = 'toll-free' | 'mobile' | 'fixed' | 'fixed-or-mobile' | 'other' | 'unknown';

let kinds: Readonly<Record<number, NumberKind>> | undefined;
function libraryKinds(): Readonly<Record<number, NumberKind>> {
  const { PhoneNumberType } = libphonenumber();
  kinds ??= {
    [PhoneNumberType.FIXED_LINE]: 'fixed',
    [PhoneNumberType.MOBILE]: 'mobile',
    [PhoneNumberType.FIXED_LINE_OR_MOBILE]: 'fixed-or-mobile',
    [PhoneNumberType.TOLL_FREE]: 'toll-free',
  };
  return kinds;
}

let util: PhoneNumberUtil | undefined;
function phoneUtil(): PhoneNumberUtil {
  util ??= libphonenumber().PhoneNumberUtil.getInstance();
  return util;
}

/** libphonenumber's own classification: parse, then getNumberType (tens of microseconds). */
export function libraryNumberKind(number: string): NumberKind {
  const lib = phoneUtil();
  let type: number;
  try {
    // Region 'ZZ' (unknown): only numbers in international form (`+…`) parse.
    type = lib.getNumberType(lib.parse(number, 'ZZ'));
  } catch {
    return 'unknown';
  }
  if (type === libphonenumber().PhoneNumberType.UNKNOWN) return 'unknown';
  return libraryKinds()[type] ?? 'other';
}

/** A number description with its pattern compiled once (libphonenumber compiles it on every test). */
interface Desc {
  readonly pattern: RegExp;
  readonly lengths: readonly number[];
}

/** The descriptions of one region, in the order libphonenumber's getNumberTypeHelper tests them. */
interface RegionPlan {
  readonly leadingDigits: RegExp | undefined;
  /** The national prefix the parser may strip even after a country code (`0`…): left to the library. */
  readonly nationalPrefix: RegExp | undefined;
  readonly general: Desc;
  /** Premium rate, toll-free, shared cost, VoIP, personal, pager, UAN, voicemail. */
  readonly special: readonly (readonly [Desc, NumberKind])[];
  readonly fixed: Desc;
  readonly mobile: Desc;
  readonly sameMobileAndFixed: boolean;
}

function desc(value: PhoneNumberDesc | undefined): Desc {
  const pattern = value?.getNationalNumberPatternOrDefault() ?? '';
  return { pattern: new RegExp(`^(?:${pattern})$`), lengths: value?.possibleLengthArray() ?? [] };
}

function matches(national: string, d: Desc): boolean {
  if (d.lengths.length > 0 && !d.lengths.includes(national.length)) return false;
  return d.pattern.test(national);
}

function planOf(metadata: PhoneMetadata): RegionPlan {
  const leading = metadata.getLeadingDigits();
  const prefix = metadata.getNationalPrefixForParsing();
  return {
    leadingDigits: leading ? new RegExp(`^(?:${leading})`) : undefined,
    nationalPrefix: prefix ? new RegExp(`^(?:${prefix})`) : undefined,
    general: desc(metadata.getGeneralDesc()),
    special: [
      [desc(metadata.getPremiumRate()), 'other'],
      [desc(metadata.getTollFree()), 'toll-free'],
      [desc(metadata.getSharedCost()), 'other'],
      [desc(metadata.getVoip()), 'other'],
      [desc(metadata.getPersonalNumber()), 'other'],
      [desc(metadata.getPager()), 'other'],
      [desc(metadata.getUan()), 'other'],
      [desc(metadata.getVoicemail()), 'other'],
    ],
    fixed: desc(metadata.getFixedLine()),
    mobile: desc(metadata.getMobile()),
    sameMobileAndFixed: metadata.getSameMobileAndFixedLinePattern() === true,
  };
}

/** libphonenumber's getNumberTypeHelper over a compiled plan. */
function kindIn(national: string, plan: RegionPlan): NumberKind {
  if (!matches(national, plan.general)) return 'unknown';
  for (const [d, kind] of plan.special) if (matches(national, d)) return kind;
  if (matches(national, plan.fixed)) {
    return plan.sameMobileAndFixed || matches(national, plan.mobile) ? 'fixed-or-mobile' : 'fixed';
  }
  if (!plan.sameMobileAndFixed && matches(national, plan.mobile)) return 'mobile';
  return 'unknown';
}

/** Country calling code → the plans of its regions, in libphonenumber's order; undefined when not a code. */
const plans = new Map<string, readonly RegionPlan[] | null>();

function plansOf(code: string): readonly RegionPlan[] | undefined {
  const known = plans.get(code);
  if (known !== undefined) return known ?? undefined;
  const lib = phoneUtil() as unknown as MetadataAccess;
  const regions = lib.getRegionCodesForCountryCode(Number(code));
  const list: RegionPlan[] = [];
  for (const region of regions) {
    const metadata =
      region === '001' ? lib.getMetadataForNonGeographicalRegion(Number(code)) : lib.getMetadataForRegion(region);
    if (metadata) list.push(planOf(metadata));
  }
  plans.set(code, list.length > 0 ? list : null);
  return list.length > 0 ? list : undefined;
}

/** Strict E.164: `+`, a non-zero digit, 7 to 15 digits in all. */
const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * libphonenumber's classification of a strict E.164 number without its parser: the country code
 * is the shortest prefix that is one, the rest the national significant number; the region is
 * chosen as getRegionCodeForNumber does (leading digits, else the first whose plan knows the
 * number); the number type as getNumberTypeHelper does. Undefined (use the library) for anything
 * else, and for a national number that starts like the country's national prefix (the parser may
 * strip it).
 */
export function fastNumberKind(number: string): NumberKind | undefined {
  if (!E164.test(number)) return undefined;
  for (let length = 1; length <= 3; length++) {
    const list = plansOf(number.slice(1, 1 + length));
    if (!list) continue;
    const national = number.slice(1 + length);
    if (list.some((plan) => plan.nationalPrefix?.test(national))) return undefined;
    if (list.length === 1) return kindIn(national, list[0] as RegionPlan);
    for (const plan of list) {
      if (plan.leadingDigits) {
        if (plan.leadingDigits.test(national)) return kindIn(national, plan);
      } else {
        const kind = kindIn(national, plan);
        if (kind !== 'unknown') return kind;
      }
    }
    return 'unknown';
  }
  return 'unknown';
}

/** Numbers remembered; the map is emptied when full (a bound on memory, not an LRU). */
const CACHE_LIMIT = 100_000;
const cache = new Map<string, NumberKind>();

/**
 * The kind of an E.164 number (`+18005550100` → `toll-free`), as libphonenumber classifies it:
 * strict E.164 through the compiled metadata (`fastNumberKind`, about a microsecond), anything
 * else through the library's parser. Cached per number.
 */
export function numberKind(number: string): NumberKind {
  const cached = cache.get(number);
  if (cached !== undefined) return cached;
  const kind = fastNumberKind(number) ?? libraryNumberKind(number);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(number, kind);
  return kind;
}
