import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { executeRun, type RunCommandOptions } from '../../../job/cli/run-command';
import { addDays, type CalendarDate, formatDate, parseDate } from '../../../job/core/period';
import type { PlantedSpike } from '../../../job/generate/calls';
import { generateCorpus } from '../../../job/generate/corpus';
import type { Manifest } from '../../../job/sinks/manifest';
import { LocalStore } from '../../../job/store/local';

/** One JSON log line the run wrote. */
export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** A pino logger that keeps every line it writes. */
export function capturingLogger(): { logger: pino.Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString('utf8').split('\n'))
        if (text.trim() !== '') lines.push(JSON.parse(text) as LogLine);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

/** A generated account history: `days` days of calls ending on `end`, optionally with a planted spike. */
export interface History {
  readonly root: string;
  readonly prices: string;
  readonly connectors: readonly string[];
  readonly firstDay: CalendarDate;
}

/** Generates the history's CDRs (about `perConnectorDay` calls per connector and day). */
export async function generateHistory(options: {
  readonly end: string;
  readonly days: number;
  readonly connectors: number;
  readonly perConnectorDay: number;
  readonly seed: number;
  readonly spike?: PlantedSpike;
}): Promise<History> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'cdr-insight-'));
  const store = await LocalStore.open(root, { create: true });
  const generated = await generateCorpus({
    store,
    service: 'AmazonChimeVoiceConnector',
    calls: options.days * options.connectors * options.perConnectorDay,
    days: options.days,
    connectors: options.connectors,
    seed: options.seed,
    end: parseDate(options.end),
    ...(options.spike ? { spike: options.spike } : {}),
  });
  await store.close();
  return {
    root,
    prices: path.join(root, generated.pricesKey),
    connectors: generated.partitions,
    firstDay: generated.firstDay,
  };
}

/** Runs the periods ending on `ends` in order, in this process, and returns their manifests and log lines. */
export async function runPeriods(
  history: History,
  frequency: 'Daily' | 'Weekly',
  ends: readonly CalendarDate[],
  extra: Partial<Pick<RunCommandOptions, 'anomalyTopic' | 'rateDeck' | 'markup' | 'connectors' | 'dest'>> = {},
): Promise<{ manifest: Manifest; lines: LogLine[] }[]> {
  const out: { manifest: Manifest; lines: LogLine[] }[] = [];
  for (const end of ends) {
    const { logger, lines } = capturingLogger();
    const result = await executeRun(
      {
        source: history.root,
        prices: history.prices,
        frequency,
        end: formatDate(end),
        service: 'AmazonChimeVoiceConnector',
        concurrency: 16,
        workers: 0,
        quiet: true,
        ...extra,
      },
      logger,
    );
    if (!result.manifest) throw new Error('no manifest');
    out.push({ manifest: result.manifest, lines });
  }
  return out;
}

/** Every day from `first` through `last`. */
export function daysFrom(first: CalendarDate, last: CalendarDate): CalendarDate[] {
  const out: CalendarDate[] = [];
  for (let d = first; formatDate(d) <= formatDate(last); d = addDays(d, 1)) out.push(d);
  return out;
}
