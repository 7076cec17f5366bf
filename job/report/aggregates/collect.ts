import type { CdrValue } from '../../cdr/record';
import { pow10 } from '../../core/decimal';
import { MINUTES_SCALE, type ServiceSchema } from '../../core/schema';
import { ReportBatch } from '../report-batch';
import type {
  BurstCollection,
  BurstTuple,
  ChunkAggregates,
  GroupTuple,
  HourTuple,
  UnratedTuple,
} from './chunk-aggregates';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Column positions the collector reads, resolved once per schema. */
interface Columns {
  readonly connector: number;
  readonly usageType: number;
  readonly country: number;
  readonly direction: number;
  readonly minutes: number;
  readonly start: number;
  readonly status: number;
  readonly cost: number;
  readonly destination: number;
}

const COLUMNS = new WeakMap<ServiceSchema, Columns>();

function columnsOf(schema: ServiceSchema): Columns {
  let columns = COLUMNS.get(schema);
  if (!columns) {
    const at = (name: string) => schema.columns.findIndex((c) => c.name === name);
    columns = {
      connector: at(schema.partitionField),
      usageType: at('UsageType'),
      country: at('DestinationCountry'),
      direction: at('Direction'),
      minutes: at('BillableDurationMinutes'),
      start: at('StartTime'),
      status: at('RatingStatus'),
      cost: at('Cost'),
      destination: at('DestinationPhoneNumber'),
    };
    COLUMNS.set(schema, columns);
  }
  return columns;
}

function texts(batch: ReportBatch, index: number): readonly CdrValue[] {
  return index >= 0 ? (batch.columns[index] as CdrValue[]) : [];
}

/** `+` and the first `digits` digits of an E.164 number; undefined when it has no digits. */
export function numberPrefix(number: string, digits: number): string | undefined {
  const only = number.replace(/\D/g, '');
  return only === '' ? undefined : `+${only.slice(0, digits)}`;
}

/**
 * Aggregates one batch of report rows: calls, billable minutes and exact cost per day × connector ×
 * usage type × destination country × direction, calls per connector and hour of day, short outbound
 * calls per connector × destination prefix × clock hour, and unrated calls per usage type and status.
 * One pass over the batch's columns; nothing per call is kept.
 */
export function collectAggregates(batch: ReportBatch, burst: BurstCollection): ChunkAggregates {
  const started = performance.now();
  const c = columnsOf(batch.schema);
  const connectors = texts(batch, c.connector);
  const usageTypes = texts(batch, c.usageType);
  const countries = texts(batch, c.country);
  const directions = texts(batch, c.direction);
  const minutesColumn = texts(batch, c.minutes);
  const starts = texts(batch, c.start);
  const statuses = texts(batch, c.status);
  const costs = texts(batch, c.cost);
  const destinations = texts(batch, c.destination);
  const shortLimit = BigInt(burst.shortCallSeconds) * pow10(MINUTES_SCALE);

  const groups = new Map<
    string,
    [number, string, string, string, string, number, bigint, bigint, number, number, bigint]
  >();
  const hours = new Map<string, [number, string, number, number, bigint, bigint]>();
  const bursts = new Map<string, [string, string, number, number, bigint]>();
  const unrated = new Map<string, [string, string, number, bigint]>();

  for (let i = 0; i < batch.length; i++) {
    const startMs = starts[i] as number;
    const day = Math.floor(startMs / DAY_MS);
    const connector = (connectors[i] as string | null) ?? '';
    const usageType = (usageTypes[i] as string | null) ?? '';
    const country = (countries[i] as string | null) ?? '';
    const direction = (directions[i] as string | null) ?? '';
    const minutes = (minutesColumn[i] as bigint | null) ?? 0n;
    const cost = costs[i] as bigint | null;
    const isRated = cost !== null && cost !== undefined;
    const amount = isRated ? cost : 0n;

    const groupKey = `${day}\u0000${connector}\u0000${usageType}\u0000${country}\u0000${direction}`;
    const group = groups.get(groupKey);
    if (group) {
      group[5]++;
      group[6] += minutes;
      group[7] += amount;
      if (isRated) group[8]++;
      else {
        group[9]++;
        group[10] += minutes;
      }
    } else
      groups.set(groupKey, [
        day,
        connector,
        usageType,
        country,
        direction,
        1,
        minutes,
        amount,
        isRated ? 1 : 0,
        isRated ? 0 : 1,
        isRated ? 0n : minutes,
      ]);

    const hour = Math.floor(startMs / HOUR_MS) % 24;
    const hourKey = `${day}\u0000${connector}\u0000${hour}`;
    const perHour = hours.get(hourKey);
    if (perHour) {
      perHour[3]++;
      perHour[4] += minutes;
      perHour[5] += amount;
    } else hours.set(hourKey, [day, connector, hour, 1, minutes, amount]);

    if (!isRated) {
      const status = (statuses[i] as string | null) ?? '';
      const unratedKey = `${usageType}\u0000${status}`;
      const entry = unrated.get(unratedKey);
      if (entry) {
        entry[2]++;
        entry[3] += minutes;
      } else unrated.set(unratedKey, [usageType, status, 1, minutes]);
    }

    if (direction !== 'Inbound' && minutes * 60n < shortLimit) {
      const number = destinations[i];
      const prefix = typeof number === 'string' ? numberPrefix(number, burst.prefixDigits) : undefined;
      if (prefix !== undefined) {
        const hourStart = Math.floor(startMs / HOUR_MS) * 3600;
        const burstKey = `${connector}\u0000${prefix}\u0000${hourStart}`;
        const entry = bursts.get(burstKey);
        if (entry) {
          entry[3]++;
          entry[4] += amount;
        } else bursts.set(burstKey, [connector, prefix, hourStart, 1, amount]);
      }
    }
  }
  return {
    groups: [...groups.values()] as GroupTuple[],
    hours: [...hours.values()] as HourTuple[],
    bursts: [...bursts.values()] as BurstTuple[],
    unrated: [...unrated.values()] as UnratedTuple[],
    elapsedMs: performance.now() - started,
  };
}

/** The aggregates of one report row (`values` in report column order): what taking that call out removes. */
export function rowAggregates(
  schema: ServiceSchema,
  values: readonly CdrValue[],
  burst: BurstCollection,
): ChunkAggregates {
  return collectAggregates(
    new ReportBatch(
      schema,
      values.map((value) => [value]),
      1,
    ),
    burst,
  );
}
