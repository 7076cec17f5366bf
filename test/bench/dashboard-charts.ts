/**
 * `npx tsx test/bench/dashboard-charts.ts`: how the dashboard's charts are drawn, decided by
 * measurement. The same Monthly dashboard (31 days, 10 connectors, generated sample) is built two ways
 *   - SVG rendered by the job at build time (what ships: job/sinks/dashboard/svg.ts), and
 *   - uPlot (uplot 1.6.32, the smallest well-kept canvas chart library on npm) inlined with the data,
 *     drawing the same four charts in the browser,
 * and each is opened R times in real headless Chromium (alternately, fresh page each time): file size,
 * and time from navigation start to the first frame after the load event (charts drawn), median.
 * Not part of `npm test`.
 */

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { executeRun } from '../../job/cli/run-command';
import { parseDate } from '../../job/core/period';
import { generateCorpus } from '../../job/generate/corpus';
import { parseAggregatesCsv, parseHourlyCsv } from '../../job/sinks/aggregates-csv';
import type { Manifest } from '../../job/sinks/manifest';
import { LocalStore } from '../../job/store/local';
import { capturingLogger } from '../integration/insight/history';
import { HeadlessChromium } from '../support/browser';
import { median } from './stats';

const ROOT = path.join(__dirname, '..', '..');
const DIR = path.join(ROOT, '.bench-cache', 'dashboard-sample');
const END = '2025-03-31';

async function sample(): Promise<{ manifest: Manifest; html: string }> {
  if (!existsSync(path.join(DIR, 'prices'))) {
    mkdirSync(DIR, { recursive: true });
    const store = await LocalStore.open(DIR, { create: true });
    await generateCorpus({
      store,
      service: 'AmazonChimeVoiceConnector',
      calls: 31 * 10 * 100,
      days: 31,
      connectors: 10,
      seed: 9,
      end: parseDate(END),
      unknownUsageTypeRatio: 0.005,
    });
    await store.close();
  }
  const { logger } = capturingLogger();
  const { manifest } = await executeRun(
    {
      source: DIR,
      prices: path.join(DIR, 'prices', 'AmazonChimeVoiceConnector-offer.json'),
      frequency: 'Monthly',
      end: END,
      service: 'AmazonChimeVoiceConnector',
      concurrency: 64,
      workers: 0,
      quiet: true,
    },
    logger,
  );
  if (!manifest) throw new Error('no manifest');
  return { manifest, html: readFileSync(path.join(DIR, manifest.dashboardKey), 'utf8') };
}

