import { SKIP_REASONS, type SkipReason } from '../cdr/skip-rules';

/** Sample keys of unexpected objects kept for the manifest. */
export const UNEXPECTED_SAMPLES = 10;

/** CrawlFindings as plain JSON (shard partial manifests). */
export interface CrawlFindingsJson {
  readonly skippedByReason: Readonly<Record<string, number>>;
  readonly unexpected: number;
  readonly unexpectedSamples: readonly string[];
}

/**
 * What the crawl found besides CDR candidates: objects skipped as not-a-CDR (by reason), and objects
 * or folders in places the CDR layout has no room for (files directly under a connector, year or
 * month folder; folders that are not dates; folders nested in a day folder), counted with a few
 * sample keys. Neither is read, so neither is part of `objectsRead`.
 */
export class CrawlFindings {
  private readonly skipped = new Map<SkipReason, number>();
  unexpected = 0;
  readonly unexpectedSamples: string[] = [];

  /** Counts a skipped object. */
  skip(reason: SkipReason, count = 1): void {
    this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + count);
  }

  /** Counts an object or folder (key ending in `/`, not descended into) in an unexpected place. */
  unexpectedAt(key: string): void {
    this.unexpected++;
    if (this.unexpectedSamples.length < UNEXPECTED_SAMPLES) this.unexpectedSamples.push(key);
  }

  /** Objects skipped, all reasons. */
  get objectsSkipped(): number {
    let total = 0;
    for (const count of this.skipped.values()) total += count;
    return total;
  }

  /** Skipped objects per reason (every reason listed, zeros included). */
  skippedByReason(): Record<SkipReason, number> {
    return Object.fromEntries(SKIP_REASONS.map((reason) => [reason, this.skipped.get(reason) ?? 0])) as Record<
      SkipReason,
      number
    >;
  }

  /** Adds another shard's findings. */
  merge(other: CrawlFindingsJson): void {
    for (const reason of SKIP_REASONS) this.skip(reason, other.skippedByReason[reason] ?? 0);
    this.unexpected += other.unexpected;
    for (const key of other.unexpectedSamples)
      if (this.unexpectedSamples.length < UNEXPECTED_SAMPLES) this.unexpectedSamples.push(key);
  }

  /** Plain JSON form. */
  toJSON(): CrawlFindingsJson {
    return {
      skippedByReason: this.skippedByReason(),
      unexpected: this.unexpected,
      unexpectedSamples: [...this.unexpectedSamples],
    };
  }
}
