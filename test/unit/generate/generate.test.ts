import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parseCdr } from '../../../job/cdr/parse';
import type { CdrRecord } from '../../../job/cdr/record';
import { parseCdrKey, parseVoiceConnectorObjectName } from '../../../job/core/layout/cdr-keys';
import { addDays, type CalendarDate, dateOfEpochSeconds, formatDate } from '../../../job/core/period';
import { MINUTES_SCALE, type ServiceCode, schemaFor } from '../../../job/core/schema';
import { businessCallingMinutes, generateObjects } from '../../../job/generate/calls';
import { type GenerateCorpusOptions, type GenerateCorpusResult, generateCorpus } from '../../../job/generate/corpus';
import { Random } from '../../../job/generate/random';
import { LocalStore } from '../../../job/store/local';
import type { ObjectStore } from '../../../job/store/object-store';

const END: CalendarDate = { year: 2025, month: 3, day: 4 };
/** "now" for parsing: a week after END. */
const NOW = { nowEpochSeconds: Date.UTC(2025, 2, 11) / 1000 };

/**
 * The same folder seen through a view that is not `instanceof LocalStore`, so the generator takes its
 * generic (S3) path through ObjectStore.write; the trees must come out byte-identical.
 */
function genericView(store: LocalStore): ObjectStore {
  return new Proxy(store, { getPrototypeOf: () => Object.prototype });
}

interface Corpus {
  readonly result: GenerateCorpusResult;
  /** Every object, key → bytes (the price file included), in key order. */
  readonly files: Map<string, Buffer>;
}

const temps: string[] = [];

async function tempStore(): Promise<LocalStore> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cdr-generate-test-'));
  temps.push(dir);
  return LocalStore.open(dir);
}

async function generateTo(kind: 'local' | 'generic', options: Omit<GenerateCorpusOptions, 'store'>): Promise<Corpus> {
  const local = await tempStore();
  const store = kind === 'local' ? local : genericView(local);
  const result = await generateCorpus({ ...options, store });
  const files = new Map<string, Buffer>();
  for await (const entry of store.listAll('')) files.set(entry.key, await store.read(entry.key));
  return { result, files };
}

function cdrFiles(corpus: Corpus, service: ServiceCode): [string, Buffer][] {
  const prefix = schemaFor(service).cdrPrefix;
  return [...corpus.files].filter(([key]) => key.startsWith(prefix));
}

function parseAll(
  corpus: Corpus,
  service: ServiceCode,
): { key: string; record: CdrRecord; body: Record<string, unknown> }[] {
  const schema = schemaFor(service);
  return cdrFiles(corpus, service).map(([key, bytes]) => {
    const result = parseCdr(bytes, schema, NOW);
    if (!result.ok) throw new Error(`${key}: ${result.rejection.code}: ${result.rejection.reason}`);
    return { key, record: result.record, body: JSON.parse(bytes.toString('utf8')) as Record<string, unknown> };
  });
}

interface OfferFile {
  formatVersion: string;
  offerCode: string;
  version: string;
  publicationDate: string;
  products: Record<string, { sku: string; productFamily: string; attributes: Record<string, string> }>;
  terms: {
    OnDemand: Record<
      string,
      Record<
        string,
        {
          sku: string;
          offerTermCode: string;
          priceDimensions: Record<string, { unit: string; rateCode: string; pricePerUnit: { USD: string } }>;
        }
      >
    >;
  };
}

function offerOf(corpus: Corpus): OfferFile {
  const body = corpus.files.get(corpus.result.pricesKey);
  if (!body) throw new Error('no price file');
  return JSON.parse(body.toString('utf8')) as OfferFile;
}

function pricedUsageTypes(offer: OfferFile): Set<string> {
  return new Set(Object.values(offer.products).map((p) => p.attributes.usagetype as string));
}

