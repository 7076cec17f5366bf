import type { Command } from 'commander';
import { type Env, EnvReader } from '../core/env';
import { rethrowNaming } from '../core/errors';
import { ANOMALY_THRESHOLDS_ENV, ANOMALY_TOPIC_ENV } from '../core/insight-env';
import type { InsightOptions } from '../pipeline/insight';
import { parseThresholds } from '../report/anomalies/thresholds';
import { snsNotifier, topicRegion } from '../sinks/anomaly-notice';

/** The insight options as commander parses them. */
export interface InsightArguments {
  readonly anomalyThresholds?: string;
  readonly anomalyTopic?: string;
}

const THRESHOLDS_ENV = ANOMALY_THRESHOLDS_ENV;
const TOPIC_ENV = ANOMALY_TOPIC_ENV;

/** Adds `--anomaly-thresholds` and `--anomaly-topic` to a command. */
export function addInsightOptions(command: Command): Command {
  return command
    .option(
      '--anomaly-thresholds <list>',
      `anomaly thresholds as name=value,… (e.g. spikeFactor=4,burstMinCalls=30; default: $${THRESHOLDS_ENV})`,
    )
    .option(
      '--anomaly-topic <arn>',
      `SNS topic told once per run that finds anomalies (opt-in; default: $${TOPIC_ENV})`,
    );
}

/** Thresholds and notifier from the options, falling back to the environment; UsageError when unusable. */
export function insightFromArguments(args: InsightArguments, env: Env = process.env): InsightOptions {
  const read = new EnvReader(env);
  const thresholdsText = args.anomalyThresholds ?? read.text(THRESHOLDS_ENV);
  const topic = args.anomalyTopic ?? read.text(TOPIC_ENV);
  let thresholds: InsightOptions['thresholds'];
  try {
    thresholds = parseThresholds(thresholdsText);
  } catch (error) {
    rethrowNaming('--anomaly-thresholds', error);
  }
  if (topic !== undefined) {
    try {
      topicRegion(topic);
    } catch (error) {
      rethrowNaming('--anomaly-topic', error);
    }
  }
  return { thresholds, ...(topic === undefined ? {} : { notifier: snsNotifier(topic) }) };
}
