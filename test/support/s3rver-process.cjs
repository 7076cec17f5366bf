'use strict';
// Runs s3rver in its own process for the tests (see s3rver.ts). Started as
//   node --openssl-legacy-provider s3rver-process.cjs <directory>
// with an IPC channel: it reports { port } once listening and exits when the parent goes away, so
// a crashed test run never leaves a server (or its data directory) behind.
const fs = require('node:fs');
const S3rver = require('s3rver');
const { installS3rverFixes } = require('./s3rver-fixes.cjs');

const directory = process.argv[2];
if (!directory) {
  console.error('usage: s3rver-process.cjs <directory>');
  process.exit(2);
}
process.on('disconnect', () => {
  // The test process is gone (it would have stopped us otherwise): clean up after it.
  fs.rmSync(directory, { recursive: true, force: true });
  process.exit(0);
});
installS3rverFixes();
new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory })
  .run()
  .then(({ port }) => {
    if (process.send) process.send({ port });
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
