#!/usr/bin/env node
/** Bundles the scheduler Lambda with esbuild (options in scheduler-bundle.js) and prints its size. */
'use strict';

const path = require('node:path');
const esbuild = require('esbuild');
const { root, schedulerBundleOptions } = require('./scheduler-bundle');

async function main() {
  const options = schedulerBundleOptions();
  const result = await esbuild.build(options);
  const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  console.log(`scheduler bundle: ${path.relative(root, options.outfile)} (${(bytes / 1024).toFixed(0)} KiB)`);
}

main().catch((error) => {
  console.error(`build-scheduler: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
