'use strict';
// Runs on `npm ci` / `npm install`: compiles the TypeScript so `npx cdr-summary` works at once.
// In a production-only install (`npm ci --omit=dev`) there is no compiler; the image copies a
// prebuilt dist/ instead, so skip quietly.
const { execFileSync } = require('node:child_process');
const { existsSync, rmSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
if (!existsSync(tsc)) {
  process.stdout.write('prepare: typescript not installed (production install); using prebuilt dist/\n');
  process.exit(0);
}
// A fresh compile: no module of an older layout stays in dist/job (npm pack ships that folder).
rmSync(path.join(root, 'dist', 'job'), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