/** The same page with the four SVG charts replaced by uPlot charts drawn from inlined data. */
function uplotVariant(svgPage: string, manifest: Manifest): string {
  const rows = parseAggregatesCsv(
    'AmazonChimeVoiceConnector',
    readFileSync(path.join(DIR, manifest.aggregatesKey), 'utf8'),
  );
  const hours = parseHourlyCsv(
    'AmazonChimeVoiceConnector',
    readFileSync(path.join(DIR, manifest.hourlyAggregatesKey), 'utf8'),
  );
  const days = manifest.costByDay.map((d) => d.day);
  const connectors = manifest.costByConnector.slice(0, 8).map((c) => c.connector);
  const perDay = connectors.map((c) =>
    days.map((d) =>
      rows.filter((r) => r.day === d && r.connector === c).reduce((s, r) => s + Number(r.cost) / 1e16, 0),
    ),
  );
  const perHour = connectors.map((c) =>
    Array.from({ length: 24 }, (_, h) =>
      hours.filter((r) => r.hour === h && r.connector === c).reduce((s, r) => s + r.calls, 0),
    ),
  );
  const data = {
    days,
    connectors,
    perDay,
    perHour,
    countries: manifest.costByDestinationCountry.slice(0, 15).map((c) => [c.country, Number(c.cost)]),
    usage: manifest.costByUsageType.slice(0, 15).map((u) => [u.usageType, Number(u.cost)]),
  };
  const lib = readFileSync(path.join(ROOT, 'node_modules', 'uplot', 'dist', 'uPlot.iife.min.js'), 'utf8');
  const css = readFileSync(path.join(ROOT, 'node_modules', 'uplot', 'dist', 'uPlot.min.css'), 'utf8');
  const draw = `
const D=${JSON.stringify(data)};const C=['#0072B2','#E69F00','#009E73','#CC79A7','#56B4E9','#D55E00','#F0E442','#000000'];
const bars=uPlot.paths.bars({size:[0.7]});
function stacked(el,labels,series,names){const x=labels.map((_,i)=>i);const acc=labels.map(()=>0);const cum=series.map(s=>s.map((v,i)=>acc[i]+=v));
 new uPlot({width:560,height:260,scales:{x:{time:false}},axes:[{values:(u,v)=>v.map(i=>labels[i]??'')},{}],
 series:[{},...cum.map((_,i)=>({label:names[i],fill:C[i%8],stroke:C[i%8],paths:bars})).reverse()]},[x,...cum.slice().reverse()],el)}
function hbars(el,pairs,color){const x=pairs.map((_,i)=>i);new uPlot({width:560,height:260,scales:{x:{time:false}},
 axes:[{values:(u,v)=>v.map(i=>(pairs[i]||[''])[0])},{}],series:[{},{label:'USD',fill:color,stroke:color,paths:bars}]},[x,pairs.map(p=>p[1])],el)}
stacked(document.querySelector('[data-chart="cost-per-day"]'),D.days.map(d=>d.slice(5)),D.perDay,D.connectors);
hbars(document.querySelector('[data-chart="top-destinations"]'),D.countries,C[0]);
hbars(document.querySelector('[data-chart="cost-by-usage-type"]'),D.usage,C[2]);
stacked(document.querySelector('[data-chart="calls-by-hour"]'),Array.from({length:24},(_,h)=>String(h).padStart(2,'0')),D.perHour,D.connectors);`;
  return svgPage
    .replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '')
    .replace(/<svg class="chart"[\s\S]*?<\/svg>/g, '')
    .replace('</style>', `${css}</style>`)
    .replace('</main></body>', `</main><script>${lib}</script><script>${draw}</script></body>`);
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 7);
  const { manifest, html } = await sample();
  const out = path.join(ROOT, '.tmp', 'chart-compare');
  mkdirSync(out, { recursive: true });
  const files = {
    'SVG rendered by the job (shipped)': path.join(out, 'svg.html'),
    'uPlot 1.6.32 inlined (canvas)': path.join(out, 'uplot.html'),
  };
  writeFileSync(files['SVG rendered by the job (shipped)'], html);
  writeFileSync(files['uPlot 1.6.32 inlined (canvas)'], uplotVariant(html, manifest));
  const browser = await HeadlessChromium.launch();
  const times: Record<string, number[]> = {};
  const problems: string[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      for (const [name, file] of Object.entries(files)) {
        const visit = await browser.open(file);
        const drawn = (await visit.page.evaluate(
          'new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now())))',
        )) as number;
        const charts = (await visit.page.evaluate(
          "[...document.querySelectorAll('figure[data-chart]')].filter((f) => f.querySelector('svg rect, canvas')).length",
        )) as number;
        if (charts !== 4) problems.push(`${name}: ${charts} of 4 charts drawn`);
        if (visit.consoleErrors.length > 0) problems.push(`${name}: ${visit.consoleErrors.join('; ')}`);
        const list = times[name] ?? [];
        list.push(drawn);
        times[name] = list;
        await visit.page.close();
      }
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(
    `Monthly dashboard, ${manifest.costByDay.length} days, ${manifest.costByConnector.length} connectors, ` +
      `${manifest.recordsRated + manifest.recordsUnrated} calls; headless Chromium, median of ${runs}\n\n`,
  );
  process.stdout.write(
    '| charts | file size | charts drawn (navigation → first frame after load) |\n|---|---:|---:|\n',
  );
  for (const [name, file] of Object.entries(files)) {
    const size = readFileSync(file).length;
    process.stdout.write(
      `| ${name} | ${(size / 1024).toFixed(1)} KiB | ${median(times[name] ?? []).toFixed(0)} ms |\n`,
    );
  }
  for (const p of problems) process.stdout.write(`PROBLEM ${p}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
