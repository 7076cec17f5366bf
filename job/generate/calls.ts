/**
 * The deterministic stream of synthetic CDR objects (key + JSON body) in the real Amazon Chime
 * layout. A generator function: objects are produced one at a time, so a corpus of millions never
 * sits in memory. Pure (no I/O); the same options always produce the same sequence.
 */

import { businessCallingCdrKey, voiceConnectorCdrKey } from '../core/layout/cdr-keys';
import { addDays, type CalendarDate, epochSeconds } from '../core/period';
import { type ServiceCode, schemaFor } from '../core/schema';
import {
  COUNTRIES,
  type ConnectorRegion,
  type Country,
  FAILURE_MESSAGES,
  FIRST_NAMES,
  HOME_COUNTRIES,
  inboundUsageType,
  LAST_NAMES,
  outboundUsageType,
  PHONE_NUMBER_NAMES,
  RARE_DESTINATION,
  regionsOf,
  tollFreeNumber,
  UNPRICED_COUNTRY,
} from './catalog';
import { Random } from './random';

/** What drives the call stream. */
export interface CallStreamOptions {
  readonly service: ServiceCode;
  readonly calls: number;
  readonly days: number;
  /** Voice Connector folders (VC) or AWS account folders (BC). */
  readonly connectors: number;
  readonly seed: number | string;
  /** Last day of calls (UTC). */
  readonly end: CalendarDate;
  /** Share of calls whose usage type has no price (default 0). */
  readonly unknownUsageTypeRatio?: number;
  /** Share of calls that start in the last minutes of a day and are filed in the next day's folder (default 0.01). */
  readonly nextDayRatio?: number;
  /** A planted toll-fraud pattern: short outbound calls at night to a rare destination (tests, demos). */
  readonly spike?: PlantedSpike;
}

/**
 * Extra calls on one day from one connector: `calls` outbound calls of 1-5 s within one clock hour to
 * numbers of one prefix in RARE_DESTINATION (priced, and never drawn for ordinary calls).
 */
export interface PlantedSpike {
  readonly day: CalendarDate;
  /** Index of the connector (partition) in generation order. */
  readonly connector: number;
  /** Hour of day, UTC. */
  readonly hour: number;
  readonly calls: number;
}

/** One generated object. */
export interface GeneratedObject {
  readonly key: string;
  readonly body: string;
  /** Filed in the day folder after its start day. */
  readonly nextDay: boolean;
  /** Carries a usage type absent from the price file. */
  readonly unknownUsageType: boolean;
}

interface OwnNumber {
  readonly number: string;
  readonly name: string | undefined;
}

interface Partition {
  readonly id: string;
  readonly region: ConnectorRegion;
  readonly home: string;
  readonly homeCountry: Country;
  readonly numbers: readonly OwnNumber[];
  /** Business Calling only. */
  readonly chimeAccountId: string;
  readonly users: readonly { readonly id: string; readonly email: string }[];
}

const DAY = 86_400;

/** The partition ids a stream uses (in folder order of generation), without generating calls. */
export function partitionIds(options: CallStreamOptions): string[] {
  return setup(options, new Random(options.seed)).partitions.map((p) => p.id);
}

function setup(options: CallStreamOptions, random: Random): { accountId: string; partitions: Partition[] } {
  const bc = options.service === 'AmazonChimeBusinessCalling';
  const regions = regionsOf(options.service);
  const accountId = `${random.int(1, 9)}${random.digits(11)}`;
  const partitions: Partition[] = [];
  for (let i = 0; i < options.connectors; i++) {
    const home = (HOME_COUNTRIES[i % HOME_COUNTRIES.length] as { code: string }).code;
    const homeCountry = COUNTRIES.find((c) => c.code === home) as Country;
    const id = bc ? `${random.int(1, 9)}${random.digits(11)}` : random.alnumLower(22);
    const numbers: OwnNumber[] = [];
    for (let j = 0; j < 5; j++) {
      const name = j === 0 ? undefined : PHONE_NUMBER_NAMES[(i * 5 + j) % PHONE_NUMBER_NAMES.length];
      numbers.push({ number: homeCountry.number(random), name });
    }
    const users: { id: string; email: string }[] = [];
    for (let j = 0; j < 8; j++) {
      users.push({ id: random.uuid(), email: `${random.pick(FIRST_NAMES)}.${random.pick(LAST_NAMES)}@example.com` });
    }
    partitions.push({
      id,
      region: regions[i % regions.length] as ConnectorRegion,
      home,
      homeCountry,
      numbers,
      chimeAccountId: random.uuid(),
      users,
    });
  }
  return { accountId, partitions };
}

