/** Environment variables of the cost insight, shared by the job and the stack that sets them. */

/** Anomaly thresholds as `name=value,…` (the job's `--anomaly-thresholds`). */
export const ANOMALY_THRESHOLDS_ENV = 'CDR_ANOMALY_THRESHOLDS';
/** SNS topic ARN told once per run that finds anomalies (opt-in; the job's `--anomaly-topic`). */
export const ANOMALY_TOPIC_ENV = 'CDR_ANOMALY_TOPIC_ARN';
