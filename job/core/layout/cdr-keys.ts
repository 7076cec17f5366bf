/**
 * S3 key layout of Amazon Chime CDRs. Pure string functions.
 *
 *   VC: <cdrPrefix><voiceConnectorId>/<yyyy>/<mm>/<dd>/<HH.MM.SS.mmm>_<transactionId>
 *   BC: <cdrPrefix><awsAccountId>/<yyyy>/<mm>/<dd>/<conferenceId>_<yyyy-mm-dd>-<HH.MM.SS.mmm>_<cdrId>
 *
 * The folder date is the day Chime filed the object: usually the call's start day, but a call that
 * starts in the last minutes of a day can sit in the NEXT day's folder, so the folder date and the
 * time in the object name are independent inputs of the builders.
 */

import { type CalendarDate, calendarDate, formatDate, PeriodError, pad2 } from '../period';
import type { ServiceSchema } from '../schema';

/** Top prefix Chime writes a service's CDRs under (`Amazon-Chime-Voice-Connector-CDRs/json/`). */
export function cdrKeyPrefix(schema: ServiceSchema): string {
  return schema.cdrPrefix;
}

/** Prefix of one partition (voice connector or AWS account): `<cdrPrefix><partition>/`. */
export function partitionPrefix(schema: ServiceSchema, partitionId: string): string {
  assertSegment(partitionId, 'partition id');
  return `${schema.cdrPrefix}${partitionId}/`;
}

/** Prefix of one day folder: `<cdrPrefix><partition>/<yyyy>/<mm>/<dd>/`, zero-padded as Chime writes it. */
export function dayFolderPrefix(schema: ServiceSchema, partitionId: string, date: CalendarDate): string {
  return `${partitionPrefix(schema, partitionId)}${date.year}/${pad2(date.month)}/${pad2(date.day)}/`;
}

/**
 * Every spelling of a day folder a reader should list: the zero-padded one Chime documents first,
 * then the unpadded one (`2019/3/1/`) when it differs. The docs' template says only
 * `year/month/day`; only the example shows padding, so a crawler that wants to be safe lists both.
 */
export function dayFolderPrefixVariants(schema: ServiceSchema, partitionId: string, date: CalendarDate): string[] {
  const padded = dayFolderPrefix(schema, partitionId, date);
  const unpadded = `${partitionPrefix(schema, partitionId)}${date.year}/${date.month}/${date.day}/`;
  return padded === unpadded ? [padded] : [padded, unpadded];
}

/** What a CDR key says about its object. */
export interface CdrKeyInfo {
  /** Voice connector ID (VC) or AWS account ID (BC): the folder under `json/`. */
  readonly partitionId: string;
  /** The folder date (not necessarily the call's start day). */
  readonly date: CalendarDate;
  /** The object name after the day folder. */
  readonly name: string;
}

const FOLDER_DATE = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/;

/**
 * Reads the partition and folder date of a CDR key, or undefined when the key is not a CDR object
 * of this service in the documented layout (another prefix, wrong depth, impossible date, empty name).
 * Month and day may omit the leading zero (see dayFolderPrefixVariants).
 */
export function parseCdrKey(schema: ServiceSchema, key: string): CdrKeyInfo | undefined {
  if (!key.startsWith(schema.cdrPrefix)) return undefined;
  const parts = key.slice(schema.cdrPrefix.length).split('/');
  if (parts.length !== 5) return undefined;
  const [partitionId, year, month, day, name] = parts as [string, string, string, string, string];
  if (partitionId === '' || name === '') return undefined;
  const match = FOLDER_DATE.exec(`${year}/${month}/${day}`);
  if (!match) return undefined;
  try {
    return { partitionId, date: calendarDate(year, month, day), name };
  } catch (error) {
    if (error instanceof PeriodError) return undefined;
    throw error;
  }
}

