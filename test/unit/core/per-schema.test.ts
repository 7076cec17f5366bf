import { expect } from 'chai';
import { perSchema } from '../../../job/core/per-schema';
import { schemaFor } from '../../../job/core/schema';

describe('perSchema', () => {
  it('builds once per schema and gives each schema its own value', () => {
    let builds = 0;
    const columnCount = perSchema((schema) => {
      builds++;
      return { service: schema.service, columns: schema.columns.length };
    });
    const vc = schemaFor('AmazonChimeVoiceConnector');
    const bc = schemaFor('AmazonChimeBusinessCalling');
    const first = columnCount(vc);
    expect(columnCount(vc)).to.equal(first);
    expect(columnCount(bc).service).to.equal('AmazonChimeBusinessCalling');
    expect(first.columns).to.equal(vc.columns.length);
    expect(builds).to.equal(2);
  });
});
