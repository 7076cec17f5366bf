/** What the anomaly detectors report (manifest `anomalies`, log lines, dashboard, notification). */

/** The kinds of anomaly the job flags. */
export const ANOMALY_KINDS = [
  'daily-cost-spike',
  'new-destination-country',
  'short-call-burst',
  'unusual-hour',
] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

/** One flagged anomaly. */
export interface Anomaly {
  readonly kind: AnomalyKind;
  /** Voice Connector ID (Voice Connector) or AWS account ID (Business Calling). */
  readonly connector: string;
  /** Display name of the connector (from --connectors), when it has one. */
  readonly connectorName?: string;
  /** Destination country code (new-destination-country) or destination-number prefix (short-call-burst). */
  readonly destination?: string;
  /** Call start day, YYYY-MM-DD (UTC). */
  readonly day: string;
  /** Hour of day, UTC (short-call-burst, unusual-hour). */
  readonly hour?: number;
  /** Exact cost of the flagged calls, USD. */
  readonly cost: string;
  /**
   * What the calls were compared with: daily-cost-spike the trailing median daily cost (USD);
   * new-destination-country and unusual-hour the calls seen in the look-back window ("0");
   * short-call-burst the call threshold per hour.
   */
  readonly baseline: string;
  readonly calls: number;
  /** One human sentence. */
  readonly detail: string;
}

/** Order of anomalies everywhere: by day, kind, connector, hour, destination. */
export function compareAnomalies(a: Anomaly, b: Anomaly): number {
  const text = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return (
    text(a.day, b.day) ||
    text(a.kind, b.kind) ||
    text(a.connector, b.connector) ||
    (a.hour ?? -1) - (b.hour ?? -1) ||
    text(a.destination ?? '', b.destination ?? '')
  );
}

/** The anomaly with its connector's name beside the id, in the field and in the sentence. */
export function namedAnomaly(anomaly: Anomaly, name: string | undefined): Anomaly {
  if (name === undefined) return anomaly;
  // Every detector's sentence starts with the connector id.
  const detail = anomaly.detail.startsWith(anomaly.connector)
    ? `${name} (${anomaly.connector})${anomaly.detail.slice(anomaly.connector.length)}`
    : anomaly.detail;
  const { kind, connector, ...rest } = anomaly;
  return { kind, connector, connectorName: name, ...rest, detail };
}
