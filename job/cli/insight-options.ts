import { type Command, Option } from 'commander';
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

/** Adds `--anomaly-thresholds` and `--anomaly-topic` to a command. */
export function addInsightOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--anomaly-thresholds <list>',
        'anomaly thresholds as name=value,… (e.g. spikeFactor=4,burstMinCalls=30)',
      ).env(ANOMALY_THRESHOLDS_ENV),
    )
    .addOption(
      new Option('--anomaly-topic <arn>', 'SNS topic told once per run that finds anomalies (opt-in)').env(
        ANOMALY_TOPIC_ENV,
      ),
    );
}

/**
 * Thresholds and notifier from the options (commander fills them from CDR_ANOMALY_THRESHOLDS and
 * CDR_ANOMALY_TOPIC_ARN when not given); an input error naming the option when unusable.
 */
export function insightFromArguments(args: InsightArguments): InsightOptions {
  const thresholdsText = args.anomalyThresholds;
  const topic = args.anomalyTopic || undefined;
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
