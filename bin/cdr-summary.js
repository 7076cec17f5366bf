#!/usr/bin/env node
'use strict';
// Entry point of the `cdr-summary` command: the compiled CLI (built by `npm ci` / `npm run build`).
require('../dist/job/main.js');