/** Time of day in an object name, UTC. */
export interface TimeOfDay {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

/** `HH.MM.SS.mmm` of an epoch-milliseconds instant (UTC), as Chime writes it in object names. */
export function formatTimeOfDay(epochMilliseconds: number): string {
  const d = new Date(epochMilliseconds);
  const ms = d.getUTCMilliseconds();
  return `${pad2(d.getUTCHours())}.${pad2(d.getUTCMinutes())}.${pad2(d.getUTCSeconds())}.${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}`;
}

/** VC object name: `<HH.MM.SS.mmm>_<transactionId>`. */
export function voiceConnectorObjectName(startEpochMilliseconds: number, transactionId: string): string {
  assertSegment(transactionId, 'transaction id');
  return `${formatTimeOfDay(startEpochMilliseconds)}_${transactionId}`;
}

/** BC object name: `<conferenceId>_<yyyy-mm-dd>-<HH.MM.SS.mmm>_<cdrId>` (date and time of the call start). */
export function businessCallingObjectName(conferenceId: string, startEpochMilliseconds: number, cdrId: string): string {
  assertSegment(conferenceId, 'conference id');
  assertSegment(cdrId, 'CDR id');
  const date = formatDate(dateOfEpochMilliseconds(startEpochMilliseconds));
  return `${conferenceId}_${date}-${formatTimeOfDay(startEpochMilliseconds)}_${cdrId}`;
}

/** Full VC key: the object filed in `folderDate`'s folder of `voiceConnectorId`. */
export function voiceConnectorCdrKey(
  schema: ServiceSchema,
  voiceConnectorId: string,
  folderDate: CalendarDate,
  startEpochMilliseconds: number,
  transactionId: string,
): string {
  return `${dayFolderPrefix(schema, voiceConnectorId, folderDate)}${voiceConnectorObjectName(startEpochMilliseconds, transactionId)}`;
}

/** Full BC key: the object filed in `folderDate`'s folder of `awsAccountId`. */
export function businessCallingCdrKey(
  schema: ServiceSchema,
  awsAccountId: string,
  folderDate: CalendarDate,
  conferenceId: string,
  startEpochMilliseconds: number,
  cdrId: string,
): string {
  return `${dayFolderPrefix(schema, awsAccountId, folderDate)}${businessCallingObjectName(conferenceId, startEpochMilliseconds, cdrId)}`;
}

/** Parts of a VC object name. The docs' template uses `-` after the time, the example `_`: both are read. */
export interface VoiceConnectorObjectName {
  readonly time: TimeOfDay;
  readonly transactionId: string;
}

const VC_NAME = /^(\d{2})\.(\d{2})\.(\d{2})\.(\d{3})[_-](.+)$/;

/** Parses `<HH.MM.SS.mmm>_<transactionId>`; undefined when the name does not follow the layout. */
export function parseVoiceConnectorObjectName(name: string): VoiceConnectorObjectName | undefined {
  const m = VC_NAME.exec(name);
  if (!m) return undefined;
  const time = timeOfDay(m[1] as string, m[2] as string, m[3] as string, m[4] as string);
  return time ? { time, transactionId: m[5] as string } : undefined;
}

/** Parts of a BC object name. */
export interface BusinessCallingObjectName {
  readonly conferenceId: string;
  readonly date: CalendarDate;
  readonly time: TimeOfDay;
  readonly cdrId: string;
}

const BC_NAME = /^([^/]+?)_(\d{4})-(\d{2})-(\d{2})-(\d{2})\.(\d{2})\.(\d{2})\.(\d{3})[_-]([^/]+)$/;

/** Parses `<conferenceId>_<yyyy-mm-dd>-<HH.MM.SS.mmm>_<cdrId>`; undefined when it does not follow the layout. */
export function parseBusinessCallingObjectName(name: string): BusinessCallingObjectName | undefined {
  const m = BC_NAME.exec(name);
  if (!m) return undefined;
  const time = timeOfDay(m[5] as string, m[6] as string, m[7] as string, m[8] as string);
  if (!time) return undefined;
  try {
    const date = calendarDate(m[2] as string, m[3] as string, m[4] as string);
    return { conferenceId: m[1] as string, date, time, cdrId: m[9] as string };
  } catch (error) {
    if (error instanceof PeriodError) return undefined;
    throw error;
  }
}

function timeOfDay(h: string, m: string, s: string, ms: string): TimeOfDay | undefined {
  const hour = Number(h);
  const minute = Number(m);
  const second = Number(s);
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  return { hour, minute, second, millisecond: Number(ms) };
}

function dateOfEpochMilliseconds(ms: number): CalendarDate {
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function assertSegment(value: string, what: string): void {
  if (value === '' || value.includes('/'))
    throw new Error(`${what} must be non-empty and contain no "/": ${JSON.stringify(value)}`);
}
