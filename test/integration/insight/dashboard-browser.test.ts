import { mkdirSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { addDays, parseDate } from '../../../job/core/period';
import type { Manifest } from '../../../job/sinks/manifest';
import { HeadlessChromium, hasChromium, type PageVisit } from '../../support/browser';
import { generateHistory, type History, runPeriods } from './history';

const SCREENSHOT_DIR = path.join(__dirname, '..', '..', '..', '.tmp');
const MAX_BYTES = 1.5 * 1024 * 1024;
const CHARTS = ['cost-per-day', 'top-destinations', 'cost-by-usage-type', 'calls-by-hour'];

describe('dashboard in real headless Chromium (three Weekly periods of a generated sample)', function () {
  this.timeout(600_000);
  let history: History;
  let manifest: Manifest;
  let browser: HeadlessChromium;
  let visit: PageVisit;
  let file: string;

  before(async function () {
    if (!hasChromium()) {
      if (process.env.CI) throw new Error('Chromium is missing: .ci/run installs the Debian chromium package');
      this.skip();
    }
    history = await generateHistory({
      end: '2025-03-21',
      days: 21,
      connectors: 4,
      perConnectorDay: 120,
      seed: 5,
      spike: { day: parseDate('2025-03-19'), connector: 2, hour: 4, calls: 30 },
    });
    const weeks = [parseDate('2025-03-07'), parseDate('2025-03-14'), parseDate('2025-03-21')];
    const runs = await runPeriods(history, 'Weekly', weeks);
    manifest = (runs[2] as { manifest: Manifest }).manifest;
    file = path.join(history.root, manifest.dashboardKey);
    browser = await HeadlessChromium.launch();
    visit = await browser.open(file);
  });

  after(async () => {
    await browser?.close();
    if (history) await rm(history.root, { recursive: true, force: true });
  });

  it('is one self-contained file of at most 1.5 MB that makes no network request and logs no error', () => {
    expect(statSync(file).size).to.be.at.most(MAX_BYTES);
    expect(visit.consoleErrors).to.deep.equal([]);
    expect(visit.requests).to.deep.equal([]);
  });

  it('draws every chart (a non-empty SVG with marks) and has a table fallback for each', async () => {
    for (const id of CHARTS) {
      // Evaluated in the page (plain JS: the tests are compiled without the DOM library).
      const drawn = (await visit.page.evaluate(`(() => {
        const svg = document.querySelector('figure[data-chart="${id}"] svg');
        if (!svg) return { marks: 0, width: 0, height: 0, rows: 0 };
        const box = svg.getBoundingClientRect();
        const marks = [...svg.querySelectorAll('rect')].filter((r) => r.getBBox().height > 0 && r.getBBox().width > 0);
        const rows = document.querySelectorAll('#${id} details table tbody tr').length;
        return { marks: marks.length, width: box.width, height: box.height, rows };
      })()`)) as { marks: number; width: number; height: number; rows: number };
      expect(drawn.width, id).to.be.greaterThan(200);
      expect(drawn.height, id).to.be.greaterThan(100);
      expect(drawn.marks, id).to.be.greaterThan(3);
      expect(drawn.rows, id).to.be.greaterThan(0);
    }
  });

  it('shows the manifest totals, the change against the previous week, and the anomaly table', async () => {
    const page = visit.page;
    const attr = (name: string) => page.getAttribute(`[${name}]`, name);
    expect(await attr('data-total-cost')).to.equal(manifest.totalCost);
    expect(await attr('data-calls')).to.equal(String(manifest.recordsRated + manifest.recordsUnrated));
    expect(await attr('data-minutes')).to.equal(manifest.totalBillableMinutes);
    const text = (await page.textContent('body')) ?? '';
    expect(text).to.include(`exact ${manifest.totalCost} USD`);
    expect(text).to.match(/[+-]\d+\.\d % vs previous Weekly \(2025-03-08\.\.2025-03-14\)/);
    // The per-day table fallback adds up to the same total, day by day.
    const dayTotals = await page.$$eval('#cost-per-day details tbody tr td:last-child', (cells) =>
      cells.map((c) => c.textContent),
    );
    expect(dayTotals).to.deep.equal(manifest.costByDay.map((d) => d.cost));
    expect(manifest.anomalies.length).to.be.greaterThan(0);
    expect(await page.getAttribute('[data-anomalies]', 'data-anomalies')).to.equal(String(manifest.anomalies.length));
    expect(await page.$$eval('#anomalies tbody tr', (rows) => rows.length)).to.equal(manifest.anomalies.length);
    expect(text).to.include('short-call-burst');
    expect(await page.getAttribute('[data-history]', 'data-history')).to.equal(manifest.anomalyHistory.status);
  });

  it('prints cleanly: the tables open, nothing wider than the page', async () => {
    const page = visit.page;
    await page.emulateMedia({ media: 'print' });
    await page.evaluate("window.dispatchEvent(new Event('beforeprint'))");
    const state = (await page.evaluate(`({
      closed: [...document.querySelectorAll('details')].filter((d) => !d.open).length,
      overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    })`)) as { closed: number; overflow: number };
    expect(state.closed).to.equal(0);
    expect(state.overflow).to.be.at.most(0);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.pdf({ path: path.join(SCREENSHOT_DIR, 'dashboard-print.pdf'), format: 'A4' });
    await page.emulateMedia({ media: 'screen' });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'dashboard.png'), fullPage: true });
    expect(statSync(path.join(SCREENSHOT_DIR, 'dashboard.png')).size).to.be.greaterThan(10_000);
    expect(addDays(parseDate(manifest.periodStart), 6)).to.deep.equal(parseDate(manifest.periodEnd));
  });
});
