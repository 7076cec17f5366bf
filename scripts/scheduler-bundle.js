'use strict';
/**
 * The esbuild options of the scheduler Lambda bundle (job/scheduler/index.ts → dist/scheduler/index.js):
 * one CommonJS file exporting `handler`, the AWS SDK v3 included (the Lambda runtime's own SDK copy
 * is not relied on), runnable on Node.js 20 and 22. Shared by the build script and the test that
 * checks what the bundle carries.
 */
const path = require('node:path');

const root = path.resolve(__dirname, '..');

/** esbuild build options; `outfile` is dist/scheduler/index.js. */
function schedulerBundleOptions() {
  return {
    entryPoints: [path.join(root, 'job', 'scheduler', 'index.ts')],
    outfile: path.join(root, 'dist', 'scheduler', 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: false,
    minify: true,
    keepNames: true,
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  };
}

module.exports = { schedulerBundleOptions, root };
