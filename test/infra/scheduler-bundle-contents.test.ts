/**
 * The scheduler Lambda bundle carries only what the Lambda runs: the handler, the price fetcher,
 * the S3 store and the SDK clients — never the local-disk store, worker threads, the engine or the CLI.
 */

import { expect } from 'chai';
import { build } from 'esbuild';

// A CommonJS build script shared with `npm run build:scheduler`.
const { schedulerBundleOptions } = require('../../scripts/scheduler-bundle') as {
  schedulerBundleOptions(): Parameters<typeof build>[0];
};

describe('infra: what the scheduler Lambda bundle holds', () => {
  it('includes the handler and the S3 store but no local store, threads, engine or CLI', async () => {
    const result = await build({ ...schedulerBundleOptions(), write: false });
    const inputs = Object.keys(result.metafile?.inputs ?? {});
    const ours = inputs.filter((input) => input.startsWith('job/'));
    expect(ours).to.include.members(['job/scheduler/handler.ts', 'job/store/s3.ts', 'job/prices/refresh.ts']);
    const unwanted = ours.filter((input) =>
      /^job\/(store\/(local|file-)|threads\/|pipeline\/|cli\/|sinks\/|generate\/|cdr\/)/.test(input),
    );
    expect(unwanted, 'modules the Lambda never runs').to.deep.equal([]);
    const bytes = result.outputFiles?.reduce((sum, file) => sum + file.contents.length, 0) ?? 0;
    expect(bytes, 'bundle bytes').to.be.greaterThan(100_000).and.lessThan(2_500_000);
  });
});
