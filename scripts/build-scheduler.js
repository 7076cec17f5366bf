#!/usr/bin/env node
/**
 * Bundles the scheduler Lambda (job/scheduler/index.ts) with esbuild into dist/scheduler/index.js:
 * one CommonJS file exporting `handler`, the AWS SDK v3 included (the Lambda runtime's own SDK copy
 * is not relied on), runnable on Node.js 20 and 22.
 */
'use strict';

const path = require('node:path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const outfile = path.join(root, 'dist', 'scheduler', 'index.js');

async function main() {
  const result = await esbuild.build({
    entryPoints: [path.join(root, 'job', 'scheduler', 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: false,
    minify: false,
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  });
  const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  console.log(`scheduler bundle: ${path.relative(root, outfile)} (${(bytes / 1024).toFixed(0)} KiB)`);
}

main().catch((error) => {
  console.error(`build-scheduler: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
