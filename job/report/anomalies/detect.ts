import type { AggregateRow, BurstRow, HourRow } from '../aggregates/rows';
import { type Anomaly, compareAnomalies } from './anomaly';
import { detectDailyCostSpikes } from './daily-cost-spike';
import { DayFacts } from './day-facts';
import { detectNewDestinationCountries } from './new-destination-country';
import { detectShortCallBursts } from './short-call-burst';
import type { AnomalyThresholds } from './thresholds';
import { detectUnusualHours } from './unusual-hour';

/** Earlier days of the account, from the outputs of completed runs in the destination. */
export interface InsightHistory {
  /** Days summarized by completed earlier runs (YYYY-MM-DD), before the period. */
  readonly days: readonly string[];
  readonly rows: readonly AggregateRow[];
  readonly hourRows: readonly HourRow[];
  /** Where the history came from (aggregate files read). */
  readonly sources: readonly string[];
}

/** How much history the detectors had: said out loud, never left to be guessed from an empty list. */
export interface HistoryCoverage {
  /** `none`: no day of the period had enough history; `partial`: some days; `full`: every day. */
  readonly status: 'none' | 'partial' | 'full';
  /** Covered days before the period, within the longest look-back window. */
  readonly historyDays: number;
  /** Days judged by every detector. */
  readonly daysJudged: readonly string[];
  /** Days judged only for short-call bursts, for lack of history. */
  readonly daysWithoutHistory: readonly string[];
  readonly note: string;
}

/** What the detectors found. */
export interface AnomalyReport {
  readonly anomalies: readonly Anomaly[];
  readonly coverage: HistoryCoverage;
}

/** What to judge: this run's aggregates over the period's days. */
export interface DetectionInput {
  /** The period's days, YYYY-MM-DD, in order. */
  readonly days: readonly string[];
  /** Calls and cost per day × connector × usage type × country × direction. */
  readonly rows: readonly AggregateRow[];
  /** Calls per day × connector × hour of day (UTC). */
  readonly hourRows: readonly HourRow[];
  /** Short calls per connector × destination prefix × clock hour. */
  readonly bursts: readonly BurstRow[];
  /** Earlier periods' outputs in --dest: the baselines. */
  readonly history: InsightHistory;
  readonly thresholds: AnomalyThresholds;
}

/**
 * Runs every detector over the period's days. A day is judged against history only when at least
 * `minHistoryDays` covered days precede it within the longest window (earlier runs and this run's
 * earlier days); short-call bursts need no history and are always judged.
 */
export function detectAnomalies(input: DetectionInput): AnomalyReport {
  const t = input.thresholds;
  const facts = new DayFacts();
  facts.cover(input.history.days);
  facts.addRows(input.history.rows);
  facts.addHours(input.history.hourRows);
  facts.cover(input.days);
  facts.addRows(input.rows);
  facts.addHours(input.hourRows);

  const longest = Math.max(t.spikeWindowDays, t.newCountryWindowDays, t.unusualHourWindowDays);
  const anomalies: Anomaly[] = [];
  const judged: string[] = [];
  const withoutHistory: string[] = [];
  for (const day of input.days) {
    if (facts.coveredBefore(day, longest).length < t.minHistoryDays) {
      withoutHistory.push(day);
      continue;
    }
    judged.push(day);
    anomalies.push(...detectDailyCostSpikes(facts, day, t));
    anomalies.push(...detectNewDestinationCountries(facts, day, t));
    anomalies.push(...detectUnusualHours(facts, day, input.hourRows, t));
  }
  anomalies.push(...detectShortCallBursts(input.bursts, t));
  anomalies.sort(compareAnomalies);

  const first = input.days[0];
  const historyDays =
    first === undefined ? 0 : facts.coveredBefore(first, longest).filter((d) => !input.days.includes(d)).length;
  const status = judged.length === 0 ? 'none' : withoutHistory.length === 0 ? 'full' : 'partial';
  const note =
    status === 'full'
      ? `every day judged against ${historyDays} earlier day(s) of history`
      : status === 'none'
        ? `no history yet: ${historyDays} earlier day(s) found, ${t.minHistoryDays} needed; only short-call bursts were checked`
        : `${withoutHistory.length} of ${input.days.length} day(s) had less than ${t.minHistoryDays} days of history and were checked for short-call bursts only`;
  return { anomalies, coverage: { status, historyDays, daysJudged: judged, daysWithoutHistory: withoutHistory, note } };
}
