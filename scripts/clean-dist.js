'use strict';
// Removes dist/ before a build, so no module of an older layout is left to be packed or shipped.
const { rmSync } = require('node:fs');
const path = require('node:path');

rmSync(path.join(__dirname, '..', 'dist'), { recursive: true, force: true });
