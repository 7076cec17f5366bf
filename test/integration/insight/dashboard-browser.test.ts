import { mkdirSync, statSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { csvField } from '../../../job/core/csv-field';
import { formatDecimal, parseDecimal } from '../../../job/core/decimal';
import { addDays, parseDate } from '../../../job/core/period';
import { CHARGE_SCALE } from '../../../job/core/schema';
import type { Manifest } from '../../../job/sinks/manifest';
import { HeadlessChromium, hasChromium, type PageVisit } from '../../support/browser';
import { generateHistory, type History, runPeriods } from './history';

const SCREENSHOT_DIR = path.join(__dirname, '..', '..', '..', '.tmp');
const MAX_BYTES = 1.5 * 1024 * 1024;
const CHARTS = ['cost-per-day', 'top-destinations', 'cost-by-usage-type', 'calls-by-hour', 'charged-vs-cost'];
/** Own rates: North America and the UK; every other destination has no row (NO_MATCH). */
const deck = (currency: string) =>
  [
    'prefix,direction,rate_per_minute,connection_fee,initial_increment,subsequent_increment,effective_from,effective_to,currency,description',
    `1,any,0.012,0,60,6,,,${currency},North America`,
    `44,outbound,0.05,0.01,30,6,,,${currency},United Kingdom`,
  ].join('\n');
/** Display names of the generated connectors, one with characters HTML and CSV must escape. */
const NAMES = ['Head office', 'Sales <EMEA> & "Partners"', 'Night desk', 'Support'];

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
    await writeFile(path.join(history.root, 'deck.csv'), deck('USD'));
    await writeFile(path.join(history.root, 'deck-eur.csv'), deck('EUR'));
    await writeFile(
      path.join(history.root, 'connectors.csv'),
      ['VoiceConnectorId,Name', ...history.connectors.map((id, i) => `${id},${csvField(NAMES[i] as string)}`)].join(
        '\n',
      ),
    );
    const runs = await runPeriods(history, 'Weekly', weeks, {
      rateDeck: path.join(history.root, 'deck.csv'),
      connectors: path.join(history.root, 'connectors.csv'),
    });
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

  it('names every connector beside its id: chart legends, table headers, the anomaly table', async () => {
    const page = visit.page;
    const label = (i: number) => `${NAMES[i]} (${history.connectors[i]})`;
    const legends = await page.$$eval('#cost-per-day svg text.legend', (nodes) => nodes.map((n) => n.textContent));
    for (let i = 0; i < NAMES.length; i++) expect(legends.join('|')).to.include(label(i).slice(0, 33));
    const headers = await page.$$eval('#cost-per-day details thead th', (cells) =>
      cells.map((c) => c.getAttribute('title') ?? c.textContent),
    );
    expect(headers).to.include.members(NAMES.map((_, i) => label(i)));
    const spiked = history.connectors[2] as string;
    const flagged = manifest.anomalies.filter((a) => a.connector === spiked);
    expect(flagged).to.not.be.empty;
    for (const a of flagged) {
      expect(a.connectorName).to.equal('Night desk');
      expect(a.detail.startsWith(`Night desk (${spiked})`)).to.equal(true);
    }
    const anomalyConnectors = await page.$$eval('#anomalies tbody tr td:nth-child(4)', (cells) =>
      cells.map((c) => c.textContent),
    );
    expect(anomalyConnectors).to.include(label(2));
    expect(manifest.costByConnector.map((c) => c.connectorName).sort()).to.deep.equal([...NAMES].sort());
  });

  it('shows the charged total, the AWS cost it is compared with and the margin; charged vs cost per connector', async () => {
    const page = visit.page;
    const margin = manifest.chargeMargin;
    if (!margin || !manifest.chargedTotal) throw new Error('the run charged nothing');
    expect(await page.getAttribute('[data-charged-total]', 'data-charged-total')).to.equal(
      manifest.chargedTotal.amount,
    );
    expect(margin.chargedAmount).to.equal(manifest.chargedTotal.amount);
    expect(await page.getAttribute('[data-margin-cost]', 'data-margin-cost')).to.equal(margin.marginCost);
    expect(await page.getAttribute('[data-margin]', 'data-margin')).to.equal(margin.margin);
    // The deck has no row for most countries and charges calls AWS could not rate: both kept out of the margin.
    expect(margin.costWithoutCharge).to.be.at.most(manifest.deckNoMatch);
    expect(margin.costWithoutCharge).to.be.greaterThan(0);
    expect(margin.marginCalls + margin.costWithoutCharge).to.equal(manifest.recordsRated);
    expect(margin.marginCalls + margin.chargedWithoutCost).to.equal(manifest.chargedTotal.calls);
    const exact = (text: string) => parseDecimal(text, CHARGE_SCALE);
    expect(formatDecimal(exact(margin.marginChargedAmount) - exact(margin.marginCost), CHARGE_SCALE)).to.equal(
      margin.margin,
    );
    const text = (await page.textContent('#charge-kpis')) ?? '';
    expect(text).to.include(`exact ${manifest.chargedTotal.amount} USD over`);
    expect(text).to.include(`${margin.marginPercent} %`);
    // The table lists every connector and a total; its charges add up to the manifest's, exactly.
    const rows = (await page.$$eval('#charged-vs-cost details tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
    )) as string[][];
    expect(rows).to.have.length(manifest.costByConnector.length + 1);
    const total = rows[rows.length - 1] as string[];
    expect(total[4]).to.equal(manifest.chargedTotal.amount);
    expect(total[6]).to.equal(margin.margin);
    const perConnector = rows.slice(0, -1).reduce((sum, r) => sum + exact(r[4] as string), 0n);
    expect(formatDecimal(perConnector, CHARGE_SCALE)).to.equal(manifest.chargedTotal.amount);
    const margins = rows.slice(0, -1).reduce((sum, r) => sum + exact(r[6] as string), 0n);
    expect(formatDecimal(margins, CHARGE_SCALE)).to.equal(margin.margin);
    expect(rows[0]?.[0]).to.match(/^.+ \(.+\)$/);
  });

  it('says plainly that no margin is computed when the deck is not in USD', async () => {
    const [eur] = await runPeriods(history, 'Weekly', [parseDate('2025-03-21')], {
      dest: path.join(history.root, 'eur'),
      rateDeck: path.join(history.root, 'deck-eur.csv'),
      connectors: path.join(history.root, 'connectors.csv'),
    });
    const m = (eur as { manifest: Manifest }).manifest;
    expect(m.chargedTotal?.currency).to.equal('EUR');
    expect(m.chargeMargin).to.include({ currency: 'EUR', margin: null, marginPercent: null });
    const other = await browser.open(path.join(history.root, 'eur', m.dashboardKey));
    expect(other.consoleErrors).to.deep.equal([]);
    expect(other.requests).to.deep.equal([]);
    expect(await other.page.getAttribute('[data-margin]', 'data-margin')).to.equal('none');
    expect(await other.page.getAttribute('[data-charged-total]', 'data-charged-total')).to.equal(
      m.chargedTotal?.amount,
    );
    expect(await other.page.textContent('[data-margin-note]')).to.equal(
      'Charges are in EUR, AWS cost in USD: no margin is computed.',
    );
    expect(await other.page.$$eval('#charged-vs-cost svg', (svgs) => svgs.length)).to.equal(0);
    const header = await other.page.$$eval('#charged-vs-cost thead th', (cells) =>
      cells.map((c) => c.getAttribute('title') ?? c.textContent),
    );
    expect(header).to.deep.equal(['Connector', 'Calls', 'AWS cost (USD)', 'Charged calls', 'Charged (EUR)']);
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
