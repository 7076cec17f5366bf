import type { LeaseRecord } from '../../job/pipeline/lease';

/** Who holds a lease: by default another Batch job on another host. */
export interface LeaseHolder {
  readonly owner?: string;
  readonly host?: string;
  readonly pid?: number;
}

/**
 * The lease record a Daily run of `day` (Voice Connector) writes, valid for an hour from now: what
 * tests plant to make a run wait for a day or a period another run holds.
 */
export function dailyLeaseRecord(day: string, holder: LeaseHolder = {}): LeaseRecord {
  const now = Date.now();
  return {
    leaseVersion: 1,
    owner: holder.owner ?? 'batch:other-job',
    host: holder.host ?? 'elsewhere',
    pid: holder.pid ?? 1,
    service: 'AmazonChimeVoiceConnector',
    frequency: 'Daily',
    periodStart: day,
    periodEnd: day,
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + 3_600_000).toISOString(),
  };
}