/**
 * Yields `calls` objects spread evenly over `days` days ending on `end` and over the partitions,
 * day by day, partition by partition (so writes to one folder come together).
 */
export function* generateObjects(options: CallStreamOptions): Generator<GeneratedObject> {
  const mainRandom = new Random(options.seed);
  const schema = schemaFor(options.service);
  const bc = options.service === 'AmazonChimeBusinessCalling';
  const { accountId, partitions } = setup(options, mainRandom);
  const unknownRatio = options.unknownUsageTypeRatio ?? 0;
  const nextDayRatio = options.nextDayRatio ?? 0.01;
  const firstDay = addDays(options.end, 1 - options.days);
  const groups = options.days * partitions.length;
  const spike = options.spike;
  // Spike calls draw from their own stream, so the ordinary calls are the same with or without them.
  const spikeRandom = new Random(`${options.seed}/spike`);

  for (let g = 0; g < groups; g++) {
    const count = Math.floor((options.calls * (g + 1)) / groups) - Math.floor((options.calls * g) / groups);
    const dayIndex = Math.floor(g / partitions.length);
    const partition = partitions[g % partitions.length] as Partition;
    const day = addDays(firstDay, dayIndex);
    const dayStart = epochSeconds(day);
    const nextDayFolder = addDays(day, 1);
    const spiked =
      spike !== undefined && spike.connector === g % partitions.length && epochSeconds(spike.day) === dayStart
        ? spike.calls
        : 0;

    for (let c = 0; c < count + spiked; c++) {
      const planted = c >= count;
      const random = planted ? spikeRandom : mainRandom;
      const nextDay = !planted && random.chance(nextDayRatio);
      let start: number;
      if (planted) start = dayStart + (spike as PlantedSpike).hour * 3600 + random.int(0, 3599);
      else if (nextDay) start = dayStart + DAY - random.int(1, 600);
      else if (random.chance(0.7)) start = dayStart + random.int(8 * 3600, 18 * 3600 - 1);
      else start = dayStart + random.int(0, DAY - 1);
      const startMs = start * 1000 + random.int(0, 999);

      const failed = !nextDay && random.chance(0.03);
      let talk = planted
        ? random.int(1, 5)
        : failed
          ? 0
          : Math.min(4 * 3600, Math.max(1, Math.round(Math.exp(4.2 + 1.1 * random.normal()))));
      // A late call filed in the next folder ended after midnight.
      if (nextDay) talk = Math.max(talk, dayStart + DAY - start + random.int(1, 600));
      const end = failed ? start + random.int(3, 30) : start + talk;
      const billableSeconds = Math.ceil(talk / 6) * 6;
      const tenths = billableSeconds / 6;

      const unknown = !planted && random.chance(unknownRatio);
      const outbound = planted || unknown || random.chance(0.6);
      const own = random.pick(partition.numbers);
      let source: string;
      let sourceCountry: string;
      let sourceName: string | undefined;
      let destination: string;
      let destinationCountry: string;
      let destinationName: string | undefined;
      let usageType: string;
      if (outbound) {
        const to = planted
          ? RARE_DESTINATION
          : unknown
            ? UNPRICED_COUNTRY
            : random.chance(0.7)
              ? partition.homeCountry
              : random.pick(COUNTRIES);
        source = own.number;
        sourceCountry = partition.home;
        sourceName = own.name;
        destination = to.number(random);
        destinationCountry = to.code;
        destinationName = random.chance(0.05) ? random.pick(PHONE_NUMBER_NAMES) : undefined;
        usageType = outboundUsageType(partition.region.prefix, partition.home, to.code);
      } else {
        const tollFree = partition.home === 'US' && random.chance(0.05);
        const from = random.chance(0.75) ? partition.homeCountry : random.pick(COUNTRIES);
        source = from.number(random);
        sourceCountry = from.code;
        sourceName = random.chance(0.1) ? random.pick(PHONE_NUMBER_NAMES) : undefined;
        destination = tollFree ? tollFreeNumber(random) : own.number;
        destinationCountry = partition.home;
        destinationName = tollFree ? undefined : own.name;
        usageType = inboundUsageType(partition.region.prefix, partition.home, tollFree);
      }
      const folder = nextDay ? nextDayFolder : day;

      if (bc) {
        const cdrId = random.uuid();
        const conferenceId = random.uuid();
        const user = random.pick(partition.users);
        const body = {
          SchemaVersion: '2.0',
          CdrId: cdrId,
          ServiceCode: 'AmazonChimeBusinessCalling',
          ChimeAccountId: partition.chimeAccountId,
          AwsAccountId: partition.id,
          ConferenceId: conferenceId,
          ConferencePin: 'XXXXXXXXXX',
          OrganizerUserId: user.id,
          OrganizerEmail: user.email,
          CallerPhoneNumber: source,
          CallerCountry: sourceCountry,
          DestinationPhoneNumber: destination,
          DestinationCountry: destinationCountry,
          ConferenceStartTimeEpochSeconds: String(start - random.int(0, 300)),
          ConferenceEndTimeEpochSeconds: String(end + random.int(0, 300)),
          StartTimeEpochSeconds: String(start),
          EndTimeEpochSeconds: String(end),
          BillableDurationSeconds: String(billableSeconds),
          BillableDurationMinutes: businessCallingMinutes(tenths),
          Direction: outbound ? 'Outbound' : 'Inbound',
        };
        yield {
          key: businessCallingCdrKey(schema, partition.id, folder, conferenceId, startMs, cdrId),
          body: JSON.stringify(body),
          nextDay,
          unknownUsageType: unknown,
        };
      } else {
        const transactionId = random.uuid();
        const callId = random.chance(0.5) ? random.uuid() : `${random.hex(32)}@203.0.113.${random.int(1, 254)}:5060`;
        const statusMessage = failed
          ? random.pick(FAILURE_MESSAGES)
          : random.chance(0.8)
            ? 'Normal Call Clearing'
            : 'OK';
        const body = {
          AwsAccountId: accountId,
          TransactionId: transactionId,
          CallId: callId,
          VoiceConnectorId: partition.id,
          Status: failed ? 'Failed' : 'Completed',
          StatusMessage: statusMessage,
          ...(outbound && random.chance(0.5) ? { SipAuthUser: 'XXXX' } : {}),
          BillableDurationSeconds: billableSeconds,
          BillableDurationMinutes: tenths / 10,
          SchemaVersion: '2.0',
          SourcePhoneNumber: source,
          ...(sourceName === undefined ? {} : { SourcePhoneNumberName: sourceName }),
          SourceCountry: sourceCountry,
          DestinationPhoneNumber: destination,
          ...(destinationName === undefined ? {} : { DestinationPhoneNumberName: destinationName }),
          DestinationCountry: destinationCountry,
          UsageType: usageType,
          ServiceCode: 'AmazonChimeVoiceConnector',
          Direction: outbound ? 'Outbound' : 'Inbound',
          StartTimeEpochSeconds: start,
          EndTimeEpochSeconds: end,
          Region: partition.region.region,
          Streaming: random.chance(0.1),
          IsProxyCall: random.chance(0.02),
        };
        yield {
          key: voiceConnectorCdrKey(schema, partition.id, folder, startMs, transactionId),
          body: JSON.stringify(body),
          nextDay,
          unknownUsageType: unknown,
        };
      }
    }
  }
}

/** Minutes as Business Calling writes them: `".4"`, `"1.5"`, `"2"`. */
export function businessCallingMinutes(tenths: number): string {
  const whole = Math.floor(tenths / 10);
  const fraction = tenths % 10;
  if (fraction === 0) return String(whole);
  return whole === 0 ? `.${fraction}` : `${whole}.${fraction}`;
}
