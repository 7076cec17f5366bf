#!/usr/bin/env node
'use strict';
// Entry point of the `cdr-summary` command: runs the compiled CLI.
require('../dist/job/cli.js')
  .main(process.argv)
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`cdr-summary: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
