import { EnvReader } from '../core/env';
import { InputError } from '../core/errors';
import type { Anomaly } from '../report/anomalies/anomaly';
import type { Manifest } from './manifest';

/** One notification: an SNS subject (ASCII, one line, ≤ 100 characters) and a plain-text message. */
export interface AnomalyNotice {
  readonly subject: string;
  readonly message: string;
}

/** Where anomaly notices go (an SNS topic in production). */
export interface AnomalyNotifier {
  /** The topic ARN (for logs). */
  readonly target: string;
  /** Publishes one notice; resolves with the message id. */
  publish(notice: AnomalyNotice): Promise<string>;
}

/** Anomalies listed in a notice before the rest are only counted. */
const TOP_ITEMS = 10;

function byCostDescending(a: Anomaly, b: Anomaly): number {
  const x = Number(a.cost);
  const y = Number(b.cost);
  return y - x || (a.day < b.day ? -1 : a.day > b.day ? 1 : 0);
}

/** The notice of a completed run that found anomalies: counts by kind, the top items, the dashboard key. */
export function anomalyNotice(manifest: Manifest): AnomalyNotice {
  const anomalies = manifest.anomalies;
  const counts = new Map<string, number>();
  for (const a of anomalies) counts.set(a.kind, (counts.get(a.kind) ?? 0) + 1);
  const service =
    manifest.service === 'AmazonChimeBusinessCalling' ? 'Chime Business Calling' : 'Chime Voice Connector';
  const subject =
    `${service}: ${anomalies.length} cost anomal${anomalies.length === 1 ? 'y' : 'ies'} ${manifest.frequency} ${manifest.periodEnd}`
      .replace(/[^\x20-\x7e]/g, '')
      .slice(0, 100);
  const top = [...anomalies].sort(byCostDescending).slice(0, TOP_ITEMS);
  const lines = [
    `${manifest.service} ${manifest.frequency} ${manifest.periodStart}..${manifest.periodEnd}: ${anomalies.length} anomalies found.`,
    `Total cost of the period: ${manifest.totalCost} USD.`,
    '',
    'By kind:',
    ...[...counts].sort().map(([kind, n]) => `  ${kind}: ${n}`),
    '',
    `Top ${top.length} by cost:`,
    ...top.map(
      (a) =>
        `  ${a.day}${a.hour === undefined ? '' : ` ${String(a.hour).padStart(2, '0')}h`} ${a.kind} ${a.connectorName === undefined ? a.connector : `${a.connectorName} (${a.connector})`}` +
        `${a.destination === undefined ? '' : ` -> ${a.destination}`}: ${a.calls} calls, ${a.cost} USD (baseline ${a.baseline})`,
    ),
    '',
    `History: ${manifest.anomalyHistory.note}.`,
    `Dashboard: ${manifest.dashboardKey}`,
    `Manifest: ${manifest.csvKey.replace(/[^/]+$/, 'manifest.json')}`,
  ];
  return { subject, message: `${lines.join('\n')}\n` };
}

/** The Region of an SNS topic ARN (`arn:aws:sns:<region>:<account>:<name>`). */
export function topicRegion(topicArn: string): string {
  const match = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/.exec(topicArn);
  if (!match) throw new InputError(`not an SNS topic ARN: ${JSON.stringify(topicArn)}`);
  return match[1] as string;
}

/**
 * Publishes notices to an SNS topic with the AWS SDK (loaded only when a run has something to say).
 * Endpoint and credentials come from the standard environment (`AWS_ENDPOINT_URL_SNS`, …).
 */
export function snsNotifier(topicArn: string): AnomalyNotifier {
  const region = topicRegion(topicArn);
  return {
    target: topicArn,
    async publish(notice) {
      const { SNSClient, PublishCommand } = await import('@aws-sdk/client-sns');
      const client = new SNSClient({ region: new EnvReader().text('AWS_REGION') ?? region });
      try {
        const out = await client.send(
          new PublishCommand({ TopicArn: topicArn, Subject: notice.subject, Message: notice.message }),
        );
        return out.MessageId ?? '';
      } finally {
        client.destroy();
      }
    },
  };
}
