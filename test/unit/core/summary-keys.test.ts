import { expect } from 'chai';
import { outputKeys, partialKeys } from '../../../job/core/layout/summary-keys';
import { periodEndingOn } from '../../../job/core/period';
import { schemaFor } from '../../../job/core/schema';

describe('summary keys', () => {
  const period = periodEndingOn('Monthly', { year: 2025, month: 2, day: 28 });

  it('names the report, manifest and rejects of a period by its end date, zero-padded', () => {
    expect(outputKeys(schemaFor('AmazonChimeVoiceConnector'), period)).to.deep.equal({
      reportFolder: 'Amazon-Chime-Voice-Connector-Summary/csv/Monthly/2025/02/28/',
      csvKey:
        'Amazon-Chime-Voice-Connector-Summary/csv/Monthly/2025/02/28/Amazon-Chime-Voice-Connector-Monthly-2025-02-01_2025-02-28.csv',
      manifestKey: 'Amazon-Chime-Voice-Connector-Summary/csv/Monthly/2025/02/28/manifest.json',
      rejectsFolder: 'Amazon-Chime-Voice-Connector-Summary/rejects/Monthly/2025/02/28/',
      rejectsKey: 'Amazon-Chime-Voice-Connector-Summary/rejects/Monthly/2025/02/28/rejects.jsonl',
    });
  });

  it('keeps each shard of a fanned-out run apart under partials/', () => {
    const keys = partialKeys(schemaFor('AmazonChimeBusinessCalling'), period, { index: 2, count: 8 });
    expect(keys).to.deep.equal({
      folder: 'Amazon-Chime-Business-Calling-Summary/partials/Monthly/2025/02/28/',
      callsKey: 'Amazon-Chime-Business-Calling-Summary/partials/Monthly/2025/02/28/shard-2-of-8.calls',
      csvKey: 'Amazon-Chime-Business-Calling-Summary/partials/Monthly/2025/02/28/shard-2-of-8.csv',
      rejectsKey: 'Amazon-Chime-Business-Calling-Summary/partials/Monthly/2025/02/28/shard-2-of-8.jsonl',
      manifestKey: 'Amazon-Chime-Business-Calling-Summary/partials/Monthly/2025/02/28/shard-2-of-8.json',
    });
  });
});