describe('generateCorpus', function () {
  this.timeout(120_000);
  after(() => {
    for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  });

  const base = {
    calls: 1500,
    days: 3,
    connectors: 2,
    seed: 7,
    end: END,
    unknownUsageTypeRatio: 0.02,
    nextDayRatio: 0.02,
  };

  describe('Voice Connector', () => {
    const service: ServiceCode = 'AmazonChimeVoiceConnector';
    let corpus: Corpus;
    before(async () => {
      corpus = await generateTo('local', { ...base, service });
    });

    it('is deterministic: same options, byte-identical tree (local disk and a non-local store alike)', async () => {
      const again = await generateTo('generic', { ...base, service });
      expect([...again.files.keys()]).to.deep.equal([...corpus.files.keys()]);
      for (const [key, bytes] of corpus.files) expect(again.files.get(key)?.equals(bytes), key).to.equal(true);
      expect(again.result).to.deep.equal(corpus.result);
    });

    it('another seed gives another tree', async () => {
      const other = await generateTo('generic', { ...base, service, seed: 8, calls: 50 });
      const keys = new Set(corpus.files.keys());
      expect([...other.files.keys()].filter((k) => k.includes('CDRs') && keys.has(k))).to.deep.equal([]);
    });

    it('writes exactly `calls` CDR objects and the price file at the default key', () => {
      expect(corpus.result.objects).to.equal(1500);
      expect(cdrFiles(corpus, service)).to.have.length(1500);
      expect(corpus.result.pricesKey).to.equal('prices/AmazonChimeVoiceConnector-offer.json');
      expect(corpus.files.size).to.equal(1501);
      expect(corpus.result.partitions).to.have.length(2);
      expect(corpus.result.firstDay).to.deep.equal({ year: 2025, month: 3, day: 2 });
    });

    it('uses the documented key layout, spread over the days and connectors', () => {
      const folders = new Map<string, number>();
      for (const [key] of cdrFiles(corpus, service)) {
        const info = parseCdrKey(schemaFor(service), key);
        if (!info) throw new Error(`not a CDR key: ${key}`);
        expect(corpus.result.partitions).to.include(info.partitionId);
        expect(info.partitionId).to.match(/^[a-z0-9]{22}$/);
        expect(key).to.match(/\/\d{4}\/\d{2}\/\d{2}\/\d{2}\.\d{2}\.\d{2}\.\d{3}_[0-9a-f-]{36}$/);
        const folder = `${info.partitionId}/${formatDate(info.date)}`;
        folders.set(folder, (folders.get(folder) ?? 0) + 1);
      }
      // 2 connectors x (3 days + the day after the end).
      expect(folders.size).to.equal(8);
      for (const partition of corpus.result.partitions) {
        for (const day of ['2025-03-02', '2025-03-03', '2025-03-04']) {
          expect(folders.get(`${partition}/${day}`), `${partition}/${day}`).to.be.greaterThan(200);
        }
      }
    });

    it('every object parses; the key names the start time; late calls sit in the next day folder', () => {
      const schema = schemaFor(service);
      let nextDay = 0;
      for (const { key, record, body } of parseAll(corpus, service)) {
        const info = parseCdrKey(schema, key);
        const name = info && parseVoiceConnectorObjectName(info.name);
        if (!info || !name) throw new Error(key);
        const start = new Date(record.startEpochSeconds * 1000);
        expect(name.time.hour * 3600 + name.time.minute * 60 + name.time.second).to.equal(
          start.getUTCHours() * 3600 + start.getUTCMinutes() * 60 + start.getUTCSeconds(),
        );
        expect(name.transactionId).to.equal(body.TransactionId);
        expect(info.partitionId).to.equal(body.VoiceConnectorId);
        const startDay = dateOfEpochSeconds(record.startEpochSeconds);
        if (formatDate(info.date) === formatDate(startDay)) continue;
        expect(formatDate(info.date)).to.equal(formatDate(addDays(startDay, 1)));
        expect(record.startEpochSeconds % 86_400).to.be.at.least(86_400 - 600);
        expect(record.endEpochSeconds ?? 0).to.be.at.least(
          Date.UTC(info.date.year, info.date.month - 1, info.date.day) / 1000,
        );
        nextDay++;
      }
      expect(nextDay).to.equal(corpus.result.nextDayObjects);
      expect(nextDay).to.be.within(10, 70);
      const afterEnd = cdrFiles(corpus, service).filter(([key]) => key.includes('/2025/03/05/'));
      expect(afterEnd.length).to.be.greaterThan(0);
    });

    it('has realistic fields: billing in 6-second steps, minutes = seconds / 60 exactly, both directions, awkward names', () => {
      const records = parseAll(corpus, service);
      const directions = new Set<unknown>();
      let awkward = 0;
      let streaming = 0;
      for (const { record, body } of records) {
        const seconds = body.BillableDurationSeconds as number;
        expect(seconds % 6).to.equal(0);
        expect(record.billableMinutes * 60n).to.equal(BigInt(seconds) * 10n ** BigInt(MINUTES_SCALE));
        expect(body.SourcePhoneNumber).to.match(/^\+[1-9]\d{6,14}$/);
        expect(body.DestinationPhoneNumber).to.match(/^\+[1-9]\d{6,14}$/);
        if (body.Status === 'Completed')
          expect((record.endEpochSeconds ?? 0) - record.startEpochSeconds).to.be.at.most(seconds);
        else expect(seconds).to.equal(0);
        directions.add(body.Direction);
        if (/[,"üöł]/.test(String(body.SourcePhoneNumberName ?? ''))) awkward++;
        if (body.Streaming === true) streaming++;
      }
      expect([...directions].sort()).to.deep.equal(['Inbound', 'Outbound']);
      expect(awkward).to.be.greaterThan(0);
      expect(streaming).to.be.greaterThan(0);
    });

    it('writes a real-format offer file pricing every usage type used except the intentionally unknown ones', () => {
      const offer = offerOf(corpus);
      expect(offer.formatVersion).to.equal('v1.0');
      expect(offer.offerCode).to.equal(service);
      expect(offer.version).to.match(/^\d{14}$/);
      expect(offer.publicationDate).to.equal('2025-03-01T00:00:00Z');
      for (const [sku, product] of Object.entries(offer.products)) {
        expect(product.sku).to.equal(sku);
        expect(product.attributes.servicecode).to.equal(service);
        const terms = offer.terms.OnDemand[sku];
        if (!terms) throw new Error(`no OnDemand term for ${sku}`);
        const term = terms[`${sku}.JRTCKXETXF`];
        if (!term) throw new Error(`no JRTCKXETXF term for ${sku}`);
        const dimension = term.priceDimensions[`${sku}.JRTCKXETXF.6YS6EN2CT7`];
        expect(dimension?.unit).to.equal('minutes');
        expect(dimension?.pricePerUnit.USD).to.match(/^\d+\.\d{10}$/);
      }
      const priced = pricedUsageTypes(offer);
      expect(priced.has('USE1-US-US-outbound-minutes')).to.equal(true);
      let unpriced = 0;
      for (const { record } of parseAll(corpus, service)) {
        if (!priced.has(record.usageType as string)) {
          unpriced++;
          expect(record.usageType).to.match(/-AQ-outbound-minutes$/);
        }
      }
      expect(unpriced).to.equal(corpus.result.unknownUsageTypeObjects);
      expect(unpriced).to.be.greaterThan(0);
    });

    it('prices every usage type when unknownUsageTypeRatio is 0 (the default)', async () => {
      const clean = await generateTo('generic', { calls: 400, days: 1, connectors: 3, seed: 3, end: END, service });
      const priced = pricedUsageTypes(offerOf(clean));
      expect(clean.result.unknownUsageTypeObjects).to.equal(0);
      for (const { record } of parseAll(clean, service)) expect(priced.has(record.usageType as string)).to.equal(true);
    });

    it('honours pricesKey and refuses bad counts', async () => {
      const custom = await generateTo('generic', {
        calls: 3,
        days: 1,
        connectors: 1,
        seed: 1,
        end: END,
        service,
        pricesKey: 'p/x.json',
      });
      expect(custom.result.pricesKey).to.equal('p/x.json');
      expect(custom.files.has('p/x.json')).to.equal(true);
      let error: unknown;
      try {
        await generateCorpus({
          store: await tempStore(),
          calls: 1,
          days: 0,
          connectors: 1,
          seed: 1,
          end: END,
          service,
        });
      } catch (e) {
        error = e;
      }
      expect(String(error)).to.match(/days/);
    });
  });

  describe('Business Calling', () => {
    const service: ServiceCode = 'AmazonChimeBusinessCalling';
    let corpus: Corpus;
    before(async () => {
      corpus = await generateTo('local', { ...base, service, calls: 800 });
    });

    it('writes the BC layout with numbers as strings and no UsageType/Region; every object parses', () => {
      const records = parseAll(corpus, service);
      expect(records).to.have.length(800);
      for (const { key, body, record } of records) {
        expect(key).to.match(
          /^Amazon-Chime-Business-Calling-CDRs\/json\/\d{12}\/\d{4}\/\d{2}\/\d{2}\/[0-9a-f-]{36}_\d{4}-\d{2}-\d{2}-\d{2}\.\d{2}\.\d{2}\.\d{3}_[0-9a-f-]{36}$/,
        );
        expect(body.UsageType).to.equal(undefined);
        expect(body.Region).to.equal(undefined);
        expect(body.StartTimeEpochSeconds).to.be.a('string');
        expect(body.BillableDurationMinutes).to.be.a('string');
        expect(record.usageType).to.equal(undefined);
        const info = parseCdrKey(schemaFor(service), key);
        expect(info?.partitionId).to.equal(body.AwsAccountId);
        expect(info?.name.startsWith(`${body.ConferenceId as string}_`)).to.equal(true);
        expect(info?.name.endsWith(`_${body.CdrId as string}`)).to.equal(true);
      }
      expect(corpus.result.nextDayObjects).to.be.greaterThan(0);
    });

    it('has a price for each call by its traits, except the intentionally unknown ones', () => {
      const priced = pricedUsageTypes(offerOf(corpus));
      let unpriced = 0;
      for (const { body } of parseAll(corpus, service)) {
        const tollFree = /^\+1(800|888)/.test(body.DestinationPhoneNumber as string);
        const usageType =
          body.Direction === 'Outbound'
            ? `USE1-${body.CallerCountry as string}-${body.DestinationCountry as string}-outbound-minutes`
            : `USE1-${body.DestinationCountry as string}-${tollFree ? 'tollfree-' : ''}inbound-minutes`;
        if (!priced.has(usageType)) unpriced++;
      }
      expect(unpriced).to.equal(corpus.result.unknownUsageTypeObjects);
    });
  });

  describe('pieces', () => {
    it('the object stream is lazy (a 10M-call corpus yields its first object at once)', () => {
      const started = Date.now();
      const iterator = generateObjects({
        service: 'AmazonChimeVoiceConnector',
        calls: 10_000_000,
        days: 30,
        connectors: 5,
        seed: 1,
        end: END,
      });
      const first = iterator.next();
      expect(first.done).to.equal(false);
      expect(Date.now() - started).to.be.below(1000);
    });

    it('the generic view used by the determinism test really bypasses the LocalStore fast path', async () => {
      expect(genericView(await tempStore()) instanceof LocalStore).to.equal(false);
    });

    it('Business Calling minutes text', () => {
      expect([0, 4, 10, 15, 123].map(businessCallingMinutes)).to.deep.equal(['0', '.4', '1', '1.5', '12.3']);
    });

    it('the PRNG is deterministic and spreads values', () => {
      const a = new Random(42);
      const b = new Random(42);
      const xs = Array.from({ length: 1000 }, () => a.next());
      expect(xs).to.deep.equal(Array.from({ length: 1000 }, () => b.next()));
      expect(new Random('42').uint32()).to.not.equal(new Random(43).uint32());
      const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
      expect(mean).to.be.within(0.45, 0.55);
      expect(Math.min(...xs)).to.be.at.least(0);
      expect(Math.max(...xs)).to.be.below(1);
      expect(new Random(1).uuid()).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    });
  });
});
