import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { ServiceCode } from '../../../job/core/schema';
import { bundledPricesPath, packageRoot } from '../../../job/prices/bundled';
import { PriceSourceError } from '../../../job/prices/errors';
import { loadPriceSnapshot, loadPricesArgument, loadRateTable } from '../../../job/prices/load';
import { openPricesArgument, resolvePricesArgument } from '../../../job/prices/prices-argument';
import { parseSnapshot } from '../../../job/prices/snapshot';
import { LocalStore } from '../../../job/store/local';
import type { ObjectStore } from '../../../job/store/object-store';
import { epoch, FIXTURES, fixtureText } from './fixtures';

const VC = 'AmazonChimeVoiceConnector';
const BC = 'AmazonChimeBusinessCalling';
const NOW = new Date('2025-03-02T01:00:00Z');
const CHANGE = epoch('2025-03-01T00:00:00Z');

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(PriceSourceError);
    expect((error as Error).message).to.not.contain('\n');
    return error as Error;
  }
  throw new Error('expected a PriceSourceError, but loading succeeded');
}

describe('prices/load', () => {
  let fixtures: LocalStore;
  let scratch: string;

  before(async () => {
    fixtures = await LocalStore.open(FIXTURES);
  });
  beforeEach(async () => {
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'prices-load-'));
  });
  afterEach(async () => {
    await fs.rm(scratch, { recursive: true, force: true });
  });

  async function scratchStore(files: Record<string, string>): Promise<LocalStore> {
    const store = await LocalStore.open(scratch);
    for (const [key, text] of Object.entries(files)) await store.write(key, text);
    return store;
  }

  it('loads a GetProducts response as one version in effect for every call, published when it says', async () => {
    const snapshot = await loadPriceSnapshot(fixtures, 'get-products-2-pages.json', VC, NOW);
    expect(snapshot.createdAt).to.equal('2025-03-02T01:00:00.000Z');
    expect(snapshot.sources).to.deep.equal([
      `${FIXTURES}/get-products-2-pages.json (GetProducts response; published 2025-02-14T20:15:33Z: calls before it are counted as rated with later prices)`,
    ]);
    expect(snapshot.versions).to.have.length(1);
    expect(snapshot.versions[0]).to.include({
      id: '20250214201533',
      effectiveFrom: '1970-01-01T00:00:00Z',
      effectiveUntil: null,
      publishedAt: '2025-02-14T20:15:33Z',
    });
    expect(snapshot.versions[0]?.prices).to.have.length(5);
  });

  it('loads a single offer file as one version in effect for every call', async () => {
    const { table, snapshot } = await loadRateTable(fixtures, 'offer-file.json', VC, NOW);
    expect(snapshot.versions.map((v) => [v.id, v.effectiveFrom, v.effectiveUntil])).to.deep.equal([
      ['20241105184512', '1970-01-01T00:00:00Z', null],
    ]);
    const lookup = table.priceFor('USE1-US-US-outbound-minutes', 0, {});
    expect(lookup.status === 'RATED' && lookup.price.pricePerUnit).to.equal(48_000_000n);
  });

  it('loads our own snapshot as it is', async () => {
    const snapshot = await loadPriceSnapshot(fixtures, 'snapshot.json', VC, NOW);
    expect(snapshot).to.deep.equal(parseSnapshot(fixtureText('snapshot.json')));
    const error = await rejection(loadPriceSnapshot(fixtures, 'snapshot.json', BC));
    expect(error.message).to.equal(
      `${FIXTURES}/snapshot.json: price snapshot is for AmazonChimeVoiceConnector, expected AmazonChimeBusinessCalling`,
    );
  });

  describe('bulk folders', () => {
    const expectBulk = async (store: ObjectStore, key: string): Promise<void> => {
      const { table, snapshot } = await loadRateTable(store, key, VC, NOW);
      expect(snapshot.versions.map((v) => [v.id, v.effectiveFrom, v.effectiveUntil])).to.deep.equal([
        ['20241105184512', '2024-11-01T00:00:00Z', '2025-03-01T00:00:00Z'],
        ['20250214201533', '2025-03-01T00:00:00Z', null],
      ]);
      // The superseded same-day version (price 0.0999) is not used.
      const before = table.priceFor('USE1-US-US-outbound-minutes', CHANGE - 1, {});
      const after = table.priceFor('USE1-US-US-outbound-minutes', CHANGE, {});
      expect(before.status === 'RATED' && before.price.pricePerUnit).to.equal(48_000_000n);
      expect(after.status === 'RATED' && after.price.pricePerUnit).to.equal(50_000_000n);
      // The version without its offer file leaves a gap: its calls are not rated with other prices.
      expect(table.priceFor('USE1-US-US-outbound-minutes', epoch('2024-07-01T00:00:00Z'), {})).to.deep.equal({
        status: 'UNRATED_NO_PRICE_VERSION',
        version: null,
      });
      expect(snapshot.sources.join('\n')).to.contain('offer files absent for version(s) 20240601000000');
      expect(snapshot.sources.join('\n')).to.contain(
        'version 20241101000000 ignored: 20241105184512 begins at the same instant',
      );
    };

    it('loads the folder holding <ServiceCode>/', async () => expectBulk(fixtures, 'bulk'));
    it('loads the service folder itself, with or without a trailing slash', async () => {
      await expectBulk(fixtures, 'bulk/AmazonChimeVoiceConnector/');
      await expectBulk(await LocalStore.open(path.join(FIXTURES, 'bulk', VC)), '');
    });
    it('loads the folder of a version index named directly', async () =>
      expectBulk(fixtures, 'bulk/AmazonChimeVoiceConnector/index.json'));

    it('refuses a version index whose offer files are all missing', async () => {
      const store = await scratchStore({ 'p/index.json': fixtureText('bulk/AmazonChimeVoiceConnector/index.json') });
      const error = await rejection(loadPriceSnapshot(store, 'p', VC));
      expect(error.message).to.equal(
        `${scratch}/p/index.json: the version index lists 3 version(s) but none of their offer files (<version>/index.json) is present`,
      );
    });

    it('refuses an offer file filed under another version id', async () => {
      const index = {
        versions: {
          '20250101000000': { versionEffectiveBeginDate: '2025-01-01T00:00:00Z', versionEffectiveEndDate: '' },
        },
      };
      const store = await scratchStore({
        [`${VC}/index.json`]: JSON.stringify(index),
        [`${VC}/20250101000000/index.json`]: fixtureText('offer-file.json'),
      });
      const error = await rejection(loadPriceSnapshot(store, '', VC));
      expect(error.message).to.equal(
        `${scratch}/${VC}/20250101000000/index.json: offer file is version 20241105184512, expected 20250101000000`,
      );
    });

    it('uses current/index.json for the version it declares', async () => {
      const index = {
        versions: {
          '20241105184512': { versionEffectiveBeginDate: '2024-11-01T00:00:00Z', versionEffectiveEndDate: '' },
        },
      };
      const store = await scratchStore({
        'index.json': JSON.stringify(index),
        'current/index.json': fixtureText('offer-file.json'),
      });
      const snapshot = await loadPriceSnapshot(store, '', VC);
      expect(snapshot.versions.map((v) => v.id)).to.deep.equal(['20241105184512']);
      expect(snapshot.sources[1]).to.equal(`${scratch}/current/index.json (offer file, version 20241105184512)`);
    });
  });

  describe('bundled prices', () => {
    it('lives under the package root for both services', async () => {
      expect(bundledPricesPath(VC)).to.equal(path.join(packageRoot(), 'data', 'prices', VC));
      expect((await fs.stat(path.join(packageRoot(), 'package.json'))).isFile()).to.equal(true);
    });

    for (const service of [VC, BC] as ServiceCode[]) {
      it(`${service}: two versions changing on 2025-03-01, real offer-file structure`, async () => {
        const { table, snapshot } = await loadPricesArgument(bundledPricesPath(service), service, { now: NOW });
        expect(snapshot.versions.map((v) => [v.effectiveFrom, v.effectiveUntil])[1]).to.deep.equal([
          '2025-03-01T00:00:00Z',
          null,
        ]);
        expect(table.versions[0]?.effectiveUntil).to.equal(CHANGE);
        const us = table.priceFor('USE1-US-US-outbound-minutes', CHANGE, {});
        expect(us.status === 'RATED' && us.price.pricePerUnit).to.equal(48_000_000n);
      });
    }

    it('Voice Connector: a price change and a usage type new in 2025-03', async () => {
      const { table } = await loadPricesArgument(path.join(packageRoot(), 'data', 'prices'), VC);
      const inbound = (start: number) => {
        const lookup = table.priceFor('USE1-US-inbound-minutes', start, {});
        return lookup.status === 'RATED' ? lookup.price.pricePerUnit : lookup.status;
      };
      expect(inbound(CHANGE - 1)).to.equal(22_000_000n);
      expect(inbound(CHANGE)).to.equal(19_000_000n);
      expect(table.priceFor('USE1-US-JP-outbound-minutes', CHANGE - 1, {}).status).to.equal(
        'UNRATED_UNKNOWN_USAGE_TYPE',
      );
      expect(table.priceFor('USE1-US-JP-outbound-minutes', CHANGE, {}).status).to.equal('RATED');
      // The documented sample call (2019-08-10) has a price version.
      expect(table.priceFor('USE1-US-US-outbound-minutes', 1565399625, {}).status).to.equal('RATED');
    });

    it('Business Calling: prices identifiable from CDR hints alone, in the real attribute shape', async () => {
      const { table, snapshot } = await loadPricesArgument(bundledPricesPath(BC), BC);
      const usage = (start: number, hints: Parameters<typeof table.priceFor>[2]) => {
        const lookup = table.priceFor(undefined, start, hints);
        return lookup.status === 'RATED' ? [lookup.price.usageType, lookup.price.pricePerUnit] : lookup.status;
      };
      // Real attribute names; no call-type column.
      const attributes = snapshot.versions[1]?.prices.find((p) => p.usageType === 'USE1-US-GB-outbound-minutes');
      expect(Object.keys(attributes?.attributes ?? {})).to.include.members([
        'fromCountry',
        'toCountry',
        'numberType',
        'messagetype',
        'regionCode',
        'operation',
      ]);
      expect(attributes?.attributes).to.not.have.property('callingType');
      const toGb = { direction: 'Outbound', sourceCountry: 'US', destinationCountry: 'GB' };
      const gbFixed = { ...toGb, destinationPhoneNumber: '+442079460018' };
      expect(usage(CHANGE - 1, gbFixed)).to.deep.equal(['USE1-US-GB-outbound-minutes', 131_000_000n]);
      expect(usage(CHANGE, gbFixed)).to.deep.equal(['USE1-US-GB-outbound-minutes', 124_000_000n]);
      expect(usage(CHANGE, { ...toGb, destinationPhoneNumber: '+447911123456' })).to.deep.equal([
        'USE1-US-GB-outbound-mobile-minutes',
        400_000_000n,
      ]);
      // Without the number, fixed and mobile prices both fit and differ.
      expect(usage(CHANGE, toGb)).to.equal('UNRATED_AMBIGUOUS_PRICE');
      const inbound = { direction: 'Inbound', sourceCountry: 'GB', destinationCountry: 'US' };
      expect(usage(CHANGE, { ...inbound, destinationPhoneNumber: '+12065550100' })).to.deep.equal([
        'USE1-US-inbound-minutes',
        22_000_000n,
      ]);
      expect(usage(CHANGE, { ...inbound, destinationPhoneNumber: '+18885550100' })).to.deep.equal([
        'USE1-US-tollfree-inbound-minutes',
        130_000_000n,
      ]);
      // USE1 and USW2 both price US→US at 0.0048: they agree, so the call is rated (first usage type).
      const usUs = { direction: 'Outbound', sourceCountry: 'US', destinationCountry: 'US' };
      expect(usage(1556009611, { ...usUs, destinationPhoneNumber: '+12065550101' })).to.deep.equal([
        'USE1-US-US-outbound-minutes',
        48_000_000n,
      ]);
      expect(usage(CHANGE, { direction: 'Outbound', destinationCountry: 'US' })).to.equal('UNRATED_NO_USAGE_TYPE');
      // The SMS rows (per Message) never price a call, the phone-number rows (per Mo) neither.
      expect(snapshot.versions[1]?.prices.some((p) => p.unit === 'Message')).to.equal(true);
      expect(snapshot.versions[1]?.prices.some((p) => p.unit === 'Mo')).to.equal(true);
      expect(table.priceFor('USE1-US-US-outbound-sms', CHANGE, {}).status).to.equal('UNRATED_UNSUPPORTED_UNIT');
      expect(snapshot.versions.every((v) => v.illustrative === true)).to.equal(true);
    });
  });

  describe('bad sources', () => {
    const cases: [string, string, string][] = [
      ['truncated.json', VC, `${FIXTURES}/truncated.json: not valid JSON (`],
      ['wrong-shape.json', VC, `${FIXTURES}/wrong-shape.json: not a recognized price list;`],
      ['offer-file.csv', VC, `${FIXTURES}/offer-file.csv: CSV offer files are not supported`],
      [
        'offer-file-11-decimals.json',
        VC,
        `${FIXTURES}/offer-file-11-decimals.json: price of usage type USE1-US-DE-outbound-minutes (SKU P2AAAAAAAAAAAAAA) is unusable: "0.00480000001" has more than 10 decimal places`,
      ],
      [
        'offer-file.json',
        BC,
        `${FIXTURES}/offer-file.json: offer file is for AmazonChimeVoiceConnector, expected AmazonChimeBusinessCalling`,
      ],
      [
        'get-products-2-pages.json',
        BC,
        `${FIXTURES}/get-products-2-pages.json: PriceList[0] is a AmazonChimeVoiceConnector price`,
      ],
      [
        'snapshot-bad-price.json',
        VC,
        `${FIXTURES}/snapshot-bad-price.json: invalid price snapshot: $.versions[1].prices[1].pricePerUnit`,
      ],
      ['missing.json', VC, `${FIXTURES}/missing.json: not found`],
      [
        'no-such-folder',
        VC,
        `${FIXTURES}/no-such-folder/: no price list found (expected AmazonChimeVoiceConnector/index.json, index.json or one .json file)`,
      ],
    ];
    for (const [key, service, message] of cases) {
      it(`${key} (${service}) → PriceSourceError`, async () => {
        const error = await rejection(loadPriceSnapshot(fixtures, key, service as ServiceCode));
        expect(error.message.startsWith(message), error.message).to.equal(true);
      });
    }

    it('refuses an offer file without any USD price', async () => {
      const doc = { ...JSON.parse(fixtureText('offer-file.json')), terms: { OnDemand: {} } };
      const store = await scratchStore({ 'empty.json': JSON.stringify(doc) });
      const error = await rejection(loadPriceSnapshot(store, 'empty.json', VC));
      expect(error.message).to.equal(
        `${scratch}/empty.json: contains no USD OnDemand prices for AmazonChimeVoiceConnector`,
      );
    });

    it('refuses a folder with several price files, and loads one holding a single file', async () => {
      const store = await scratchStore({
        'a/one.json': fixtureText('snapshot.json'),
        'a/two.json': fixtureText('snapshot.json'),
      });
      const error = await rejection(loadPriceSnapshot(store, 'a/', VC));
      expect(error.message).to.equal(`${scratch}/a/: 2 price files (a/one.json, a/two.json); name the one to use`);
      await store.delete(['a/two.json']);
      expect((await loadPriceSnapshot(store, 'a', VC)).versions).to.have.length(2);
    });
  });

  describe('--prices arguments', () => {
    it('maps local files, local folders and s3:// URIs to a store root and key', async () => {
      expect(await resolvePricesArgument(path.join(FIXTURES, 'snapshot.json'))).to.deep.equal({
        kind: 'local',
        root: FIXTURES,
        key: 'snapshot.json',
      });
      expect(await resolvePricesArgument(FIXTURES)).to.deep.equal({ kind: 'local', root: FIXTURES, key: '' });
      expect(await resolvePricesArgument('s3://my-bucket/prices/AmazonChimeVoiceConnector')).to.deep.equal({
        kind: 's3',
        bucket: 'my-bucket',
        key: 'prices/AmazonChimeVoiceConnector',
      });
      expect(await resolvePricesArgument('s3://my-bucket')).to.deep.equal({ kind: 's3', bucket: 'my-bucket', key: '' });
    });

    it('refuses a missing local path, a bad bucket name and s3:// without an S3 store', async () => {
      const missing = path.join(scratch, 'nope.json');
      expect((await rejection(resolvePricesArgument(missing))).message).to.equal(`not found: ${missing}`);
      expect((await rejection(resolvePricesArgument('s3://Bad_Bucket/x'))).message).to.contain(
        'invalid S3 bucket name',
      );
      expect((await rejection(openPricesArgument('s3://my-bucket/x.json'))).message).to.equal(
        'cannot read s3://my-bucket/x.json: no S3 store available',
      );
    });

    it('loads s3:// prices through the given opener and closes the store it opened', async () => {
      const opened: string[] = [];
      let closed = 0;
      const openS3 = async (bucket: string): Promise<ObjectStore> => {
        opened.push(bucket);
        const store = await LocalStore.open(FIXTURES);
        return Object.assign(Object.create(store) as LocalStore, {
          close: async () => {
            closed += 1;
          },
        });
      };
      const result = await loadPricesArgument('s3://price-bucket/bulk/AmazonChimeVoiceConnector', VC, {
        openS3,
        now: NOW,
      });
      expect(opened).to.deep.equal(['price-bucket']);
      expect(closed).to.equal(1);
      expect(result.location).to.equal('s3://price-bucket/bulk/AmazonChimeVoiceConnector');
      expect(result.table.versions.map((v) => v.id)).to.deep.equal(['20241105184512', '20250214201533']);
      await rejection(loadPricesArgument('s3://price-bucket/truncated.json', VC, { openS3 }));
      expect(closed).to.equal(2);
    });

    it('reports a local file argument by its path', async () => {
      const file = path.join(FIXTURES, 'offer-file.json');
      expect((await loadPricesArgument(file, VC)).location).to.equal(file);
    });
  });
});
