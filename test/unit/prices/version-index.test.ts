import { expect } from 'chai';
import { PriceSourceError } from '../../../job/prices/errors';
import { parseVersionIndex } from '../../../job/prices/version-index';
import { epoch, fixtureText } from './fixtures';

function index(versions: Record<string, [string, string]>): unknown {
  return {
    formatVersion: 'v1.0',
    offerCode: 'AmazonChimeVoiceConnector',
    versions: Object.fromEntries(
      Object.entries(versions).map(([id, [begin, end]]) => [
        id,
        { versionEffectiveBeginDate: begin, versionEffectiveEndDate: end, offerVersionUrl: `/x/${id}/index.json` },
      ]),
    ),
  };
}

describe('prices/version-index', () => {
  it('sorts versions and ends each window where the next begins (current version open)', () => {
    const parsed = parseVersionIndex(
      index({
        c: ['2025-03-01T00:00:00Z', ''],
        a: ['2024-01-01T00:00:00Z', '2024-06-30T23:59:59Z'],
        b: ['2024-07-01T00:00:00Z', '2025-02-28T23:59:59Z'],
      }),
    );
    expect(parsed.offerCode).to.equal('AmazonChimeVoiceConnector');
    expect(parsed.versions).to.deep.equal([
      {
        id: 'a',
        effectiveFrom: epoch('2024-01-01T00:00:00Z'),
        effectiveUntil: epoch('2024-07-01T00:00:00Z'),
        offerVersionUrl: '/x/a/index.json',
      },
      {
        id: 'b',
        effectiveFrom: epoch('2024-07-01T00:00:00Z'),
        effectiveUntil: epoch('2025-03-01T00:00:00Z'),
        offerVersionUrl: '/x/b/index.json',
      },
      {
        id: 'c',
        effectiveFrom: epoch('2025-03-01T00:00:00Z'),
        effectiveUntil: null,
        offerVersionUrl: '/x/c/index.json',
      },
    ]);
    expect(parsed.superseded).to.deep.equal([]);
  });

  it('never lets windows overlap: an end date past the next begin is cut there', () => {
    const parsed = parseVersionIndex(
      index({ old: ['2024-01-01T00:00:00Z', '2024-12-31T00:00:00Z'], new: ['2024-06-01T00:00:00Z', ''] }),
    );
    expect(parsed.versions.map((v) => [v.id, v.effectiveUntil])).to.deep.equal([
      ['old', epoch('2024-06-01T00:00:00Z')],
      ['new', null],
    ]);
  });

  it('keeps the later-published version when two begin at the same instant, and says so', () => {
    const parsed = parseVersionIndex(
      index({ '20241105184512': ['2024-11-01T00:00:00Z', ''], '20241101000000': ['2024-11-01T00:00:00Z', ''] }),
    );
    expect(parsed.versions.map((v) => v.id)).to.deep.equal(['20241105184512']);
    expect(parsed.superseded).to.deep.equal([{ id: '20241101000000', by: '20241105184512' }]);
  });

  it('reads an inclusive "23:59:59Z" end of the last version as the next midnight, other ends as exclusive', () => {
    const inclusive = parseVersionIndex(index({ a: ['2019-01-01T00:00:00Z', '2019-02-28T23:59:59Z'] }));
    expect(inclusive.versions[0]?.effectiveUntil).to.equal(epoch('2019-03-01T00:00:00Z'));
    const exclusive = parseVersionIndex(index({ a: ['2019-01-01T00:00:00Z', '2019-03-01T00:00:00Z'] }));
    expect(exclusive.versions[0]?.effectiveUntil).to.equal(epoch('2019-03-01T00:00:00Z'));
  });

  it('parses the unsorted, overlapping fixture index into non-overlapping windows', () => {
    const parsed = parseVersionIndex(JSON.parse(fixtureText('bulk/AmazonChimeVoiceConnector/index.json')));
    const windows = parsed.versions;
    expect(windows.map((v) => v.id)).to.deep.equal(['20240601000000', '20241105184512', '20250214201533']);
    for (let i = 1; i < windows.length; i++) {
      expect(windows[i - 1]?.effectiveUntil).to.equal(windows[i]?.effectiveFrom);
    }
  });

  it('refuses an index without versions, a bad begin date and an end before the begin', () => {
    expect(() => parseVersionIndex({ versions: {} })).to.throw(PriceSourceError, 'lists no versions');
    expect(() => parseVersionIndex({ offerCode: 'x' })).to.throw(PriceSourceError, 'no "versions" object');
    expect(() => parseVersionIndex(index({ a: ['yesterday', ''] }))).to.throw(
      PriceSourceError,
      'version a has no valid versionEffectiveBeginDate ("yesterday")',
    );
    expect(() => parseVersionIndex(index({ a: ['2025-01-01T00:00:00', ''] }))).to.throw(PriceSourceError, 'version a');
    expect(() => parseVersionIndex(index({ a: ['2025-01-01T00:00:00Z', '2024-01-01T00:00:00Z'] }))).to.throw(
      PriceSourceError,
      'version a ends (2024-01-01T00:00:00Z) before it begins (2025-01-01T00:00:00Z)',
    );
  });
});
